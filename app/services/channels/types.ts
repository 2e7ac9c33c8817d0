import type { ChannelName, SmsTemplateName } from "~/domain/channels";

// One interface for every way a message leaves the app (docs/decisions/024-message-channels.md).
// E-mail over SMTP and SMS through Aliyun today; Tencent Cloud SMS or a WeChat service account is one
// more adapter implementing MessageChannel, chosen in ./index.ts from the configuration.

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

export interface SmsContent {
  template: SmsTemplateName;
  params: Record<string, string>;
  /**
   * What to send when the provider has no approved code for `template` (a reminder's own template
   * is optional): the generic "reminder" template with the message's text (decision 027).
   */
  fallback?: { template: SmsTemplateName; params: Record<string, string> };
}

export interface OutgoingMessage {
  /** The phone number or e-mail address, verified. */
  to: string;
  email: EmailContent;
  sms: SmsContent;
  /** The signed one-click unsubscribe link for this kind and channel. */
  unsubscribeUrl: string;
  /** Our own id of the delivery: handed to providers that take one (Aliyun's OutId). */
  deliveryId: string;
}

export type SendResult =
  | { ok: true; providerId: string }
  /** `retriable`: a later attempt may succeed (timeouts, throttling, provider faults). */
  | { ok: false; retriable: boolean; error: string };

export interface MessageChannel {
  readonly name: ChannelName;
  send(message: OutgoingMessage): Promise<SendResult>;
}

export type Channels = Partial<Record<ChannelName, MessageChannel>>;
