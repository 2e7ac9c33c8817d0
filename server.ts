// Server entry: config → Redis → database (migrated) → workers → HTTP. `npm start` runs it.
import path from "node:path";
import type { Server } from "node:http";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import express from "express";
import { sql } from "kysely";
import { catalog } from "./app/catalog/catalog.server";
import { syncCatalog } from "./app/models/curriculum.server";
import { ConfigError, getConfig, trustedOrigins } from "./app/config.server";
import { registerDatabase } from "./app/db.server";
import { logger } from "./app/logger.server";
import { closeQueues, pingRedis, registerQueues } from "./app/queue.server";
import type { QueueBoard } from "./app/runtime/queue-board.server";
import { IssuerKeyError, loadIssuerKey, registerIssuerKey, type LoadedIssuerKey } from "./app/runtime/issuer-key.server";
import { anonymousPages } from "./app/runtime/page-cache.server";
import { pageStateOf, renderedPages } from "./app/runtime/page-state.server";
import { ensureRedis, RedisUnavailableError } from "./app/runtime/redis.server";
import { applyServerTimeouts, createWebApp } from "./app/runtime/web-app.server";
import { publishIssuerKey } from "./app/services/credentials.server";
import { openDatabase, type DatabaseHandle } from "./db/client";
import { migrateToLatest } from "./db/migrate";
import { seedDemo } from "./db/seed";
import type { RunningWorkers } from "./workers/runtime";

// Loaded when first needed, not at start (issue #16: a cold start under 3 s): the queue board and its
// UI on the first /admin/queues request, the worker runtime only when workers run in this process.
const queueBoardPath = "/admin/queues"; // queue-board.server.ts exports the same; importing it here would load the board at start

function fail(message: string): never {
  console.error(`\n✖ ${message}\n`);
  process.exit(1);
}

async function main() {
  let config;
  try {
    config = getConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const withWorkers = config.WORKERS_IN_PROCESS && !process.argv.includes("--no-workers");
  // The Remix build (every route and what it imports) loads while the database is opened and migrated.
  const buildLoaded = import(path.resolve("build/index.js")) as Promise<ServerBuild>;
  buildLoaded.catch(() => undefined);

  let issuer: LoadedIssuerKey;
  try {
    issuer = await loadIssuerKey({ configured: config.ISSUER_SIGNING_KEY, dataDir: config.DATA_DIR, production: config.NODE_ENV === "production" });
  } catch (error) {
    if (error instanceof IssuerKeyError) fail(error.message);
    throw error;
  }
  registerIssuerKey(issuer.key);

  let redisChild;
  try {
    ({ child: redisChild } = await ensureRedis(config.REDIS_URL, {
      autostart: config.REDIS_AUTOSTART,
      dataDir: config.DATA_DIR,
    }));
  } catch (error) {
    if (error instanceof RedisUnavailableError) fail(error.message);
    throw error;
  }
  if (redisChild) logger.info({ pid: redisChild.pid }, "started a local redis-server");

  let handle: DatabaseHandle;
  try {
    handle = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
    await sql`select 1`.execute(handle.db);
  } catch (error) {
    fail(`Cannot reach the database (${config.DATABASE_URL ? "DATABASE_URL" : "embedded PGlite"}): ${(error as Error).message}`);
  }
  try {
    const applied = await migrateToLatest(handle.db);
    if (applied.length) logger.info({ applied }, "migrations applied");
  } catch (error) {
    fail(`Database migration failed; not serving a half-migrated schema. ${(error as Error).message}`);
  }
  try {
    const report = await syncCatalog(handle.db, catalog());
    logger.info(report, "curriculum synced");
  } catch (error) {
    fail(`Curriculum sync failed: ${(error as Error).message}`);
  }
  // Off in production unless SEED_DEMO=on: the demo accounts' password is in the README.
  if (config.SEED_DEMO) {
    const { seeded } = await seedDemo(handle.db);
    if (seeded) logger[config.NODE_ENV === "production" ? "warn" : "info"]("demo data seeded");
  }
  await publishIssuerKey(handle.db, issuer.key);
  logger.info({ kid: issuer.key.kid, source: issuer.source, file: issuer.file }, "issuer key ready");
  registerDatabase(handle);
  registerQueues({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX });
  let queueBoard: QueueBoard | undefined;
  let boardMounted: Promise<void> | undefined;
  const lazyQueueBoard = express();
  lazyQueueBoard.use((_req, _res, next) => {
    boardMounted ??= import("./app/runtime/queue-board.server").then(({ createQueueBoard }) => {
      queueBoard = createQueueBoard({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX }, queueBoardPath);
      lazyQueueBoard.use(queueBoard.app);
    });
    boardMounted.then(() => next(), next);
  });

  let workers: RunningWorkers | undefined;
  if (withWorkers) {
    const [{ startWorkers }, { channelsFromConfig }] = await Promise.all([import("./workers/runtime"), import("./app/services/channels")]);
    workers = await startWorkers({
      db: handle.db,
      redisUrl: config.REDIS_URL,
      prefix: config.QUEUE_PREFIX,
      concurrency: config.WORKER_CONCURRENCY,
      logger,
      channels: channelsFromConfig(config.channels),
      appUrl: config.APP_URL,
      linkSecret: config.channels.linkSecret,
    });
  }

  const build = await buildLoaded;
  const check = async (fn: () => Promise<unknown>) =>
    Promise.race([fn().then(() => "ok"), new Promise((r) => setTimeout(() => r("timeout"), 2000))]).catch(() => "down");
  const app = createWebApp({
    appOrigin: config.APP_URL,
    trustedOrigins: trustedOrigins(config),
    handleRequest: createRequestHandler(build, build.mode),
    health: async () => {
      const [database, redis] = await Promise.all([check(() => sql`select 1`.execute(handle.db)), check(pingRedis)]);
      const ok = database === "ok" && redis === "ok";
      return { ok, body: { status: ok ? "ok" : "unavailable", database, redis } };
    },
    queueBoard: { path: queueBoardPath, app: lazyQueueBoard },
    logger,
    trustProxy: config.TRUST_PROXY,
    pageCache: anonymousPages,
    statePages: { cache: renderedPages, stateOf: pageStateOf },
  });

  const server: Server = app.listen(config.PORT, config.HOST, () => {
    logger.info(
      { url: config.APP_URL, host: config.HOST, port: config.PORT, database: handle.kind, workers: withWorkers },
      "百城学堂 is serving",
    );
  });
  applyServerTimeouts(server);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: finishing requests and jobs");
    const force = setTimeout(() => process.exit(1), 25_000);
    force.unref();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
    await workers?.close();
    await queueBoard?.close();
    await closeQueues();
    await handle.db.destroy();
    redisChild?.kill();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error) => {
  logger.fatal({ err: error }, "start-up failed");
  process.exit(1);
});
