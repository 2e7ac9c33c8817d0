import { createHmac, randomInt, randomUUID, timingSafeEqual } from "node:crypto";
import type { ChannelName } from "~/domain/channels";
import { logger } from "~/logger.server";
import type { Db } from "~/models/types";
import { webChannels } from "./channels/registry.server";
import { codeMessage } from "./channels/messages";

// One-time codes sent by SMS or e-mail (docs/decisions/024-message-channels.md): 6 digits, valid 5
// minutes, single use, stored only as an HMAC. Sent while the person waits, and logged as deliveries
// (without the code).

export const codeLifetimeMs = 5 * 60_000;
/** Wrong codes typed before a code stops working (a new one must be asked for). */
export const codeMaxFailures = 5;

export function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, "0");
}

function secret(): string {
  return webChannels().linkSecret ?? "baicheng-codes-without-a-configured-channel";
}

/** The stored form of a code, bound to what it is for and to whom it was sent. */
export function hashCode(purpose: string, address: string, code: string): string {
  return createHmac("sha256", secret()).update(`${purpose}|${address}|${code}`).digest("hex");
}

export function codeMatches(stored: string | null, purpose: string, address: string, typed: string): boolean {
  if (!stored || !/^\d{6}$/.test(typed)) return false;
  const a = Buffer.from(stored, "hex");
  const b = Buffer.from(hashCode(purpose, address, typed), "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

export function channelAvailable(channel: ChannelName): boolean {
  return Boolean(webChannels().channels[channel]);
}

/**
 * Sends a code now and logs it. Returns false when the channel is off or the provider refused (the
 * log says why); never throws, and never writes the code anywhere but the message.
 */
export async function sendCode(db: Db, input: { userId: string | null; channel: ChannelName; address: string; code: string; purpose: "verify" | "signIn" }): Promise<boolean> {
  const channel = webChannels().channels[input.channel];
  if (!channel) return false;
  const message = codeMessage(input.code, input.purpose);
  const eventId = `code-${randomUUID()}`;
  const row = input.userId
    ? await db
        .insertInto("deliveries")
        .values({ event_id: eventId, user_id: input.userId, channel: input.channel, template: `code.${input.purpose}`, address: input.address, payload: "{}", status: "sending", attempts: 1 })
        .returning("id")
        .executeTakeFirst()
    : undefined;
  let result;
  try {
    result = await channel.send({ to: input.address, email: message.email, sms: message.sms, unsubscribeUrl: `${webChannels().appUrl}/profile`, deliveryId: row?.id ?? eventId });
  } catch (error) {
    result = { ok: false as const, retriable: true, error: error instanceof Error ? error.message : String(error) };
  }
  if (!result.ok) logger.warn({ channel: input.channel, error: result.error }, "a one-time code could not be sent");
  if (row) {
    await db
      .updateTable("deliveries")
      .set(result.ok ? { status: "sent", provider_id: result.providerId, sent_at: new Date(), updated_at: new Date() } : { status: "failed", error: result.error.slice(0, 2000), updated_at: new Date() })
      .where("id", "=", row.id)
      .execute();
  }
  return result.ok;
}
