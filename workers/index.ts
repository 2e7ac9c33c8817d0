// Worker entry for `npm run start:workers`: N of these may run on N machines against one Redis.
import { ConfigError, getConfig } from "../app/config.server";
import { registerDatabase } from "../app/db.server";
import { logger } from "../app/logger.server";
import { closeQueues, registerQueues } from "../app/queue.server";
import { IssuerKeyError, loadIssuerKey, registerIssuerKey } from "../app/runtime/issuer-key.server";
import { publishIssuerKey } from "../app/services/credentials.server";
import { openDatabase } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { channelsFromConfig } from "../app/services/channels";
import { startWorkers } from "./runtime";

async function main() {
  let config;
  try {
    config = getConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  if (!config.DATABASE_URL) {
    console.error("start:workers needs DATABASE_URL (a shared PostgreSQL); the embedded database belongs to `npm start`.");
    process.exit(1);
  }
  let issuer;
  try {
    issuer = await loadIssuerKey({ configured: config.ISSUER_SIGNING_KEY, dataDir: config.DATA_DIR, production: config.NODE_ENV === "production" });
  } catch (error) {
    if (error instanceof IssuerKeyError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  registerIssuerKey(issuer.key);
  const handle = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  await migrateToLatest(handle.db);
  await publishIssuerKey(handle.db, issuer.key);
  registerDatabase(handle);
  registerQueues({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX });
  const workers = await startWorkers({
    db: handle.db,
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    concurrency: config.WORKER_CONCURRENCY,
    logger,
    channels: channelsFromConfig(config.channels),
    appUrl: config.APP_URL,
    linkSecret: config.channels.linkSecret,
  });
  logger.info({ queues: workers.workers.map((w) => w.name), concurrency: config.WORKER_CONCURRENCY }, "workers started");
  const shutdown = async () => {
    logger.info("workers shutting down");
    await workers.close();
    await closeQueues();
    await handle.db.destroy();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown());
  process.on("SIGINT", () => void shutdown());
}

main().catch((error) => {
  logger.fatal({ err: error }, "workers failed to start");
  process.exit(1);
});
