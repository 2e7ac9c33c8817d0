import { Queue, Worker, type Processor } from "bullmq";
import { Redis } from "ioredis";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Database } from "../db/schema";
import { markFailed } from "../app/models/outbox.server";
import type { QueueName } from "../app/queue.server";
import { closeCertificatePdfPool } from "../app/services/certificate-pdf-pool.server";
import { certificateBatching, certificatesProcessor } from "./processors/certificates";
import { eligibilityProcessor } from "./processors/eligibility";
import { exportsProcessor } from "./processors/exports";
import { maintenanceProcessor, maintenanceSchedules } from "./processors/maintenance";
import { notificationsProcessor } from "./processors/notifications";
import { deliveriesProcessor } from "./processors/deliveries";
import { reminderSchedule, remindersProcessor } from "./processors/reminders";
import type { Channels } from "../app/services/channels/types";
import type { ChannelName } from "../app/domain/channels";
import { routingProcessor } from "./processors/routing";
import { scoringBatching, scoringProcessor } from "./processors/scoring";

export interface WorkerSettings {
  db: Kysely<Database>;
  redisUrl: string;
  prefix: string;
  concurrency: number;
  logger?: Logger;
  /** SMS and e-mail: the configured channels (none: in-app only). Tests pass channels to local servers. */
  channels?: Channels;
  appUrl?: string;
  linkSecret?: string | null;
  /** The clock for deliveries and reminders: tests move it forward instead of sleeping. */
  now?: () => Date;
}

export interface RunningWorkers {
  workers: Worker[];
  close(): Promise<void>;
}

function processors(settings: WorkerSettings): Partial<Record<QueueName, Processor>> {
  const { db } = settings;
  const channels = settings.channels ?? {};
  const configured = Object.keys(channels) as ChannelName[];
  return {
    notifications: notificationsProcessor(db, { configured, now: settings.now }),
    deliveries: deliveriesProcessor(db, { channels, appUrl: settings.appUrl ?? "http://localhost:3000", linkSecret: settings.linkSecret ?? null, now: settings.now }), scoring: scoringProcessor(db), eligibility: eligibilityProcessor(db), certificates: certificatesProcessor(db), routing: routingProcessor(db), maintenance: maintenanceProcessor(db), exports: exportsProcessor(db),
    reminders: remindersProcessor(db, { now: settings.now }),
  };
}

/**
 * Jobs a queue's worker holds at once. Batched queues take enough to fill a batch while the previous
 * one is stored (decision 021); the others take WORKER_CONCURRENCY.
 */
function concurrencyOf(name: string, configured: number): number {
  if (name === "certificates") return Math.max(configured, certificateBatching.maxSize * 2);
  if (name === "scoring") return Math.max(configured, scoringBatching.maxSize * 2);
  return configured;
}

/** Starts one BullMQ worker per queue that has a processor. Safe to run in N processes. */
export async function startWorkers(settings: WorkerSettings): Promise<RunningWorkers> {
  // Workers block on Redis: they need their own connection with no request retry limit.
  const connection = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
  connection.on("error", (error) => settings.logger?.warn({ err: error }, "worker redis connection error"));
  const workers = Object.entries(processors(settings)).map(([name, processor]) => {
    const worker = new Worker(name, processor, {
      connection,
      prefix: settings.prefix,
      concurrency: concurrencyOf(name, settings.concurrency),
    });
    worker.on("failed", (job, error) => {
      settings.logger?.warn({ queue: name, jobId: job?.id, err: error }, "job failed");
      // Outbox jobs share their id with the row: keep the failure where administrators see it.
      if (job?.id) {
        const attempt = `attempt ${job.attemptsMade}/${job.opts.attempts ?? 1}: ${error.message}`;
        markFailed(settings.db, job.id, attempt).catch((e: unknown) => settings.logger?.error({ jobId: job.id, err: e }, "could not record a job failure"));
      }
    });
    worker.on("error", (error) => settings.logger?.error({ queue: name, err: error }, "worker error"));
    return worker;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  // Every process upserts the same scheduler ids, so N processes still mean one reconcile a minute.
  const maintenance = new Queue("maintenance", { connection, prefix: settings.prefix });
  for (const [name, every] of Object.entries(maintenanceSchedules)) {
    await maintenance.upsertJobScheduler(name, typeof every === "number" ? { every } : every, { name, opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } });
  }
  // The same for the hourly reminder sweep (decision 027).
  const reminders = new Queue("reminders", { connection, prefix: settings.prefix });
  await reminders.upsertJobScheduler(reminderSchedule.id, reminderSchedule.repeat, { name: "send-reminders", opts: { attempts: 3, backoff: { type: "exponential", delay: 60_000 }, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } });
  return {
    workers,
    async close() {
      // Finishes the jobs in hand, so they do not come back as stalled later.
      await Promise.all(workers.map((w) => w.close()));
      await maintenance.close();
      await reminders.close();
      await closeCertificatePdfPool();
      connection.disconnect();
    },
  };
}
