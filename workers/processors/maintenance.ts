import { UnrecoverableError, type Job } from "bullmq";
import type { Kysely } from "kysely";
import { markEnqueued, markFailed, pendingOutboxJobs } from "../../app/models/outbox.server";
import { enqueue, queue, queueNames, type QueueName } from "../../app/queue.server";
import { runOutcomeCheck } from "../../app/services/outcome-check.server";
import { applyRetention, retentionPolicy } from "../../app/services/retention.server";
import type { Database } from "../../db/schema";

/** Outbox rows younger than this may still be on their way to Redis from the request that wrote them. */
export const reconcileAfterSeconds = 60;

export interface ReconcileOutcome {
  /** Pending in Postgres with no job in Redis: enqueued again. */
  requeued: string[];
  /** Their job failed for good: left pending, with the failure kept for administrators. */
  failed: string[];
}

function isQueueName(value: string): value is QueueName {
  return (queueNames as readonly string[]).includes(value);
}

/**
 * Re-enqueues what Postgres says is pending but Redis has no job for. The same job id is used, so a
 * job that does exist is never duplicated, and N reconcilers on N machines do no harm.
 */
export async function reconcileOutbox(db: Kysely<Database>): Promise<ReconcileOutcome> {
  const outcome: ReconcileOutcome = { requeued: [], failed: [] };
  for (const row of await pendingOutboxJobs(db, reconcileAfterSeconds)) {
    if (!isQueueName(row.queue)) {
      await markFailed(db, row.job_id, `unknown queue "${row.queue}"`);
      outcome.failed.push(row.job_id);
      continue;
    }
    const existing = await queue(row.queue).getJob(row.job_id);
    if (!existing) {
      await enqueue(row.queue, row.name, row.payload, row.job_id);
      await markEnqueued(db, row.job_id);
      outcome.requeued.push(row.job_id);
    } else if ((await existing.getState()) === "failed") {
      if (!row.last_error) await markFailed(db, row.job_id, existing.failedReason || "failed");
      outcome.failed.push(row.job_id);
    }
  }
  return outcome;
}

/** How often a scheduler runs its job: every so many milliseconds, or at a cron time in China. */
export type MaintenanceRepeat = number | { pattern: string; tz: string };

/** The maintenance jobs and how often their schedulers run them (every process upserts the same ids). */
export const maintenanceSchedules: Record<string, MaintenanceRepeat> = {
  "reconcile-outbox": 60_000,
  // Purges removed evidence after its grace period, orphans, and untouched drafts' files (decision 012).
  "apply-retention": 6 * 60 * 60_000,
  // Recomputes the kept 百千万 figures from their source rows and repairs drift (decision 020), at night.
  "check-outcome-figures": { pattern: "30 3 * * *", tz: "Asia/Shanghai" },
};

/** The "maintenance" queue: jobs "reconcile-outbox", "apply-retention" and "check-outcome-figures", run by BullMQ job schedulers. */
export function maintenanceProcessor(db: Kysely<Database>) {
  return async (job: Job) => {
    if (job.name === "reconcile-outbox") return reconcileOutbox(db);
    if (job.name === "apply-retention") return applyRetention(db, { now: new Date(), policy: retentionPolicy() });
    if (job.name === "check-outcome-figures") return runOutcomeCheck(db);
    throw new UnrecoverableError(`unknown maintenance job "${job.name}"`);
  };
}
