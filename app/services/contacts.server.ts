import type { ChannelName } from "~/domain/channels";
import { getVerification, markVerified, recordVerificationFailure, saveVerificationCode } from "~/models/contacts.server";
import type { Db } from "~/models/types";
import { consumeLimits } from "~/rate-limit.server";
import { channelAvailable, codeLifetimeMs, codeMatches, codeMaxFailures, hashCode, newCode, sendCode } from "./codes.server";

// A person proves a phone number or e-mail address is theirs by typing the code sent to it; until
// then it receives nothing (docs/decisions/024-message-channels.md).

const purpose = "verify";

export type CodeRequestOutcome = { ok: true } | { ok: false; problem: "noAddress" | "channelOff" | "alreadyVerified" | "sendFailed" } | { ok: false; problem: "rateLimited"; minutes: number };

export async function requestVerificationCode(
  db: Db,
  input: { userId: string; channel: ChannelName; address: string | null; ip: string | null; now: Date },
): Promise<CodeRequestOutcome> {
  if (!input.address) return { ok: false, problem: "noAddress" };
  if (!channelAvailable(input.channel)) return { ok: false, problem: "channelOff" };
  const existing = await getVerification(db, input.userId, input.channel);
  if (existing?.verified_at && existing.address === input.address) return { ok: false, problem: "alreadyVerified" };
  // Three codes per address in 15 minutes, twenty per network address an hour (SMS costs money).
  const verdict = await consumeLimits([
    { key: `contact-code:${input.channel}:${input.address}`, limit: 3, windowSeconds: 15 * 60 },
    { key: `contact-code-ip:${input.ip ?? "unknown"}`, limit: 20, windowSeconds: 3600 },
  ]);
  if (verdict.blocked) return { ok: false, problem: "rateLimited", minutes: Math.max(1, Math.ceil(verdict.retryAfterSeconds / 60)) };
  const code = newCode();
  await saveVerificationCode(db, { userId: input.userId, channel: input.channel, address: input.address, codeHash: hashCode(purpose, input.address, code), expiresAt: new Date(input.now.getTime() + codeLifetimeMs) });
  const sent = await sendCode(db, { userId: input.userId, channel: input.channel, address: input.address, code, purpose: "verify" });
  return sent ? { ok: true } : { ok: false, problem: "sendFailed" };
}

/** The typed code: right, in time, for the address the person has now, and not after 5 wrong tries. */
export async function confirmVerificationCode(db: Db, input: { userId: string; channel: ChannelName; address: string | null; code: string; now: Date }): Promise<boolean> {
  const row = await getVerification(db, input.userId, input.channel);
  const usable =
    row &&
    input.address &&
    row.address === input.address &&
    row.code_hash &&
    row.code_expires_at &&
    new Date(row.code_expires_at).getTime() > input.now.getTime() &&
    row.failed_attempts < codeMaxFailures;
  if (usable && codeMatches(row.code_hash, purpose, row.address, input.code.trim())) {
    await markVerified(db, input.userId, input.channel, input.now);
    return true;
  }
  if (row) await recordVerificationFailure(db, input.userId, input.channel);
  return false;
}
