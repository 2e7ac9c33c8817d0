import { createHmac, timingSafeEqual } from "node:crypto";
import { isChannelName, routeOf, type ChannelName } from "~/domain/channels";

// Signed one-click unsubscribe links (RFC 8058): /unsubscribe/<token>. The token names a person, a
// channel and a kind (or "*" for every kind), and is signed with MESSAGE_LINK_SECRET, so it cannot be
// made for someone else. It never expires: a link in an old e-mail must still work.

export interface UnsubscribeTarget {
  userId: string;
  channel: ChannelName;
  /** A kind from the routing table, or "*": every kind by this channel. */
  kind: string;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64url");

function mac(secret: string, body: string): string {
  return createHmac("sha256", secret).update(`unsubscribe|${body}`).digest("base64url");
}

export function unsubscribeToken(secret: string, target: UnsubscribeTarget): string {
  const body = `${target.userId}.${target.channel}.${b64(target.kind)}`;
  return `${body}.${mac(secret, body)}`;
}

/** The target of a well-formed token whose signature holds; null for anything else. */
export function readUnsubscribeToken(secret: string, token: string): UnsubscribeTarget | null {
  if (token.length > 300) return null;
  const parts = token.split(".");
  if (parts.length !== 4) return null;
  const [userId, channel, kindB64, signature] = parts as [string, string, string, string];
  if (!uuid.test(userId) || !isChannelName(channel) || !/^[A-Za-z0-9_-]+$/.test(kindB64)) return null;
  const expected = Buffer.from(mac(secret, `${userId}.${channel}.${kindB64}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const kind = Buffer.from(kindB64, "base64url").toString("utf8");
  if (kind !== "*" && !routeOf(kind)) return null;
  return { userId, channel, kind };
}

export function unsubscribeUrl(appUrl: string, secret: string, target: UnsubscribeTarget): string {
  return `${appUrl}/unsubscribe/${unsubscribeToken(secret, target)}`;
}
