import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeQueues, enqueue, queue, registerQueues } from "~/queue.server";
import { startWorkers, type RunningWorkers } from "../../workers/runtime";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { createQueuePrefix } from "../support/redis";
import { jobCompleted, waitFor } from "../support/wait";

let database: TestDatabase;
let workers: RunningWorkers;
const redis = createQueuePrefix();

beforeAll(async () => {
  database = await createTestDatabase();
  registerQueues({ redisUrl: redis.redisUrl, prefix: redis.prefix });
  workers = await startWorkers({ db: database.db, redisUrl: redis.redisUrl, prefix: redis.prefix, concurrency: 2 });
});

afterAll(async () => {
  await workers?.close();
  await closeQueues();
  await redis.clean();
  await database?.drop();
});

describe("BullMQ round trip through a real worker", () => {
  it("a notification job enqueued in Redis is written to PostgreSQL once, even when sent twice", async () => {
    const user = await database.db
      .insertInto("users")
      .values({ name: "测试学员", phone: "13900000000", email: null, org_unit_id: null, track: "campus" })
      .returning("id")
      .executeTakeFirstOrThrow();

    const data = { id: "welcome-1", userId: user.id, kind: "welcome", payload: { text: "欢迎" } };
    await enqueue("notifications", "notify", data, "notify-welcome-1");
    const row = await waitFor("the notification row", () =>
      database.db.selectFrom("notifications").selectAll().where("id", "=", "welcome-1").executeTakeFirst(),
    );
    expect(row.user_id).toBe(user.id);
    expect(row.payload).toEqual({ text: "欢迎" });

    // A retry with a new job id (the first was removed) must not write a second row.
    await enqueue("notifications", "notify", data, "notify-welcome-1-retry");
    const job = await queue("notifications").getJob("notify-welcome-1-retry");
    await jobCompleted(job);
    const count = await database.db
      .selectFrom("notifications")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(count.n).toBe(1);
  });

  it("a job with invalid data fails instead of writing anything", async () => {
    await enqueue("notifications", "notify", { id: "bad", userId: "not-a-uuid", kind: "x" }, "notify-bad");
    const job = await queue("notifications").getJob("notify-bad");
    await waitFor("the bad job to fail", async () => {
      const state = await job?.getState();
      return state === "failed" || state === "delayed" ? state : undefined;
    });
    const row = await database.db.selectFrom("notifications").select("id").where("id", "=", "bad").executeTakeFirst();
    expect(row).toBeUndefined();
  });
});
