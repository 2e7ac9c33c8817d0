// Sign-in by SMS code (docs/decisions/028-sms-sign-in.md): who may get a code, how often, and
// whether a typed code is still good. Pure; the counting is in Redis, the rows in sign_in_codes.

export interface SmsSignInRule {
  key: string;
  limit: number;
  windowSeconds: number;
}

export const smsSignInPolicy = {
  /** A new code for the same number no sooner than this: the page counts it down. */
  resendAfterSeconds: 60,
  /** Codes sent to one number per hour, by /login and by its invitation each (SMS costs money and annoys). */
  codesPerPhonePerHour: 5,
  /** Code requests from one network address per 15 minutes: high, as a school's NAT holds a training day. */
  requestsPerNetwork: 100,
  /** Codes typed for one number per 15 minutes (a code itself dies after 5 wrong ones). */
  checksPerPhone: 10,
  /** Codes typed from one network address per 15 minutes, across numbers. */
  checksPerNetwork: 100,
} as const;

const quarterHour = 15 * 60;

/**
 * The counters a code request is measured against: per number (a gap and an hourly cap) and per
 * address. The number's counters are kept apart for /login and the invitation: someone who tried
 * /login first (and got nothing, their account not yet open) is not kept waiting at their link.
 */
export function codeRequestRules(via: "login" | "invite", phone: string, ip: string | null, policy = smsSignInPolicy): SmsSignInRule[] {
  return [
    { key: `sms-sign-in:gap:${via}:${phone}`, limit: 1, windowSeconds: policy.resendAfterSeconds },
    { key: `sms-sign-in:phone:${via}:${phone}`, limit: policy.codesPerPhonePerHour, windowSeconds: 3600 },
    { key: `sms-sign-in:network:${ip ?? "unknown"}`, limit: policy.requestsPerNetwork, windowSeconds: quarterHour },
  ];
}

/** The counters a typed code is measured against, before it is looked at. */
export function codeCheckRules(phone: string, ip: string | null, policy = smsSignInPolicy): SmsSignInRule[] {
  return [
    { key: `sms-sign-in:check:${phone}`, limit: policy.checksPerPhone, windowSeconds: quarterHour },
    { key: `sms-sign-in:check-network:${ip ?? "unknown"}`, limit: policy.checksPerNetwork, windowSeconds: quarterHour },
  ];
}

/** Whole minutes (at least 1) for "请 N 分钟后再试". */
export function minutesToWait(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}

/**
 * A code as typed: full-width digits (a Chinese input method's ６) become ASCII, spaces and dashes
 * go. Null unless six digits remain.
 */
export function normaliseCode(typed: string): string | null {
  const code = typed.normalize("NFKC").replace(/[\s-]/g, "");
  return /^\d{6}$/.test(code) ? code : null;
}

/**
 * Who gets a sign-in code on /login: an active account whose number it is, that has been entered
 * before (a password set, or a sign-in). An account nobody has claimed yet is entered through its
 * invitation, which an administrator handed to that person; a mistyped number must not open it.
 */
export function receivesLoginCode(account: { status: "active" | "deactivated"; hasPassword: boolean; hasSignedIn: boolean } | null): boolean {
  return account !== null && account.status === "active" && (account.hasPassword || account.hasSignedIn);
}

export interface StoredSignInCode {
  phone: string;
  codeHash: string | null;
  expiresAt: Date;
  failedAttempts: number;
  usedAt: Date | null;
}

export type CodeProblem = "noCode" | "used" | "expired" | "tooManyTries" | "otherPhone";

/** Why a stored code cannot sign in now (the person reads one message for all of these; the audit log keeps which). */
export function codeProblem(stored: StoredSignInCode | null, currentPhone: string | null, now: Date, maxFailures: number): CodeProblem | null {
  if (!stored) return "noCode";
  if (stored.usedAt || !stored.codeHash) return "used";
  if (stored.expiresAt.getTime() <= now.getTime()) return "expired";
  if (stored.failedAttempts >= maxFailures) return "tooManyTries";
  if (stored.phone !== currentPhone) return "otherPhone";
  return null;
}

/** A number shown to someone who holds a link but may not be its owner: 138****0001. */
export function maskedPhone(phone: string): string {
  return /^1\d{10}$/.test(phone) ? `${phone.slice(0, 3)}****${phone.slice(7)}` : "***";
}

/** The two ways into /login and into an invitation, as the page's ?method= names them. */
export type SignInMethod = "password" | "sms";

export function signInMethodOf(search: string | null): SignInMethod {
  return search === "sms" ? "sms" : "password";
}
