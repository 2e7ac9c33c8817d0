import { logger } from "./logger.server";
import { keyPrefix, sharedRedis } from "./queue.server";

// Fixed-window failure counters in Redis, shared by every web process.
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
    logger.warn({ err: error }, "rate limit check skipped: Redis unavailable");
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
    logger.warn({ err: error }, "rate limit not recorded: Redis unavailable");
  }
}

export async function clearLimit(key: string): Promise<void> {
  await sharedRedis().del(redisKey(key)).catch(() => undefined);
}

/** Login failures: per account (5 in 15 min) and per IP (30 in 15 min). */
export function loginRules(account: string, ip: string | null): LimitRule[] {
  return [
    { key: `login:acct:${account}`, limit: 5, windowSeconds: 15 * 60 },
    ...(ip ? [{ key: `login:ip:${ip}`, limit: 30, windowSeconds: 15 * 60 }] : []),
  ];
}
