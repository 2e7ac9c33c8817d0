// Benchmark (issue #16, goal 1): every page of the issue's table, and the lists that can grow, at the
// generated small (10,000 submissions) and full (1,000,000 submissions, 100,000 trainees) sizes.
// For each size the built app (`npm run build` first) is started against that database, and a session
// is made for an admin, a mentor and a trainee (a row in `sessions`, as signing in would write). Both
// apps run at once: each page is asked of each size 10 times to warm up, then of the sizes in turn, 20
// times each. Prints p50 and p95 per page at both sizes, the ratio full/small of the p95, and the
// target: p95 < 50 ms and at most 1.5× small.
//
//   npx tsx tests/perf/pages-at-scale.ts            # builds both databases (a few minutes), then measures
//   npx tsx tests/perf/pages-at-scale.ts --reuse    # measures against databases built before, if finished
//                                                  # (PERF_SCALE_REUSE=1 does the same under `npm run perf`)
//
// Knobs: PERF_RUNS (20), PERF_WARMUP (10 requests a page and size before measuring), PERF_SCALE_PORT (3210: small on it, full on the next), PERF_SCALE_SIZES ("small,full"),
// PERF_PAGES (a comma-separated list of parts of page names, to measure only those), PERF_SKIP_MIGRATE=1 (measure
// a build of an earlier commit against its own schema: the "before" figures).
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import pg from "pg";
import { openDatabase } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { startProductionServer } from "./production-server";
import { waitFor } from "../support/wait";
import { buildScaleDatabase, scaleDatabaseReady, scaleDatabaseUrl, type ScaleSize } from "./scale-data";

const runs = Number(process.env.PERF_RUNS ?? 20);
const warmUps = Number(process.env.PERF_WARMUP ?? 10);
const firstPort = Number(process.env.PERF_SCALE_PORT ?? 3210);
const sizes = (process.env.PERF_SCALE_SIZES ?? "small,full").split(",") as ScaleSize[];
const reuse = process.argv.includes("--reuse") || process.env.PERF_SCALE_REUSE === "1";
const targetMs = 50;
const targetRatio = 1.5;

interface PageSpec {
  name: string;
  path: string;
  as: "admin" | "mentor" | "trainee" | "anonymous";
  /** Outcomes pages belong to another change (summary tables): measured here, not changed. */
  outcomes?: boolean;
}

/** The people and things the pages are asked about: the same choice rule at both sizes. */
async function subjects(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const one = async (text: string, values: unknown[] = []) => {
      const row = (await c.query(text, values)).rows[0];
      if (!row) throw new Error(`nothing found for: ${text}`);
      return row;
    };
    const admin = await one(`select u.id from users u join user_roles r on r.user_id = u.id and r.role = 'admin' join org_units o on o.id = u.org_unit_id where o.level = 1 limit 1`);
    // The mentor with the longest open queue, and a trainee with the most submissions.
    const mentor = await one(`
      select a.mentor_id as id from submission_assignments a join submissions s on s.id = a.submission_id
      where a.released_at is null and s.status in ('submitted', 'in_review', 'resubmitted') group by a.mentor_id order by count(*) desc, a.mentor_id limit 1`);
    const trainee = await one(`
      select s.user_id as id from submissions s join users u on u.id = s.user_id where u.status = 'active' and u.track = 'campus'
      group by s.user_id order by count(*) desc, s.user_id limit 1`);
    const province = await one(`select id from org_units where level = 2 order by path limit 1`);
    const person = await one(`select name from users u join user_roles r on r.user_id = u.id and r.role = 'trainee' order by u.id limit 1`);
    const certificate = await one(`select number from certificates where status = 'issued' order by issued_at desc, id limit 1`);
    const makeSession = async (userId: string) => {
      const id = randomBytes(20).toString("hex");
      await c.query(`insert into sessions (id, user_id, expires_at) values ($1, $2, now() + interval '1 day')`, [id, userId]);
      return `bc_session=${id}`;
    };
    return {
      cookies: { admin: await makeSession(admin.id), mentor: await makeSession(mentor.id), trainee: await makeSession(trainee.id), anonymous: "" },
      provinceId: province.id as string,
      personName: (person.name as string).slice(0, 2),
      certificateNumber: certificate.number as string,
    };
  } finally {
    await c.end();
  }
}

function pagesFor(s: Awaited<ReturnType<typeof subjects>>): PageSpec[] {
  return [
    { name: "/admin/certificates", path: "/admin/certificates", as: "admin" },
    // The page's other view since the split: the certificates issued (each view was half of the one page).
    { name: "/admin/certificates, issued", path: "/admin/certificates?view=issued", as: "admin" },
    { name: "/admin/outcomes, whole programme", path: "/admin/outcomes", as: "admin", outcomes: true },
    { name: "/admin/outcomes, one province", path: `/admin/outcomes?region=${s.provinceId}`, as: "admin", outcomes: true },
    { name: "/mentor, queue as admin", path: "/mentor", as: "admin" },
    { name: "/my-work, one trainee", path: "/my-work", as: "trainee" },
    { name: "/admin/users list", path: "/admin/users", as: "admin" },
    { name: "/admin/users search", path: `/admin/users?q=${encodeURIComponent(s.personName)}`, as: "admin" },
    { name: "/mentor, one mentor's queue", path: "/mentor", as: "mentor" },
    { name: "outcomes drill-down", path: "/admin/outcomes/campus-y1-students", as: "admin", outcomes: true },
    { name: "module page", path: "/learn/campus/foundation/student-development", as: "trainee" },
    // A field-work task offers the places under the trainee's own unit.
    { name: "field-work task page", path: "/tasks/campus-foundation-emotion-friendly-classroom-field", as: "trainee" },
    { name: "/verify/<number>", path: `/verify/${s.certificateNumber}`, as: "anonymous" },
    // The other lists that grow with the programme, and the coordinator's home.
    { name: "/admin (coordinator home)", path: "/admin", as: "admin" },
    { name: "/admin/assignments", path: "/admin/assignments", as: "admin" },
    { name: "/admin/audit", path: "/admin/audit", as: "admin" },
    { name: "/admin/exports", path: "/admin/exports", as: "admin" },
    { name: "/admin/search", path: `/admin/search?q=${encodeURIComponent(s.personName)}`, as: "admin" },
    { name: "/admin/showcase", path: "/admin/showcase", as: "admin" },
    { name: "/showcase", path: "/showcase", as: "anonymous" },
  ];
}

function startApp(size: ScaleSize, port: number): ChildProcess {
  return startProductionServer({
    port,
    databaseUrl: scaleDatabaseUrl(size),
    queuePrefix: `perf-scale-${process.pid}-${size}`,
    // Each /verify look-up comes from its own address, so the per-address limit does not answer 429.
    env: { SEED_DEMO: "off", TRUST_PROXY: "loopback" },
    detached: true,
  });
}

/** A database built before the latest migration gets it here (with fresh statistics), not inside the app's start. */
async function migrated(size: ScaleSize) {
  const handle = await openDatabase({ databaseUrl: scaleDatabaseUrl(size), dataDir: "data" });
  try {
    const applied = await migrateToLatest(handle.db);
    if (applied.length) {
      // Generated data is evaluated in full: the page-load catch-up has nothing older to read.
      if (applied.includes("2026-11-30-09-scale-catchup")) await sql`update eligibility_catchup set checked_until = now()`.execute(handle.db);
      await sql`analyze`.execute(handle.db);
      console.log(`${size}: applied ${applied.join(", ")}`);
    }
  } finally {
    await handle.db.destroy();
  }
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)]!;

interface Target {
  base: string;
  page: PageSpec;
  cookie: string;
}

/** One request: its time to the last byte and the body's size; anything but 200 stops the run. */
async function ask(target: Target, n: number) {
  const headers: Record<string, string> = { "X-Forwarded-For": `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` };
  if (target.cookie) headers.Cookie = target.cookie;
  const started = performance.now();
  const res = await fetch(`${target.base}${target.page.path}`, { headers, redirect: "manual" });
  const body = await res.arrayBuffer();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`${target.page.path} answered ${res.status}`);
  return { ms, bytes: body.byteLength };
}

/**
 * One page at every size, asked of the sizes in turn (small, full, small, full, …) after a warm-up each:
 * a busier moment of the machine falls on both sizes alike, so the ratio compares like with like.
 */
async function measure(targets: Target[]) {
  let n = 0;
  // Warm-up: with one request, the first page measured ran on code the JIT had not compiled yet (React, Remix
  // and the app's own code, shared by every page) and carried that into its p95.
  for (let i = 0; i < warmUps; i++) for (const t of targets) await ask(t, ++n);
  const samples = targets.map(() => [] as number[]);
  const bytes = targets.map(() => 0);
  for (let i = 0; i < runs; i++) {
    for (const [k, t] of targets.entries()) {
      const r = await ask(t, ++n);
      samples[k]!.push(r.ms);
      bytes[k] = r.bytes;
    }
  }
  return samples.map((list, k) => {
    list.sort((x, y) => x - y);
    return { p50: pct(list, 0.5), p95: pct(list, 0.95), bytes: bytes[k]! };
  });
}

type Result = Awaited<ReturnType<typeof measure>>[number];

if (!existsSync("build/server/server.mjs")) throw new Error("no build: run `npm run build` first");
const results = new Map<ScaleSize, Map<string, Result>>();
const names: PageSpec[] = [];
const running: Array<{ size: ScaleSize; base: string; app: ChildProcess; pages: PageSpec[]; cookies: Record<PageSpec["as"], string> }> = [];
try {
  for (const [i, size] of sizes.entries()) {
    if (!(reuse && (await scaleDatabaseReady(size)))) await buildScaleDatabase(size);
    if (process.env.PERF_SKIP_MIGRATE !== "1") await migrated(size);
    const s = await subjects(scaleDatabaseUrl(size));
    const port = firstPort + i;
    running.push({ size, base: `http://127.0.0.1:${port}`, app: startApp(size, port), pages: pagesFor(s), cookies: s.cookies });
  }
  for (const r of running) {
    await waitFor("the app's /healthz", () => fetch(`${r.base}/healthz`).then((res) => (res.ok ? true : undefined), () => undefined), { timeoutMs: 120_000, everyMs: 250 });
    results.set(r.size, new Map());
  }
  const only = process.env.PERF_PAGES?.split(",");
  for (const page of running[0]!.pages.filter((p) => !only || only.some((o) => p.name.includes(o)))) {
    names.push(page);
    const targets = running.map((r) => {
      const own = r.pages.find((p) => p.name === page.name)!;
      return { base: r.base, page: own, cookie: r.cookies[own.as] };
    });
    const measured = await measure(targets);
    for (const [k, r] of running.entries()) {
      results.get(r.size)!.set(page.name, measured[k]!);
      console.log(`  ${r.size.padEnd(5)} ${page.name.padEnd(36)} p50 ${measured[k]!.p50.toFixed(1).padStart(8)} ms  p95 ${measured[k]!.p95.toFixed(1).padStart(8)} ms`);
    }
  }
} finally {
  for (const r of running) process.kill(-r.app.pid!, "SIGTERM");
}

const fmt = (r: Result | undefined) => (r ? `${r.p50.toFixed(1)} (${r.p95.toFixed(1)})` : "–");
console.log(`\npages at scale: p50 (p95) in ms over ${runs} requests after a warm-up; target p95 < ${targetMs} ms and ≤ ${targetRatio}× small`);
console.log(`${"page".padEnd(36)} ${"small".padStart(16)} ${"full".padStart(18)} ${"full/small".padStart(10)} ${"KiB full".padStart(9)}  target`);
let failures = 0;
for (const page of names) {
  const small = results.get("small")?.get(page.name);
  const full = results.get("full")?.get(page.name);
  const ratio = small && full ? full.p95 / small.p95 : null;
  const ok = full ? full.p95 < targetMs && (ratio === null || ratio <= targetRatio) : null;
  if (ok === false && !page.outcomes) failures += 1;
  const verdict = ok === null ? "" : ok ? "met" : page.outcomes ? "missed (outcomes: summary tables)" : "MISSED";
  console.log(
    `${page.name.padEnd(36)} ${fmt(small).padStart(16)} ${fmt(full).padStart(18)} ${(ratio === null ? "–" : `${ratio.toFixed(2)}×`).padStart(10)} ${(full ? (full.bytes / 1024).toFixed(0) : "–").padStart(9)}  ${verdict}`,
  );
}
if (failures) console.log(`${failures} page(s) outside the target`);
