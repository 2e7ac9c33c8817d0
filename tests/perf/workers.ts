// Benchmark: the BullMQ workers end to end, in-process as `npm start` runs them, on a fresh PostgreSQL
// database and a Redis prefix of their own. Prints figures; not part of `npm test`.
//   quiz scoring: N trainees submit a quiz (attempt + outbox row, dispatched after commit) → all scored
//   certificates: M eligible trainees issued in batches (outbox) → every PDF rendered and credential signed
// PERF_SUBMISSIONS (default 2000), PERF_CERTIFICATES (default 200), WORKER_CONCURRENCY (default 8).
// The issue's figure: PERF_SUBMISSIONS=10000 PERF_CERTIFICATES=10000 npx tsx tests/perf/workers.ts
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { sql } from "kysely";
import pg from "pg";
import { catalog } from "../../app/catalog/catalog.server";
import { tierIds, type TierId } from "../../app/catalog/schema";
import { registerDatabase } from "../../app/db.server";
import { generateIssuerKeyPem, issuerKeyFrom, registerIssuerKey } from "../../app/runtime/issuer-key.server";
import type { QuizAnswers, QuizTask } from "../../app/domain/quiz-scoring";
import { issueCertificates } from "../../app/models/certificates.server";
import { currentTaskVersion, syncCatalog } from "../../app/models/curriculum.server";
import { ruleVersions, tierRule } from "../../app/models/eligibility.server";
import { insertUser } from "../../app/models/users.server";
import { closeQueues, registerQueues } from "../../app/queue.server";
import { dispatchAfterCommit } from "../../app/services/dispatch.server";
import { submitQuizAttempt } from "../../app/submissions/quiz.server";
import { openDatabase } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { evaluateEligibilityNow } from "../../workers/processors/eligibility";
import { startWorkers } from "../../workers/runtime";

const submissions = Number(process.env.PERF_SUBMISSIONS ?? 2000);
const certificates = Number(process.env.PERF_CERTIFICATES ?? 200);
const concurrency = Number(process.env.WORKER_CONCURRENCY ?? 8);
/** Parallel submitting requests, as a busy web process would have. */
const submitters = Number(process.env.PERF_SUBMITTERS ?? 8);
const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const dataDir = mkdtempSync(path.join(tmpdir(), "baicheng-perf-workers-"));
process.env.DATA_DIR = dataDir; // rendered PDFs go here, not into ./data
process.env.LOG_LEVEL ??= "error";
const name = `baicheng_perf_${randomBytes(5).toString("hex")}`;
const prefix = `perf-${randomBytes(5).toString("hex")}`;

async function admin(query: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

async function inParallel<T>(items: T[], width: number, fn: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

async function until(probe: () => Promise<boolean>) {
  while (!(await probe())) await new Promise((r) => setTimeout(r, 50));
}

const rate = (n: number, ms: number) => `${(n / (ms / 1000)).toFixed(1)}/s`;

await admin(`create database "${name}"`);
const dbUrl = new URL(adminUrl);
dbUrl.pathname = `/${name}`;
const handle = await openDatabase({ databaseUrl: dbUrl.toString(), dataDir, poolSize: 20 });
const db = handle.db;
let stopWorkers: (() => Promise<void>) | undefined;
try {
  await migrateToLatest(db);
  registerDatabase(handle);
  registerQueues({ redisUrl, prefix });
  registerIssuerKey(issuerKeyFrom(generateIssuerKeyPem(), "benchmark key"));
  await syncCatalog(db, catalog());
  const workers = await startWorkers({ db, redisUrl, prefix, concurrency });
  stopWorkers = () => workers.close();

  async function trainees(count: number, tag: string): Promise<string[]> {
    const ids: string[] = [];
    for (let start = 0; start < count; start += 1000) {
      const rows = await db
        .insertInto("users")
        .values(Array.from({ length: Math.min(1000, count - start) }, (_, k) => ({ name: `压测${tag}${start + k}`, phone: `137${tag}${String(start + k).padStart(7, "0")}`, email: null, org_unit_id: null, track: "campus" as const })))
        .returning("id")
        .execute();
      await db.insertInto("user_roles").values(rows.map((r) => ({ user_id: r.id, role: "trainee" as const, granted_by: null }))).execute();
      ids.push(...rows.map((r) => r.id));
    }
    return ids;
  }
  const count = async (query: "scored" | "rendered") =>
    Number(
      (query === "scored"
        ? await db.selectFrom("quiz_attempts").select(sql<number>`count(*)`.as("n")).where("scored_at", "is not", null).executeTakeFirstOrThrow()
        : await db.selectFrom("certificates").select(sql<number>`count(*)`.as("n")).where("rendered_at", "is not", null).executeTakeFirstOrThrow()
      ).n,
    );

  console.log(`workers in-process, concurrency ${concurrency} per queue; PostgreSQL and Redis on this machine`);

  // Quiz scoring, end to end: submit (transaction + outbox + enqueue) → scored by the worker.
  if (submissions > 0) {
    const module = catalog().modules.find((m) => m.track === "campus" && m.tier === "foundation" && m.tasks.some((t) => t.type === "quiz"))!;
    const task = module.tasks.find((t) => t.type === "quiz") as QuizTask;
    const version = (await currentTaskVersion(db, task.id))!.version;
    const answers: QuizAnswers = Object.fromEntries(task.questions.map((q) => [q.id, q.answer]));
    const users = await trainees(submissions, "1");
    const started = performance.now();
    await inParallel(users, submitters, async (userId) => {
      const outcome = await submitQuizAttempt(db, { user: { id: userId }, task, taskVersion: version, moduleId: module.id, track: module.track, tier: module.tier, answers });
      if (!outcome.ok) throw new Error(`submit refused: ${outcome.problem}`);
    });
    const submitted = performance.now() - started;
    await until(async () => (await count("scored")) >= submissions);
    const total = performance.now() - started;
    console.log(`quiz scoring, ${submissions} submissions (${submitters} submitting in parallel while the workers score)`);
    console.log(`  submitted         ${rate(submissions, submitted)}  (${(submitted / 1000).toFixed(1)} s)`);
    console.log(`  scored end to end ${rate(submissions, total)}  (${(total / 1000).toFixed(1)} s from first submit to last score)`);
  }

  // Certificates: issue (batch transaction + outbox + enqueue) → PDF rendered, credential signed, stored.
  if (certificates > 0) {
    const holders = await trainees(certificates, "2");
    const tasks = catalog().modules.filter((m) => m.track === "campus" && m.tier === "foundation").flatMap((m) => m.tasks.map((t) => ({ module: m, task: t })));
    const versions = new Map<string, number>();
    for (const { task } of tasks) versions.set(task.id, (await currentTaskVersion(db, task.id))!.version);
    const rows = holders.flatMap((userId) =>
      tasks.map(({ module, task }) => ({
        user_id: userId,
        task_id: task.id,
        task_version: versions.get(task.id)!,
        module_id: module.id,
        track: "campus" as const,
        tier: "foundation" as const,
        type: task.type,
        status: "passed" as const,
        score: 90,
        people_reached: task.type === "field_work" ? 40 : null,
        submitted_at: new Date(),
        decided_at: new Date(),
      })),
    );
    for (let i = 0; i < rows.length; i += 1000) await db.insertInto("submissions").values(rows.slice(i, i + 1000)).execute();
    await inParallel(holders, 8, async (userId) => {
      await evaluateEligibilityNow(db, { userId, track: "campus", tier: "foundation" });
    });
    const actorId = await insertUser(db, { name: "压测管理员", phone: "13500000009", email: null, orgUnitId: null, track: null }, ["admin"], null);
    const program = catalog();
    const rules = Object.fromEntries(tierIds.map((t) => [t, tierRule(program, t)])) as Record<TierId, ReturnType<typeof tierRule>>;
    const batch = 500; // as an administrator would issue them, batch after batch
    const started = performance.now();
    for (let i = 0; i < holders.length; i += batch) {
      const outcome = await issueCertificates(db, {
        actorId,
        ip: null,
        candidates: holders.slice(i, i + batch).map((userId) => ({ userId, track: "campus" as const, tier: "foundation" as const })),
        rules,
        ruleVersions: ruleVersions(program),
      });
      if (outcome.issued.length !== Math.min(batch, holders.length - i)) throw new Error(`issued ${outcome.issued.length} of a batch`);
      await dispatchAfterCommit(outcome.jobs);
    }
    const issued = performance.now() - started;
    await until(async () => (await count("rendered")) >= certificates);
    const total = performance.now() - started;
    const failed = await db.selectFrom("certificates").select("id").where("render_error", "is not", null).execute();
    if (failed.length) throw new Error(`${failed.length} certificates failed to render`);
    console.log(`certificates, ${certificates} (batches of ${batch})`);
    console.log(`  issued + enqueued ${rate(certificates, issued)}  (${(issued / 1000).toFixed(1)} s)`);
    console.log(`  rendered (PDF + signed credential) end to end ${rate(certificates, total)}  (${(total / 1000).toFixed(1)} s)`);
  }
} finally {
  await stopWorkers?.();
  await closeQueues();
  const redis = new Redis(redisUrl);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
  redis.disconnect();
  await db.destroy();
  await admin(`drop database if exists "${name}" with (force)`);
  rmSync(dataDir, { recursive: true, force: true });
}
export {};
