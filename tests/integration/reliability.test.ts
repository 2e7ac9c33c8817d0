import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import { tierIds, type TierId } from "~/catalog/schema";
import { registerDatabase } from "~/db.server";
import type { QuizTask } from "~/domain/quiz-scoring";
import { issueCertificates } from "~/models/certificates.server";
import { currentTaskVersion, syncCatalog } from "~/models/curriculum.server";
import { ruleVersions, tierRule } from "~/models/eligibility.server";
import { insertUser } from "~/models/users.server";
import { closeQueues, enqueue, queue, registerQueues } from "~/queue.server";
import { verifyCredentialJws, type StoredCredential } from "~/services/credentials.server";
import { dispatchAfterCommit } from "~/services/dispatch.server";
import { submitQuizAttempt } from "~/submissions/quiz.server";
import { evaluateEligibilityNow } from "../../workers/processors/eligibility";
import { reconcileOutbox } from "../../workers/processors/maintenance";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { testIssuerKeyPem } from "../support/issuer-key";
import { waitFor } from "../support/wait";
import { rightAnswers, wrongAnswers } from "../support/arrange";

// Reliability: a worker process SIGKILLed mid-run and Redis flushed mid-run lose nothing and double
// nothing — Postgres (the outbox) is the truth and the reconciler brings Redis back in line.
// FLUSHALL goes to a redis-server of this file's own (other files share 127.0.0.1:6379).

const SUBMISSIONS = 520;
const CERTIFICATES = 30;

let database: TestDatabase;
let redisServer: ChildProcess | undefined;
let redisUrl: string;
let dataDir: string;
const prefix = "reliability";
const children = new Set<ChildProcess>();
const childErrors: string[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function withRedis<T>(fn: (r: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

const workerStderr = () => `worker stderr: ${childErrors.join("").slice(-2000)}`;

/** The standalone worker entry (`npm run start:workers`) as a process group of its own, so SIGKILL reaches node itself. */
function startWorkerProcess(): ChildProcess {
  const child = spawn("npx", ["tsx", "workers/index.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      WORKER_CONCURRENCY: "8",
      DATA_DIR: dataDir,
      // Every worker process of a deployment signs with the same configured key.
      ISSUER_SIGNING_KEY: testIssuerKeyPem,
      LOG_LEVEL: "error",
    },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  child.stderr?.on("data", (chunk: Buffer) => childErrors.push(chunk.toString()));
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

async function killWorkerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  process.kill(-child.pid!, "SIGKILL");
  await exited;
}

/**
 * At-least-once delivery at its worst: every job of the queue the outbox knows, done or not, is in
 * Redis again (as after restoring a stale backup). A processor that is not idempotent shows it here.
 */
async function replayEveryJob(name: "scoring" | "certificates") {
  const rows = await database.db.selectFrom("job_outbox").selectAll().where("queue", "=", name).execute();
  for (const row of rows) await enqueue(name, row.name, row.payload, row.job_id);
  return rows.length;
}

async function drained(name: "scoring" | "certificates", timeoutMs: number) {
  await waitFor(
    `the ${name} queue to drain`,
    async () => {
      const counts = await queue(name).getJobCounts("waiting", "active", "delayed", "prioritized");
      return Object.values(counts).every((n) => n === 0) ? true : undefined;
    },
    { timeoutMs, everyMs: 100, context: workerStderr },
  );
}

/** Redis loses everything: queued, active and completed jobs, the scheduler, the locks. */
async function flushAll() {
  await withRedis(async (r) => {
    expect(await r.flushall()).toBe("OK");
    expect(await r.dbsize()).toBe(0);
  });
}

const pendingOutbox = async () =>
  Number((await database.db.selectFrom("job_outbox").select(sql<string>`count(*)`.as("n")).where("completed_at", "is", null).executeTakeFirstOrThrow()).n);

/**
 * Runs the reconciler until Postgres has no pending job. The rows are aged past its 60 s grace
 * (what a minute of waiting would do) so the test need not wait; the ids it enqueues are the outbox's.
 */
async function reconcileUntilDone(timeoutMs: number) {
  await database.db.updateTable("job_outbox").set({ created_at: sql`created_at - interval '10 minutes'` }).where("completed_at", "is", null).execute();
  await waitFor(
    "an empty outbox",
    async () => {
      const outcome = await reconcileOutbox(database.db);
      expect(outcome.failed).toEqual([]);
      return (await pendingOutbox()) === 0 ? true : undefined;
    },
    { timeoutMs, everyMs: 250, context: workerStderr },
  );
}

async function createUsers(count: number, tag: string): Promise<string[]> {
  const rows = await database.db
    .insertInto("users")
    .values(Array.from({ length: count }, (_, i) => ({ name: `可靠${tag}${i}`, phone: `136${tag}${String(i).padStart(7, "0")}`, email: null, org_unit_id: null, track: "campus" as const })))
    .returning("id")
    .execute();
  await database.db
    .insertInto("user_roles")
    .values(rows.map((r) => ({ user_id: r.id, role: "trainee" as const, granted_by: null })))
    .execute();
  return rows.map((r) => r.id);
}

beforeAll(async () => {
  const port = await freePort();
  redisUrl = `redis://127.0.0.1:${port}`;
  redisServer = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  await waitFor("redis-server", () => withRedis(async (r) => ((await r.ping()) === "PONG" ? true : undefined)).catch(() => undefined), { timeoutMs: 10_000, everyMs: 100 });
  dataDir = mkdtempSync(path.join(tmpdir(), "baicheng-reliability-"));
  database = await createTestDatabase();
  registerDatabase(database);
  registerQueues({ redisUrl, prefix });
  await syncCatalog(database.db, catalog());
});

afterAll(async () => {
  for (const child of [...children]) await killWorkerProcess(child);
  await closeQueues();
  redisServer?.kill("SIGKILL");
  await database?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("workers survive SIGKILL and FLUSHALL mid-run", () => {
  it("scores every one of 520 quiz submissions exactly once, and renders every issued certificate exactly once", { timeout: 150_000 }, async () => {
    const module = catalog().modules.find((m) => m.track === "campus" && m.tier === "foundation" && m.tasks.some((t) => t.type === "quiz"))!;
    const task = module.tasks.find((t) => t.type === "quiz") as QuizTask;
    const version = (await currentTaskVersion(database.db, task.id))!.version;

    // 520 trainees each submit the quiz through the app's own path: attempt + outbox row, dispatched to Redis.
    const trainees = await createUsers(SUBMISSIONS, "1");
    const expected = new Map<string, "passed" | "not_passed">();
    for (let i = 0; i < trainees.length; i += 4) {
      await Promise.all(
        trainees.slice(i, i + 4).map(async (userId, j) => {
          const pass = (i + j) % 2 === 0;
          const outcome = await submitQuizAttempt(database.db, {
            user: { id: userId },
            task,
            taskVersion: version,
            moduleId: module.id,
            track: module.track,
            tier: module.tier,
            answers: pass ? rightAnswers(task) : wrongAnswers(task),
          });
          if (!outcome.ok) throw new Error(`submit refused: ${outcome.problem}`);
          expected.set(outcome.submissionId, pass ? "passed" : "not_passed");
        }),
      );
    }
    expect(expected.size).toBe(SUBMISSIONS);
    expect(await queue("scoring").getWaitingCount()).toBe(SUBMISSIONS);

    const scoredCount = async () =>
      Number((await database.db.selectFrom("quiz_attempts").select(sql<string>`count(*)`.as("n")).where("scored_at", "is not", null).executeTakeFirstOrThrow()).n);

    // Worker 1 scores about 30 %, then dies without a chance to finish anything in hand.
    const first = startWorkerProcess();
    const atKill = await waitFor("30 % scored", async () => {
      const n = await scoredCount();
      return n >= SUBMISSIONS * 0.3 ? n : undefined;
    }, { timeoutMs: 45_000, everyMs: 10, context: workerStderr });
    await killWorkerProcess(first);
    const afterKill = await scoredCount();
    expect(afterKill).toBeLessThan(SUBMISSIONS); // the kill really happened mid-run
    expect(atKill).toBeGreaterThan(0);
    await flushAll();
    // The jobs already done come back once more (at-least-once delivery, e.g. a stale Redis backup):
    // they must change nothing. The jobs not done are not in Redis: only the reconciler brings them back.
    const done = await database.db.selectFrom("job_outbox").selectAll().where("queue", "=", "scoring").where("completed_at", "is not", null).execute();
    expect(done).toHaveLength(afterKill); // scored and marked done in one transaction
    for (const row of done) await enqueue("scoring", row.name, row.payload, row.job_id);
    expect(await queue("scoring").getWaitingCount()).toBe(afterKill);

    // Worker 2 starts; the reconciler re-enqueues what Postgres says is pending.
    const second = startWorkerProcess();
    await reconcileUntilDone(60_000);
    await drained("scoring", 30_000);

    const attempts = await database.db
      .selectFrom("submissions as s")
      .leftJoin("quiz_attempts as a", "a.submission_id", "s.id")
      .select(["s.id", "s.status", sql<string>`count(a.id)`.as("attempts"), sql<string>`count(a.scored_at)`.as("scored")])
      .where("s.type", "=", "quiz")
      .groupBy(["s.id", "s.status"])
      .execute();
    expect(attempts).toHaveLength(SUBMISSIONS);
    for (const row of attempts) {
      expect({ id: row.id, attempts: Number(row.attempts), scored: Number(row.scored), status: row.status }).toEqual({ id: row.id, attempts: 1, scored: 1, status: expected.get(row.id) });
    }
    // Exactly one system decision per submission: a repeated job would have written a second one.
    const systemEvents = await database.db
      .selectFrom("submission_events")
      .select(["submission_id", sql<string>`count(*)`.as("n")])
      .where("actor_id", "is", null)
      .groupBy("submission_id")
      .execute();
    expect(systemEvents).toHaveLength(SUBMISSIONS);
    expect(systemEvents.filter((e) => Number(e.n) !== 1)).toEqual([]);
    const scoringJobs = await database.db.selectFrom("job_outbox").select(["job_id", "completed_at", "last_error"]).where("queue", "=", "scoring").execute();
    expect(scoringJobs).toHaveLength(SUBMISSIONS);
    expect(scoringJobs.filter((j) => !j.completed_at || j.last_error)).toEqual([]);

    // Certificates: 30 trainees who passed every campus foundation task, issued as one batch.
    const holders = await createUsers(CERTIFICATES, "2");
    const tasks = catalog().modules.filter((m) => m.track === "campus" && m.tier === "foundation").flatMap((m) => m.tasks.map((t) => ({ module: m, task: t })));
    const versions = new Map<string, number>();
    for (const { task: t } of tasks) versions.set(t.id, (await currentTaskVersion(database.db, t.id))!.version);
    await database.db
      .insertInto("submissions")
      .values(
        holders.flatMap((userId) =>
          tasks.map(({ module: m, task: t }) => ({
            user_id: userId,
            task_id: t.id,
            task_version: versions.get(t.id)!,
            module_id: m.id,
            track: "campus" as const,
            tier: "foundation" as const,
            type: t.type,
            status: "passed" as const,
            score: 90,
            people_reached: t.type === "field_work" ? 40 : null,
            submitted_at: new Date(),
            decided_at: new Date(),
          })),
        ),
      )
      .execute();
    for (const userId of holders) expect(await evaluateEligibilityNow(database.db, { userId, track: "campus", tier: "foundation" })).toEqual({ eligible: true });
    const admin = await insertUser(database.db, { name: "可靠管理员", phone: "13500000001", email: null, orgUnitId: null, track: null }, ["admin"], null);
    const program = catalog();
    const rules = Object.fromEntries(tierIds.map((t) => [t, tierRule(program, t)])) as Record<TierId, ReturnType<typeof tierRule>>;
    const issued = await issueCertificates(database.db, {
      actorId: admin,
      ip: null,
      candidates: holders.map((userId) => ({ userId, track: "campus" as const, tier: "foundation" as const })),
      rules,
      ruleVersions: ruleVersions(program),
    });
    expect(issued.issued).toHaveLength(CERTIFICATES);
    await dispatchAfterCommit(issued.jobs);

    const renderedCount = async () =>
      Number((await database.db.selectFrom("certificates").select(sql<string>`count(*)`.as("n")).where("rendered_at", "is not", null).executeTakeFirstOrThrow()).n);
    await waitFor("30 % rendered", async () => ((await renderedCount()) >= CERTIFICATES * 0.3 ? true : undefined), { timeoutMs: 45_000, everyMs: 10, context: workerStderr });
    await killWorkerProcess(second);
    expect(await renderedCount()).toBeLessThan(CERTIFICATES);
    await flushAll();
    const before = new Map(
      (await database.db.selectFrom("certificates").select(["id", "pdf_key", "rendered_at"]).where("rendered_at", "is not", null).execute()).map((c) => [c.id, c]),
    );
    expect(await replayEveryJob("certificates")).toBe(CERTIFICATES);
    startWorkerProcess();
    await reconcileUntilDone(60_000);
    await drained("certificates", 60_000);

    const certificates = await database.db.selectFrom("certificates").selectAll().execute();
    expect(certificates).toHaveLength(CERTIFICATES);
    expect(new Set(certificates.map((c) => c.user_id))).toEqual(new Set(holders));
    for (const c of certificates) {
      expect(c.status).toBe("issued");
      expect(c.rendered_at).not.toBeNull();
      expect(c.pdf_key).toBeTruthy();
      expect(c.render_error ?? null).toBeNull();
      const stored = c.credential as unknown as StoredCredential;
      expect(stored.credential.id.endsWith(`/verify/${encodeURIComponent(c.number)}`)).toBe(true);
      expect(await verifyCredentialJws(database.db, stored.jws)).toMatchObject({ valid: true });
      // Rendered before the kill: the replayed job left it alone (same file, same time).
      const earlier = before.get(c.id);
      if (earlier) expect({ pdf_key: c.pdf_key, rendered_at: c.rendered_at }).toEqual({ pdf_key: earlier.pdf_key, rendered_at: earlier.rendered_at });
    }
    const renderJobs = await database.db.selectFrom("job_outbox").select(["job_id", "completed_at", "last_error"]).where("queue", "=", "certificates").execute();
    expect(renderJobs).toHaveLength(CERTIFICATES);
    expect(renderJobs.filter((j) => !j.completed_at || j.last_error)).toEqual([]);
  });
});
