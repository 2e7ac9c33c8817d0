import { randomBytes } from "node:crypto";
import { delaySchedule, signInThrottle, type SignInRefusal } from "./domain/sign-in-throttle";
import { logger } from "./logger.server";
import { keyPrefix, sharedRedis } from "./queue.server";

// Counters in Redis, shared by every web process. Every key of one script shares the queue prefix,
// so a hash-tagged QUEUE_PREFIX keeps them in one Redis Cluster slot.

// ---------- fixed windows ----------

export interface LimitRule {
  key: string;
  limit: number;
  windowSeconds: number;
}

export interface LimitVerdict {
  blocked: boolean;
  retryAfterSeconds: number;
}

function redisKey(key: string) {
  return `${keyPrefix()}:ratelimit:${key}`;
}

/** Is any of the keys over its limit? Fails open (logs) when Redis is away: logins must not depend on it. */
export async function checkLimits(rules: LimitRule[]): Promise<LimitVerdict> {
  try {
    const redis = sharedRedis();
    let retry = 0;
    for (const rule of rules) {
      const [count, ttl] = await Promise.all([redis.get(redisKey(rule.key)), redis.ttl(redisKey(rule.key))]);
      if (Number(count ?? 0) >= rule.limit) retry = Math.max(retry, ttl > 0 ? ttl : rule.windowSeconds);
    }
    return { blocked: retry > 0, retryAfterSeconds: retry };
  } catch (error) {
    logger.warn({ err: error, reason: "redis unavailable" }, "rate limit check skipped");
    return { blocked: false, retryAfterSeconds: 0 };
  }
}

export async function recordFailure(rules: LimitRule[]): Promise<void> {
  try {
    const redis = sharedRedis();
    for (const rule of rules) {
      const count = await redis.incr(redisKey(rule.key));
      if (count === 1) await redis.expire(redisKey(rule.key), rule.windowSeconds);
    }
  } catch (error) {
    logger.warn({ err: error, reason: "redis unavailable" }, "rate limit not recorded");
  }
}

// Count first, then decide, in one step: parallel requests cannot all pass a check before any counts.
const consumeScript = `
local retry = 0
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  local window = tonumber(ARGV[i * 2])
  if count == 1 then redis.call('EXPIRE', key, window) end
  if count > tonumber(ARGV[i * 2 - 1]) then
    local ttl = redis.call('TTL', key)
    retry = math.max(retry, ttl > 0 and ttl or window)
  end
end
return retry
`;

/** Counts one use against every rule and says whether it is over any (atomic). Fails open when Redis is away. */
export async function consumeLimits(rules: LimitRule[]): Promise<LimitVerdict> {
  try {
    const args = rules.flatMap((r) => [String(r.limit), String(r.windowSeconds)]);
    const retry = Number(await sharedRedis().eval(consumeScript, rules.length, ...rules.map((r) => redisKey(r.key)), ...args));
    return { blocked: retry > 0, retryAfterSeconds: retry };
  } catch (error) {
    logger.warn({ err: error, reason: "redis unavailable" }, "rate limit check skipped");
    return { blocked: false, retryAfterSeconds: 0 };
  }
}

// ---------- password attempts (docs/decisions/010-login-throttling.md) ----------

/** Whose password is being guessed: a user id, or the identifier typed for an account that does not exist. */
export type ThrottledAccount = { userId: string } | { unknownIdentifier: string };

function accountId(account: ThrottledAccount): string {
  return "userId" in account ? `user:${account.userId}` : `unknown:${account.unknownIdentifier.toLowerCase()}`;
}

function throttleKeys(account: string) {
  const base = `${keyPrefix()}:signin`;
  return {
    pairs: `${base}:pairs:${account}`,
    pair: (source: string) => `${base}:pair:${account}:${source}`,
    account: `${base}:account:${account}`,
    devices: `${base}:devices:${account}`,
    network: (ip: string) => `${base}:network:${ip}`,
  };
}

// KEYS: pair, account, network, pair index. ARGV: pair memory ms, account ceiling, its window s,
// network ceiling, its window s, known device 0/1, network known 0/1, max delay ms, then the
// delay after attempt 1, 2, 3 … (beyond the list: the max).
const admitScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local pairMemory = tonumber(ARGV[1])
local accountCeiling, accountWindow = tonumber(ARGV[2]), tonumber(ARGV[3])
local networkCeiling, networkWindow = tonumber(ARGV[4]), tonumber(ARGV[5])
local known, hasNetwork, maxDelay = ARGV[6] == '1', ARGV[7] == '1', tonumber(ARGV[8])
local nextAt = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
if nextAt > now then return {'slowDown', nextAt - now} end
if hasNetwork and tonumber(redis.call('GET', KEYS[3]) or '0') >= networkCeiling then
  return {'network', math.max(redis.call('PTTL', KEYS[3]), 1000)}
end
if not known and tonumber(redis.call('GET', KEYS[2]) or '0') >= accountCeiling then
  return {'accountCeiling', math.max(redis.call('PTTL', KEYS[2]), 1000)}
end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
local delay = tonumber(ARGV[8 + attempts] or ARGV[8])
redis.call('HSET', KEYS[1], 'next', now + delay)
redis.call('PEXPIRE', KEYS[1], math.max(pairMemory, delay))
redis.call('SADD', KEYS[4], KEYS[1])
redis.call('PEXPIRE', KEYS[4], math.max(pairMemory, maxDelay, accountWindow * 1000))
if redis.call('INCR', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], accountWindow) end
if hasNetwork and redis.call('INCR', KEYS[3]) == 1 then redis.call('EXPIRE', KEYS[3], networkWindow) end
return {'admitted', 0}
`;

// A right password takes its attempt back: KEYS pair, account, network, pair index.
const succeedScript = `
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[4], KEYS[1])
for i = 2, 3 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
return 1
`;

export interface PasswordAttempt {
  account: ThrottledAccount;
  ip: string | null;
  /** The browser's known-device cookie value, if it sent one. */
  deviceId: string | null;
}

export type AttemptVerdict =
  | { admitted: true; settle: (outcome: "right" | "wrong") => Promise<void> }
  | ({ admitted: false } & SignInRefusal);

/**
 * Counts a password attempt before the password is checked and says whether it may be checked at
 * all. The source is the browser when it is a known device of the account, else the network
 * address: an attacker slows down only their own pair, and the owner's known devices pass the
 * account's ceiling. Call `settle` with the outcome. Fails open (logs) when Redis is away.
 */
export async function admitPasswordAttempt(attempt: PasswordAttempt, policy = signInThrottle): Promise<AttemptVerdict> {
  const account = accountId(attempt.account);
  const keys = throttleKeys(account);
  try {
    const redis = sharedRedis();
    const known = attempt.deviceId !== null && (await redis.sismember(keys.devices, attempt.deviceId)) === 1;
    const source = known ? `device:${attempt.deviceId}` : `ip:${attempt.ip ?? "unknown"}`;
    const pair = keys.pair(source);
    const network = keys.network(attempt.ip ?? "unknown");
    const [verdict, wait] = (await redis.eval(
      admitScript,
      4,
      pair,
      keys.account,
      network,
      keys.pairs,
      String(policy.pairMemoryMs),
      String(policy.accountCeiling),
      String(policy.accountWindowSeconds),
      String(policy.networkCeiling),
      String(policy.networkWindowSeconds),
      known ? "1" : "0",
      attempt.ip ? "1" : "0",
      String(policy.maxDelayMs),
      ...delaySchedule(policy).map(String),
    )) as [string, number];
    if (verdict !== "admitted") return { admitted: false, reason: verdict as SignInRefusal["reason"], retryAfterMs: Number(wait) };
    return {
      admitted: true,
      settle: async (outcome) => {
        if (outcome === "wrong") return;
        await redis.eval(succeedScript, 4, pair, keys.account, network, keys.pairs).catch((error: unknown) => {
          logger.warn({ err: error }, "sign-in throttle not settled");
        });
      },
    };
  } catch (error) {
    logger.warn({ err: error, reason: "redis unavailable" }, "sign-in throttle skipped");
    return { admitted: true, settle: async () => undefined };
  }
}

/** A new value for the known-device cookie. */
export function newDeviceId(): string {
  return randomBytes(16).toString("base64url");
}

/** Remembers this browser as one the user signed in from, so the account's ceiling never shuts them out. */
export async function rememberDevice(userId: string, deviceId: string, policy = signInThrottle): Promise<void> {
  const { devices } = throttleKeys(accountId({ userId }));
  try {
    await sharedRedis().multi().sadd(devices, deviceId).expire(devices, policy.knownDeviceDays * 86_400).exec();
  } catch (error) {
    logger.warn({ err: error }, "known device not remembered");
  }
}

export interface SignInThrottleState {
  /** Counted attempts on the account in the current window (right ones are taken back). */
  failures: number;
  /** Is any source of this account waiting, or is the account over its ceiling? */
  limited: boolean;
}

export async function signInThrottleState(userId: string, policy = signInThrottle): Promise<SignInThrottleState> {
  const keys = throttleKeys(accountId({ userId }));
  try {
    const redis = sharedRedis();
    const [failures, pairs] = await Promise.all([redis.get(keys.account), redis.smembers(keys.pairs)]);
    const nexts = pairs.length ? await Promise.all(pairs.map((p) => redis.hget(p, "next"))) : [];
    const [seconds, micros] = await redis.time();
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const count = Number(failures ?? 0);
    return { failures: count, limited: count >= policy.accountCeiling || nexts.some((n) => Number(n ?? 0) > now) };
  } catch (error) {
    logger.warn({ err: error }, "sign-in throttle state unavailable");
    return { failures: 0, limited: false };
  }
}

/** Clears every counter and delay of the account (an administrator's unlock). */
export async function liftSignInThrottle(userId: string): Promise<void> {
  const keys = throttleKeys(accountId({ userId }));
  const redis = sharedRedis();
  const pairs = await redis.smembers(keys.pairs);
  await redis.del(keys.account, keys.pairs, ...pairs);
}
