import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManyToOutbox, type OutboxJob } from "~/models/outbox.server";
import { deliveryJobOptions, queue } from "~/queue.server";
import { dispatchAfterCommit } from "~/services/dispatch.server";
import { createTestApp } from "../support/app";

// Handing outbox jobs to BullMQ after commit (issue 16, goal 3): jobs of requests that commit
// together go over together, each still enqueued once with its queue's own options.

let app: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  app = await createTestApp();
});

afterAll(async () => {
  await app?.close();
});

const outboxRows = (ids: string[]) => app.db.selectFrom("job_outbox").select(["job_id", "enqueued_at", "attempts"]).where("job_id", "in", ids).execute();

describe("dispatch after commit", () => {
  it("jobs of requests committing together are enqueued once each and marked by one update", async () => {
    const run = Date.now().toString(36);
    const jobs: OutboxJob[] = Array.from({ length: 20 }, (_, i) => ({ jobId: `dispatch-${run}-${i}`, queue: "maintenance", name: "noop", payload: { i } }));
    await addManyToOutbox(app.db, jobs);
    // Twenty requests, each handing over its own job at the same moment.
    await Promise.all(jobs.map((job) => dispatchAfterCommit([job])));
    const rows = await outboxRows(jobs.map((j) => j.jobId));
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.enqueued_at !== null && r.attempts === 1)).toBe(true);
    // One UPDATE marked them all: one time for all twenty (one statement each would give each its own moment).
    expect(new Set(rows.map((r) => r.enqueued_at!.getTime())).size).toBe(1);
    const enqueued = await Promise.all(jobs.map((j) => queue("maintenance").getJob(j.jobId)));
    expect(enqueued.map((j) => j?.data)).toEqual(jobs.map((j) => j.payload));
  });

  it("a delivery handed over with others keeps the deliveries queue's own retries", async () => {
    const run = Date.now().toString(36);
    const jobs: OutboxJob[] = [0, 1].map((i) => ({ jobId: `dispatch-delivery-${run}-${i}`, queue: "deliveries", name: "send", payload: { i } }));
    await addManyToOutbox(app.db, jobs);
    await dispatchAfterCommit(jobs);
    const job = await queue("deliveries").getJob(jobs[0]!.jobId);
    expect(job?.opts.attempts).toBe(deliveryJobOptions.attempts);
    expect(job?.opts.backoff).toEqual(deliveryJobOptions.backoff);
  });
});
