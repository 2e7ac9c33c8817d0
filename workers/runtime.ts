import { Worker, type Processor } from "bullmq";
import { Redis } from "ioredis";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Database } from "../db/schema";
import type { QueueName } from "../app/queue.server";
import { notificationsProcessor } from "./processors/notifications";
import { scoringProcessor } from "./processors/scoring";

export interface WorkerSettings {
  db: Kysely<Database>;
  redisUrl: string;
  prefix: string;
  concurrency: number;
  logger?: Logger;
}

export interface RunningWorkers {
  workers: Worker[];
  close(): Promise<void>;
}

function processors(db: Kysely<Database>): Partial<Record<QueueName, Processor>> {
  return { notifications: notificationsProcessor(db), scoring: scoringProcessor(db) };
}

/** Starts one BullMQ worker per queue that has a processor. Safe to run in N processes. */
export async function startWorkers(settings: WorkerSettings): Promise<RunningWorkers> {
  // Workers block on Redis: they need their own connection with no request retry limit.
  const connection = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
  connection.on("error", (error) => settings.logger?.warn({ err: error }, "worker redis connection error"));
  const workers = Object.entries(processors(settings.db)).map(([name, processor]) => {
    const worker = new Worker(name, processor, {
      connection,
      prefix: settings.prefix,
      concurrency: settings.concurrency,
    });
    worker.on("failed", (job, error) =>
      settings.logger?.warn({ queue: name, jobId: job?.id, err: error }, "job failed"),
    );
    worker.on("error", (error) => settings.logger?.error({ queue: name, err: error }, "worker error"));
    return worker;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return {
    workers,
    async close() {
      // Finishes the jobs in hand, so they do not come back as stalled later.
      await Promise.all(workers.map((w) => w.close()));
      connection.disconnect();
    },
  };
}
