import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";

export class RedisUnavailableError extends Error {}

/** True when a Redis answers PING at the URL within a short timeout. */
export async function redisReachable(url: string, timeoutMs = 1500): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function onPath(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/**
 * Makes sure Redis answers at `url`. When it does not and `autostart` is on, starts a
 * local redis-server (files under dataDir/redis) that lives as long as this process.
 */
export async function ensureRedis(url: string, options: { autostart: boolean; dataDir: string }) {
  if (await redisReachable(url)) return { child: undefined as ChildProcess | undefined };
  const parsed = new URL(url);
  const local = ["127.0.0.1", "localhost", "::1", "[::1]"].includes(parsed.hostname);
  const help =
    "Start one (Debian/Ubuntu: `sudo apt-get install redis-server`, macOS: `brew install redis && redis-server`) " +
    "or set REDIS_URL to a reachable Redis. / 请安装并启动 Redis，或设置 REDIS_URL。";
  if (!options.autostart || !local) throw new RedisUnavailableError(`Redis is not reachable at ${url}. ${help}`);
  if (!onPath("redis-server")) {
    throw new RedisUnavailableError(`Redis is not reachable at ${url} and no redis-server is on PATH. ${help}`);
  }
  const dir = path.resolve(options.dataDir, "redis");
  mkdirSync(dir, { recursive: true });
  const port = parsed.port || "6379";
  const child = spawn(
    "redis-server",
    ["--port", port, "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction"],
    { stdio: "ignore" },
  );
  for (let i = 0; i < 50; i++) {
    if (await redisReachable(url, 300)) return { child };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new RedisUnavailableError(`Started redis-server on port ${port}, but it did not answer. ${help}`);
}
