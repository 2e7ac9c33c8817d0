// Benchmark: the BullMQ workers end to end, in-process as `npm start` runs them, on a fresh PostgreSQL
// database and a Redis prefix of their own. Prints figures next to issue 16's targets; not part of `npm test`.
//   quiz scoring: N trainees submit a quiz (attempt + outbox row, dispatched after commit) → all scored
//   certificates: M eligible trainees issued in batches (outbox) → every PDF rendered and credential signed
//   baseline, same run: a sample of certificates rendered the one-at-a-time way (in the main thread,
//   8 at once, one transaction each), as the render worker did before decision 021
// PERF_SUBMISSIONS (default 10000), PERF_CERTIFICATES (default 10000), PERF_BASELINE_CERTIFICATES
// (default 100), WORKER_CONCURRENCY (default 8). A quick run: PERF_SUBMISSIONS=1000 PERF_CERTIFICATES=500
// PERF_WORKER_PROCESSES=N: the workers run in N processes of their own (`npm run start:workers`, the compiled
// build: `npm run build` first) instead of in this one, as a deployment with a web process and a worker process
// would; this process then only submits and issues, as the web process would.
import { spawn, type ChildProcess } from "node:child_process";
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
import { renderCertificateNow } from "../../workers/processors/certificates";
import { evaluateEligibilityNow } from "../../workers/processors/eligibility";
import { startWorkers } from "../../workers/runtime";

const submissions = Number(process.env.PERF_SUBMISSIONS ?? 10_000);
const certificates = Number(process.env.PERF_CERTIFICATES ?? 10_000);
const baselineCertificates = Number(process.env.PERF_BASELINE_CERTIFICATES ?? 100);
/** Issue 16's targets for 10,000 of each, scaled to the run's size. */
const targets = { scoring: 20_000 / 10_000, certificates: 180_000 / 10_000 };
const concurrency = Number(process.env.WORKER_CONCURRENCY ?? 8);
/** Parallel submitting requests, as a busy web process would have. */
const submitters = Number(process.env.PERF_SUBMITTERS ?? 8);
const workerProcesses = Number(process.env.PERF_WORKER_PROCESSES ?? 0);
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

const issuerPem = generateIssuerKeyPem();

/** N worker processes as `npm run start:workers` starts them, on this run's database, Redis prefix and key; ready when each says so. */
async function startWorkerProcesses(n: number, databaseUrl: string, pem: string): Promise<ChildProcess[]> {
  const children = Array.from({ length: n }, () =>
    spawn(process.execPath, ["build/server/workers/index.mjs"], {
      env: {
        ...process.env,
        NODE_ENV: "production",
        DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl,
        REDIS_AUTOSTART: "off",
        QUEUE_PREFIX: prefix,
        ISSUER_SIGNING_KEY: pem,
        DATA_DIR: dataDir,
        WORKER_CONCURRENCY: String(concurrency),
        APP_URL: "http://127.0.0.1:3999",
        MESSAGE_LINK_SECRET: `perf-message-link-secret-${prefix}-0123456789abcdef`,
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "inherit"],
    }),
  );
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve, reject) => {
          // Read to the end (a full pipe would stop the process), remembering only until it has started.
          let seen: string | null = "";
          child.stdout!.on("data", (chunk: Buffer) => {
            if (seen === null) return;
            seen += chunk.toString();
            if (seen.includes("workers started")) {
              seen = null;
              resolve();
            }
          });
          child.once("exit", (code) => reject(new Error(`a worker process exited (${code}) before it started`)));
        }),
    ),
  );
  return children;
}

async function stopProcesses(children: ChildProcess[]) {
  await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : (child.once("exit", resolve), child.kill("SIGTERM"))))));
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
/** "…s (target < …s for this many, …/s)" */
const against = (n: number, ms: number, msEach: number) =>
  `${(ms / 1000).toFixed(1)} s; target < ${((n * msEach) / 1000).toFixed(0)} s (${rate(1, msEach)}) ${ms <= n * msEach ? "MET" : "NOT MET"}`;

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
  registerIssuerKey(issuerKeyFrom(issuerPem, "benchmark key"));
  await syncCatalog(db, catalog());
  if (workerProcesses > 0) {
    const children = await startWorkerProcesses(workerProcesses, dbUrl.toString(), issuerPem);
    stopWorkers = () => stopProcesses(children);
  } else {
    const workers = await startWorkers({ db, redisUrl, prefix, concurrency });
    stopWorkers = () => workers.close();
  }

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

  console.log(
    `${workerProcesses > 0 ? `workers in ${workerProcesses} process(es) of their own (npm run start:workers)` : "workers in-process"}, concurrency ${concurrency} per queue; PostgreSQL and Redis on this machine`,
  );

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
    console.log(`  scored end to end ${rate(submissions, total)}  (${against(submissions, total, targets.scoring)}, from first submit to last score)`);
  }

  // Certificates: issue (batch transaction + outbox + enqueue) → PDF rendered, credential signed, stored.
  if (certificates > 0) {
    const holders = await trainees(certificates + baselineCertificates, "2");
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
    const issue = (userIds: string[]) =>
      issueCertificates(db, {
        actorId,
        ip: null,
        candidates: userIds.map((userId) => ({ userId, track: "campus" as const, tier: "foundation" as const })),
        rules,
        ruleVersions: ruleVersions(program),
      });

    // Baseline: the one-at-a-time path, on a sample issued but not handed to the queue.
    let baselineRate: number | null = null;
    if (baselineCertificates > 0) {
      const sample = await issue(holders.slice(certificates));
      const started = performance.now();
      await inParallel(sample.issued, 8, async (c) => renderCertificateNow(db, { certificateId: c.id }));
      const ms = performance.now() - started;
      baselineRate = sample.issued.length / (ms / 1000);
      console.log(`certificates, baseline: ${sample.issued.length} rendered one at a time in the main thread (8 at once), as before decision 021`);
      console.log(`  rendered ${rate(sample.issued.length, ms)}  (10,000 would take ${(10_000 / baselineRate).toFixed(0)} s at this rate)`);
    }

    const batch = 500; // as an administrator would issue them, batch after batch
    const started = performance.now();
    for (let i = 0; i < certificates; i += batch) {
      const outcome = await issue(holders.slice(i, Math.min(i + batch, certificates)));
      if (outcome.issued.length !== Math.min(batch, certificates - i)) throw new Error(`issued ${outcome.issued.length} of a batch`);
      await dispatchAfterCommit(outcome.jobs);
    }
    const issued = performance.now() - started;
    await until(async () => (await count("rendered")) >= certificates + baselineCertificates);
    const total = performance.now() - started;
    const failed = await db.selectFrom("certificates").select("id").where("render_error", "is not", null).execute();
    if (failed.length) throw new Error(`${failed.length} certificates failed to render`);
    console.log(`certificates, ${certificates} (batches of ${batch}), rendered by the queue in batches with the worker-thread pool`);
    console.log(`  issued + enqueued ${rate(certificates, issued)}  (${(issued / 1000).toFixed(1)} s)`);
    console.log(`  rendered (PDF + signed credential) end to end ${rate(certificates, total)}  (${against(certificates, total, targets.certificates)})`);
    if (baselineRate) console.log(`  ${(certificates / (total / 1000) / baselineRate).toFixed(1)}× the baseline rate of this run`);
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
