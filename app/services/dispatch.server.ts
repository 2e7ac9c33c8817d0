import { db } from "~/db.server";
import { logger } from "~/logger.server";
import { markEnqueued, type OutboxJob } from "~/models/outbox.server";
import { enqueue } from "~/queue.server";

/**
 * After commit: hand the outbox jobs to BullMQ. A failure here loses nothing — the row stays
 * pending and the reconciler enqueues it later — so the user's request still succeeds.
 */
export async function dispatchAfterCommit(jobs: OutboxJob[]): Promise<void> {
  for (const job of jobs) {
    try {
      await enqueue(job.queue, job.name, job.payload, job.jobId);
      await markEnqueued(db(), job.jobId);
    } catch (error) {
      logger.warn({ err: error, jobId: job.jobId }, "enqueue after commit failed; the reconciler will retry");
    }
  }
}
