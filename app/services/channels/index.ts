import type { ChannelConfig } from "~/config.server";
import { aliyunSmsChannel } from "./aliyun-sms";
import { emailChannel } from "./email";
import type { Channels } from "./types";

/** The channels the configuration turns on; none when nothing is configured (the app works without). */
export function channelsFromConfig(config: ChannelConfig): Channels {
  const channels: Channels = {};
  if (config.email) channels.email = emailChannel({ smtpUrl: config.email.smtpUrl, from: config.email.from });
  if (config.sms?.provider === "aliyun") channels.sms = aliyunSmsChannel(config.sms);
  return channels;
}
