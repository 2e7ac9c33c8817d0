// How password guesses are slowed (docs/decisions/010-login-throttling.md). Pure numbers; the
// counting is atomic in Redis (app/rate-limit.server.ts).

export interface SignInThrottlePolicy {
  freeAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  pairMemoryMs: number;
  accountCeiling: number;
  accountWindowSeconds: number;
  networkCeiling: number;
  networkWindowSeconds: number;
  knownDeviceDays: number;
}

export const signInThrottle: Readonly<SignInThrottlePolicy> = {
  /** Attempts per (account, source) before any delay: room for typos. */
  freeAttempts: 5,
  /** The first delay; each further failure doubles it. */
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  /** A pair's failures are forgotten this long after its last attempt. */
  pairMemoryMs: 60 * 60_000,
  /** Failures on one account from sources it has not signed in from, per window, before those sources are paused. */
  accountCeiling: 50,
  accountWindowSeconds: 60 * 60,
  /** Failures from one network address across all accounts (a school's NAT holds many people). */
  networkCeiling: 100,
  networkWindowSeconds: 15 * 60,
  /** How long a browser that signed in stays a known device of that account. */
  knownDeviceDays: 180,
};

/** The wait imposed after the n-th counted attempt of a pair (1-based): none while free, then doubling. */
export function delayAfterAttempt(attempt: number, policy: SignInThrottlePolicy = signInThrottle): number {
  if (attempt < policy.freeAttempts) return 0;
  return Math.min(policy.baseDelayMs * 2 ** (attempt - policy.freeAttempts), policy.maxDelayMs);
}

/** Delays for attempts 1..n, until the cap is reached (the cap applies beyond). */
export function delaySchedule(policy: SignInThrottlePolicy = signInThrottle): number[] {
  const schedule: number[] = [];
  for (let attempt = 1; schedule.at(-1) !== policy.maxDelayMs; attempt += 1) schedule.push(delayAfterAttempt(attempt, policy));
  return schedule;
}

export type SignInRefusal =
  /** This account from this source must wait: the exponential delay. */
  | { reason: "slowDown"; retryAfterMs: number }
  /** This network address has failed too often across accounts. */
  | { reason: "network"; retryAfterMs: number }
  /** The account is over its ceiling: only its known devices are heard until the window ends. */
  | { reason: "accountCeiling"; retryAfterMs: number };

/** Whole seconds (at least 1) to tell a person to wait. */
export function secondsToWait(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
