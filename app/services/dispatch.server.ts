import { db } from "~/db.server";
import { logger } from "~/logger.server";
import { markManyEnqueued, type OutboxJob } from "~/models/outbox.server";
import { enqueueMany, type QueueName } from "~/queue.server";
import { JobBatcher } from "~/runtime/job-batcher";

/** Jobs handed over per Redis round trip and per UPDATE. */
const chunkSize = 500;

/**
 * Hands jobs to BullMQ, per queue in chunks: one Redis round trip and one UPDATE each. A failure
 * loses nothing — the rows stay pending and the reconciler enqueues them later — so it is logged, not thrown.
 */
async function handOver(jobs: OutboxJob[]): Promise<void> {
  const byQueue = new Map<QueueName, OutboxJob[]>();
  for (const job of jobs) {
    const list = byQueue.get(job.queue);
    if (list) list.push(job);
    else byQueue.set(job.queue, [job]);
  }
  for (const [queue, all] of byQueue) {
    for (let start = 0; start < all.length; start += chunkSize) {
      const chunk = all.slice(start, start + chunkSize);
      try {
        await enqueueMany(queue, chunk.map((job) => ({ name: job.name, data: job.payload, jobId: job.jobId })));
        await markManyEnqueued(db(), chunk.map((job) => job.jobId));
      } catch (error) {
        logger.warn({ err: error, jobIds: chunk.map((job) => job.jobId).slice(0, 5), jobs: chunk.length, queue }, "enqueue after commit failed; the reconciler will retry");
      }
    }
  }
}

/**
 * The jobs of requests that commit at about the same time (a quiz rush: one each) are handed over
 * together, instead of a Redis round trip and an UPDATE per request (issue 16, goal 3). A batch
 * starts as soon as the work already under way in this turn of the event loop is done (setImmediate).
 */
const gathered = new JobBatcher<OutboxJob, true>(
  async (jobs) => {
    await handOver(jobs);
    return jobs.map(() => true as const);
  },
  { maxSize: chunkSize, lingerMs: 0 },
);

/** After commit: hand the outbox jobs to BullMQ (see handOver: nothing is lost when that fails). */
export async function dispatchAfterCommit(jobs: OutboxJob[]): Promise<void> {
  if (jobs.length > 8) return handOver(jobs);
  await Promise.all(jobs.map((job) => gathered.add(job)));
}
