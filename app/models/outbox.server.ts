import { sql } from "kysely";
import type { QueueName } from "~/queue.server";
import type { Db } from "./types";

// Work for the workers is written in the same transaction as its cause; enqueued after commit.
export interface OutboxJob {
  jobId: string;
  queue: QueueName;
  name: string;
  payload: Record<string, unknown>;
}

/** Adds a job to the outbox; the same job id twice is one job. */
export async function addToOutbox(db: Db, job: OutboxJob): Promise<void> {
  await db
    .insertInto("job_outbox")
    .values({ job_id: job.jobId, queue: job.queue, name: job.name, payload: JSON.stringify(job.payload) })
    .onConflict((oc) => oc.column("job_id").doNothing())
    .execute();
}

/** Adds several jobs in one statement; ids already there are left alone. */
export async function addManyToOutbox(db: Db, jobs: OutboxJob[]): Promise<void> {
  for (let start = 0; start < jobs.length; start += 1000) {
    await db
      .insertInto("job_outbox")
      .values(jobs.slice(start, start + 1000).map((job) => ({ job_id: job.jobId, queue: job.queue, name: job.name, payload: JSON.stringify(job.payload) })))
      .onConflict((oc) => oc.column("job_id").doNothing())
      .execute();
  }
}

/** Marks several jobs as handed to the queue, in one statement. */
export async function markManyEnqueued(db: Db, jobIds: string[]): Promise<void> {
  if (jobIds.length === 0) return;
  await db.updateTable("job_outbox").set({ enqueued_at: new Date(), attempts: sql`attempts + 1` }).where("job_id", "in", jobIds).execute();
}

export async function markEnqueued(db: Db, jobId: string): Promise<void> {
  await db.updateTable("job_outbox").set({ enqueued_at: new Date(), attempts: sql`attempts + 1` }).where("job_id", "=", jobId).execute();
}

export async function markCompleted(db: Db, jobId: string): Promise<void> {
  await db.updateTable("job_outbox").set({ completed_at: new Date() }).where("job_id", "=", jobId).where("completed_at", "is", null).execute();
}

/** Marks several jobs done in one statement (a batch of them ran together). */
export async function markCompletedMany(db: Db, jobIds: string[]): Promise<void> {
  if (jobIds.length === 0) return;
  await db.updateTable("job_outbox").set({ completed_at: new Date() }).where("job_id", "in", jobIds).where("completed_at", "is", null).execute();
}

export async function markFailed(db: Db, jobId: string, error: string): Promise<void> {
  await db.updateTable("job_outbox").set({ last_error: error.slice(0, 2000) }).where("job_id", "=", jobId).execute();
}

/** Jobs Postgres says are not done: the reconciler re-enqueues them (Redis may have lost them). */
export async function pendingOutboxJobs(db: Db, olderThanSeconds: number, limit = 500) {
  return db
    .selectFrom("job_outbox")
    .selectAll()
    .where("completed_at", "is", null)
    .where("created_at", "<", new Date(Date.now() - olderThanSeconds * 1000))
    .orderBy("created_at")
    .limit(limit)
    .execute();
}

/** Jobs an administrator should see: not done, and either failed at least once or pending too long. */
export async function troubledOutboxJobs(db: Db, stuckAfterMinutes: number, limit = 50) {
  const stuckBefore = new Date(Date.now() - stuckAfterMinutes * 60_000);
  return db
    .selectFrom("job_outbox")
    .select(["job_id", "queue", "name", "created_at", "enqueued_at", "attempts", "last_error"])
    .where("completed_at", "is", null)
    .where((eb) => eb.or([eb("last_error", "is not", null), eb("created_at", "<", stuckBefore)]))
    .orderBy("created_at")
    .limit(limit)
    .execute();
}
