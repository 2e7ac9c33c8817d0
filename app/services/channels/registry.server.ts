import { getConfig } from "~/config.server";
import { channelsFromConfig } from "./index";
import type { Channels } from "./types";

// The channels the web process sends codes through (verification and sign-in codes are sent while
// the person waits, not queued). Built once from the configuration; tests register their own.

const key = Symbol.for("baicheng.channels");
type Store = { [key]?: { channels: Channels; linkSecret: string | null; appUrl: string } };

export function registerChannels(channels: Channels, options: { linkSecret: string | null; appUrl: string }): void {
  (globalThis as Store)[key] = { channels, ...options };
}

export function webChannels(): { channels: Channels; linkSecret: string | null; appUrl: string } {
  const store = globalThis as Store;
  if (!store[key]) {
    const config = getConfig();
    store[key] = { channels: channelsFromConfig(config.channels), linkSecret: config.channels.linkSecret, appUrl: config.APP_URL };
  }
  return store[key]!;
}
