import { codeCheckRules, codeProblem, codeRequestRules, maskedPhone, minutesToWait, receivesLoginCode, smsSignInPolicy, type CodeProblem } from "~/domain/sign-in-codes";
import { logger } from "~/logger.server";
import { consumeAccessToken, inspectAccessToken } from "~/models/access-tokens.server";
import { recordAudit } from "~/models/audit.server";
import { findPhoneAccount, findSignInCode, markPhoneVerified, recordWrongCode, saveSignInCode, spendSignInCode } from "~/models/sign-in-codes.server";
import type { Db } from "~/models/types";
import { getUserSummary } from "~/models/users.server";
import { consumeLimits } from "~/rate-limit.server";
import { channelAvailable, codeLifetimeMs, codeMatches, codeMaxFailures, hashCode, newCode, sendCode } from "./codes.server";

// Sign-in by a code sent by SMS, on /login and to complete an invitation
// (docs/decisions/028-sms-sign-in.md). Codes: 6 digits, 5 minutes, single use, stored as an HMAC
// bound to the purpose and the number (app/services/codes.server.ts). The sessions it opens are the
// ordinary ones (the routes call startSession as the password sign-in does).

const loginPurpose = "signIn";
const invitePurpose = (tokenId: string) => `invite:${tokenId}`;

/** Offered only when SMS is configured. */
export function smsSignInOffered(): boolean {
  return channelAvailable("sms");
}

export type CodeRequestAnswer =
  | { ok: true; resendAfterSeconds: number }
  | { ok: false; problem: "off" | "sendFailed" | "notOffered" | "expired" | "used" | "unknown" }
  | { ok: false; problem: "rateLimited"; minutes: number };

export type CodeCheckAnswer =
  | { ok: true; userId: string }
  | { ok: false; problem: "off" | "wrongCode" | "deactivated" | "notOffered" | "expired" | "used" | "unknown" }
  | { ok: false; problem: "rateLimited"; minutes: number };

// ── sending after the answer ────────────────────────────────────────────────────────────────────

const pending = new Set<Promise<void>>();

/**
 * Runs the lookup and the sending of a login code after the answer is written: the answer then
 * takes as long for a number with no account as for one with an account.
 */
function afterAnswer(work: () => Promise<void>): void {
  const task: Promise<void> = work()
    .catch((error: unknown) => logger.error({ err: error }, "a sign-in code could not be issued"))
    .finally(() => pending.delete(task));
  pending.add(task);
}

/** Waits for every code still being sent (tests; a graceful stop). */
export async function codeSendsSettled(): Promise<void> {
  while (pending.size) await Promise.all([...pending]);
}

// ── /login ──────────────────────────────────────────────────────────────────────────────────────

/**
 * A code for whoever has this number. The answer never says whether anyone has it: the same words,
 * the same status and (the work done after it) the same time. No SMS goes to a number without an
 * account, to a deactivated account, or to one never entered (it has its invitation).
 */
export async function requestLoginCode(db: Db, input: { phone: string; ip: string | null; now: Date }): Promise<CodeRequestAnswer> {
  if (!smsSignInOffered()) return { ok: false, problem: "off" };
  const limited = await overLimits(db, codeRequestRules("login", input.phone, input.ip), { phone: input.phone, ip: input.ip, stage: "request", via: "login" });
  if (limited) return limited;
  afterAnswer(async () => {
    const account = await findPhoneAccount(db, input.phone, "login");
    if (!account || !receivesLoginCode(account)) {
      const reason = !account ? "unknownNumber" : account.status !== "active" ? "deactivated" : "neverSignedIn";
      await auditFailure(db, { userId: account?.id ?? null, phone: input.phone, ip: input.ip, stage: "request", via: "login", reason });
      return;
    }
    const code = newCode();
    await saveSignInCode(db, {
      userId: account.id,
      purpose: "login",
      phone: input.phone,
      codeHash: hashCode(loginPurpose, input.phone, code),
      expiresAt: new Date(input.now.getTime() + codeLifetimeMs),
      accessTokenId: null,
    });
    await sendCode(db, { userId: account.id, channel: "sms", address: input.phone, code, purpose: "signIn" });
  });
  return { ok: true, resendAfterSeconds: smsSignInPolicy.resendAfterSeconds };
}

/**
 * The typed code for this number: right, in time, unused, sent to the number the account has now.
 * Wrong, expired and replayed codes get one answer (the audit log keeps which it was). A right code
 * is spent at once and proves the number: it is marked verified.
 */
export async function checkLoginCode(db: Db, input: { phone: string; code: string; ip: string | null; now: Date }): Promise<CodeCheckAnswer> {
  if (!smsSignInOffered()) return { ok: false, problem: "off" };
  const limited = await overLimits(db, codeCheckRules(input.phone, input.ip), { phone: input.phone, ip: input.ip, stage: "check", via: "login" });
  if (limited) return limited;
  const account = await findPhoneAccount(db, input.phone, "login");
  const problem: CodeProblem | "wrong" | null = account
    ? (codeProblem(account.code, account.phone, input.now, codeMaxFailures) ?? (codeMatches(account.code!.codeHash, loginPurpose, input.phone, input.code) ? null : "wrong"))
    : "noCode";
  const spent = !problem && account ? await spendSignInCode(db, { userId: account.id, purpose: "login", codeHash: account.code!.codeHash!, now: input.now }) : false;
  if (!account || !spent) {
    // By number, whether or not it has an account: the same statements either way.
    await recordWrongCode(db, { phone: input.phone, purpose: "login" });
    await auditFailure(db, { userId: account?.id ?? null, phone: input.phone, ip: input.ip, stage: "check", via: "login", reason: problem ?? "used" });
    return { ok: false, problem: "wrongCode" };
  }
  if (account.status !== "active") return { ok: false, problem: "deactivated" };
  await markPhoneVerified(db, { userId: account.id, phone: input.phone, now: input.now });
  return { ok: true, userId: account.id };
}

// ── /invite/:token ──────────────────────────────────────────────────────────────────────────────

interface InviteTarget {
  tokenId: string;
  userId: string;
  phone: string;
}

/** The invitation's person and number, when this link may be completed by a code. */
async function inviteTarget(db: Db, token: string): Promise<InviteTarget | { problem: "expired" | "used" | "unknown" | "notOffered" }> {
  const state = await inspectAccessToken(db, token);
  if (state.state !== "valid") return { problem: state.state };
  if (state.purpose !== "invite") return { problem: "notOffered" };
  const user = await getUserSummary(db, state.userId);
  if (!user?.phone) return { problem: "notOffered" };
  return { tokenId: state.tokenId, userId: state.userId, phone: user.phone };
}

/** What the invitation page offers: the masked number a code would go to, or nothing. */
export async function inviteCodeOffer(db: Db, token: string): Promise<{ phone: string } | null> {
  if (!smsSignInOffered()) return null;
  const target = await inviteTarget(db, token);
  return "problem" in target ? null : { phone: maskedPhone(target.phone) };
}

/**
 * A code to the invitation's own number. The link holder already knows whose it is, so the answer
 * says whether the SMS went (sent while they wait).
 */
export async function requestInviteCode(db: Db, input: { token: string; ip: string | null; now: Date }): Promise<CodeRequestAnswer> {
  if (!smsSignInOffered()) return { ok: false, problem: "off" };
  const target = await inviteTarget(db, input.token);
  if ("problem" in target) return { ok: false, problem: target.problem };
  const limited = await overLimits(db, codeRequestRules("invite", target.phone, input.ip), { phone: target.phone, ip: input.ip, stage: "request", via: "invite", userId: target.userId });
  if (limited) return limited;
  const code = newCode();
  await saveSignInCode(db, {
    userId: target.userId,
    purpose: "invite",
    phone: target.phone,
    codeHash: hashCode(invitePurpose(target.tokenId), target.phone, code),
    expiresAt: new Date(input.now.getTime() + codeLifetimeMs),
    accessTokenId: target.tokenId,
  });
  const sent = await sendCode(db, { userId: target.userId, channel: "sms", address: target.phone, code, purpose: "signIn" });
  return sent ? { ok: true, resendAfterSeconds: smsSignInPolicy.resendAfterSeconds } : { ok: false, problem: "sendFailed" };
}

class InvitationTaken extends Error {}

/**
 * Completes the invitation with the code sent to its number: the link and the code are spent in one
 * transaction (neither works again), the number is verified, and the person is signed in without a
 * password. A link used meanwhile by someone setting a password wins; the code is then not spent.
 */
export async function completeInviteWithCode(db: Db, input: { token: string; code: string; ip: string | null; now: Date }): Promise<CodeCheckAnswer> {
  if (!smsSignInOffered()) return { ok: false, problem: "off" };
  const target = await inviteTarget(db, input.token);
  if ("problem" in target) return { ok: false, problem: target.problem };
  const limited = await overLimits(db, codeCheckRules(target.phone, input.ip), { phone: target.phone, ip: input.ip, stage: "check", via: "invite", userId: target.userId });
  if (limited) return limited;
  const stored = await findSignInCode(db, target.userId, "invite");
  const problem: CodeProblem | "wrong" | null =
    codeProblem(stored?.code ?? null, target.phone, input.now, codeMaxFailures) ??
    (stored?.accessTokenId === target.tokenId && codeMatches(stored.code!.codeHash, invitePurpose(target.tokenId), target.phone, input.code) ? null : "wrong");
  const fail = async (reason: string) => {
    await auditFailure(db, { userId: target.userId, phone: target.phone, ip: input.ip, stage: "check", via: "invite", reason });
    return { ok: false as const, problem: "wrongCode" as const };
  };
  if (problem) {
    await recordWrongCode(db, { userId: target.userId, purpose: "invite" });
    return fail(problem);
  }
  try {
    await db.transaction().execute(async (trx) => {
      if (!(await consumeAccessToken(trx, input.token))) throw new InvitationTaken();
      if (!(await spendSignInCode(trx, { userId: target.userId, purpose: "invite", codeHash: stored!.code!.codeHash!, now: input.now }))) throw new Error("replayed");
      await markPhoneVerified(trx, { userId: target.userId, phone: target.phone, now: input.now });
      await recordAudit(trx, { actorId: target.userId, action: "login.invite_by_code", targetType: "user", targetId: target.userId, ip: input.ip, details: { account: target.phone } });
    });
  } catch (error) {
    if (error instanceof InvitationTaken) return { ok: false, problem: "used" };
    if (error instanceof Error && error.message === "replayed") return fail("used");
    throw error;
  }
  return { ok: true, userId: target.userId };
}

// ── both ────────────────────────────────────────────────────────────────────────────────────────

async function overLimits(
  db: Db,
  rules: ReturnType<typeof codeRequestRules>,
  audit: { phone: string; ip: string | null; stage: "request" | "check"; via: "login" | "invite"; userId?: string },
): Promise<{ ok: false; problem: "rateLimited"; minutes: number } | null> {
  const verdict = await consumeLimits(rules);
  if (!verdict.blocked) return null;
  await recordAudit(db, {
    actorId: null,
    action: "login.code_rate_limited",
    targetType: audit.userId ? "user" : undefined,
    targetId: audit.userId,
    ip: audit.ip,
    details: { account: audit.phone, stage: audit.stage, via: audit.via },
  });
  return { ok: false, problem: "rateLimited", minutes: minutesToWait(verdict.retryAfterSeconds) };
}

async function auditFailure(db: Db, input: { userId: string | null; phone: string; ip: string | null; stage: "request" | "check"; via: "login" | "invite"; reason: string }): Promise<void> {
  await recordAudit(db, {
    actorId: null,
    action: "login.code_failed",
    targetType: input.userId ? "user" : undefined,
    targetId: input.userId ?? undefined,
    ip: input.ip,
    details: { account: input.phone, stage: input.stage, via: input.via, reason: input.reason },
  });
}
