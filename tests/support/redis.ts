import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { testRedisUrl } from "./test-env";

/** A BullMQ prefix no other test file uses, and a way to delete its keys afterwards. */
export function createQueuePrefix() {
  const prefix = `test-${randomBytes(5).toString("hex")}`;
  return {
    prefix,
    redisUrl: testRedisUrl,
    async clean() {
      const redis = new Redis(testRedisUrl);
      try {
        let cursor = "0";
        do {
          const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
          if (keys.length) await redis.del(...keys);
          cursor = next;
        } while (cursor !== "0");
      } finally {
        redis.disconnect();
      }
    },
  };
}
