import { db } from "~/db.server";
import { logger } from "~/logger.server";
import { markEnqueued, markManyEnqueued, type OutboxJob } from "~/models/outbox.server";
import { enqueue, enqueueMany, type QueueName } from "~/queue.server";

/**
 * After commit: hand the outbox jobs to BullMQ. A failure here loses nothing — the row stays
 * pending and the reconciler enqueues it later — so the user's request still succeeds. Many jobs
 * (a batch of certificates) go per queue in chunks: one Redis round trip and one UPDATE each.
 */
export async function dispatchAfterCommit(jobs: OutboxJob[]): Promise<void> {
  if (jobs.length === 1) {
    const [job] = jobs as [OutboxJob];
    try {
      await enqueue(job.queue, job.name, job.payload, job.jobId);
      await markEnqueued(db(), job.jobId);
    } catch (error) {
      logger.warn({ err: error, jobId: job.jobId }, "enqueue after commit failed; the reconciler will retry");
    }
    return;
  }
  const byQueue = new Map<QueueName, OutboxJob[]>();
  for (const job of jobs) {
    const list = byQueue.get(job.queue);
    if (list) list.push(job);
    else byQueue.set(job.queue, [job]);
  }
  for (const [queue, all] of byQueue) {
    for (let start = 0; start < all.length; start += 500) {
      const chunk = all.slice(start, start + 500);
      try {
        await enqueueMany(queue, chunk.map((job) => ({ name: job.name, data: job.payload, jobId: job.jobId })));
        await markManyEnqueued(db(), chunk.map((job) => job.jobId));
      } catch (error) {
        logger.warn({ err: error, jobIds: chunk.length, queue }, "enqueue after commit failed; the reconciler will retry");
      }
    }
  }
}
