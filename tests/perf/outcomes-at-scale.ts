// Benchmark (issue #16, goal 1): the outcomes pages at scale, served by the built app against the
// generated databases of tests/perf/scale-data.ts, small (10,000 submissions) and full (1,000,000).
//
//   SCALE_DB_SMALL=baicheng_scale_small SCALE_DB_FULL=baicheng_scale_full npx tsx tests/perf/outcomes-at-scale.ts
//
// For each size: the kept figures checked against a recomputation (the nightly check, timed), then 20
// requests per page after a warm-up (p50/p95, page bytes): the whole programme, one province and a
// drill-down. "Before" is the old loader's work, the same figures counted from the source rows
// (indicatorFigure/indicatorTrend per indicator for the region and its first 20 sub-regions), timed in
// the same run. A size whose database is missing is skipped with a line saying how to build it.
import { performance } from "node:perf_hooks";
import pg from "pg";
import { sql } from "kysely";
import { buildCatalog } from "../../app/catalog/build-content";
import { yearWindow } from "../../app/domain/outcomes";
import { startProductionServer } from "./production-server";
import { evidenceRows, indicatorFigure, indicatorTrend, lastOutcomeCheck, summaryFigures, targetsOf } from "../../app/models/outcomes.server";
import { listActiveChildren } from "../../app/models/orgs.server";
import { runOutcomeCheck } from "../../app/services/outcome-check.server";
import { openDatabase } from "../../db/client";
import { adminDatabaseUrl, databaseUrlFor } from "../support/test-env";

const port = Number(process.env.PERF_OUTCOMES_PORT ?? 3221);
const base = `http://127.0.0.1:${port}`;
const runs = Number(process.env.PERF_RUNS ?? 20);
const target = { p95: 50, ratio: 1.5, bytes: 1024 * 1024 };
const sizes = [
  { size: "small", db: process.env.SCALE_DB_SMALL ?? "baicheng_scale_small" },
  { size: "full", db: process.env.SCALE_DB_FULL ?? "baicheng_scale_full" },
] as const;

async function exists(name: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: adminDatabaseUrl });
  await c.connect();
  try {
    return (await c.query("select 1 from pg_database where datname = $1", [name])).rowCount === 1;
  } finally {
    await c.end();
  }
}

function percentiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil(s.length * p) - 1)]!;
  return { p50: at(0.5), p95: at(0.95) };
}

async function time(fn: () => Promise<unknown>) {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return percentiles(samples);
}

async function waitForHealth(url: string, timeoutMs = 90_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no answer from ${url}`);
}

async function signIn(): Promise<string> {
  const { scaleAdminEmail, scalePassword } = await import("./scale-data");
  const login = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: base, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ identifier: scaleAdminEmail, password: scalePassword }),
  });
  const cookie = login.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error(`login failed: ${login.status}`);
  return cookie;
}

const catalog = await buildCatalog();
const year = 1;
const window = yearWindow(catalog.program.programStart, year);
const indicators = catalog.program.tracks.find((t) => t.id === "campus")!.indicators.filter((i) => i.year === year);
const results: Record<string, Record<string, { p50: number; p95: number; bytes?: number }>> = {};

for (const { size, db: name } of sizes) {
  if (!(await exists(name))) {
    console.log(`${size}: no database ${name}; build it with SCALE_DB=${name} npx tsx tests/perf/scale-data.ts --size ${size}`);
    continue;
  }
  const handle = await openDatabase({ databaseUrl: databaseUrlFor(name), dataDir: "data", poolSize: 5 });
  const db = handle.db;
  const root = (await db.selectFrom("org_units").select(["id", "path"]).where("parent_id", "is", null).executeTakeFirstOrThrow());
  const province = (await db.selectFrom("org_units").select(["id", "path", "name"]).where("parent_id", "=", root.id).orderBy("name").executeTakeFirstOrThrow());
  const counts = await sql<{ submissions: number; figures: number }>`select (select count(*) from submissions) as submissions, (select count(*) from outcome_figures) as figures`.execute(db);
  console.log(`\n${size}: ${name}, ${Number(counts.rows[0]!.submissions).toLocaleString("en")} submissions, ${Number(counts.rows[0]!.figures).toLocaleString("en")} kept figure rows`);

  const t0 = performance.now();
  const check = await runOutcomeCheck(db);
  console.log(`  nightly check: ${check.rowsChecked.toLocaleString("en")} rows recomputed and compared in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${check.drifted} drifted`);

  // Before: the old loader's figure queries, from the source rows.
  const oldLoader = async (regionPath: string, regionId: string) => {
    const children = await db.selectFrom("org_units").select("path").where("parent_id", "=", regionId).where("archived_at", "is", null).orderBy("name").limit(20).execute();
    await Promise.all([
      ...indicators.map((i) => indicatorFigure(db, i, { track: "campus", regionPath, window })),
      ...indicators.map((i) => indicatorTrend(db, i, { track: "campus", regionPath, window })),
      ...children.flatMap((c) => indicators.map((i) => indicatorFigure(db, i, { track: "campus", regionPath: c.path, window }))),
    ]);
  };
  const people = indicators.find((i) => i.measure.kind === "people_reached")!;
  const before = {
    whole: await time(() => oldLoader(root.path, root.id)),
    province: await time(() => oldLoader(province.path, province.id)),
    // The old drill-down: the first 500 rows and the figure, both from the source rows.
    drill: await time(() => Promise.all([evidenceRows(db, people, { track: "campus", regionPath: province.path, window }, 500), indicatorFigure(db, people, { track: "campus", regionPath: province.path, window })])),
  };
  // After, the same work in this process: the loaders' queries on the kept figures (no HTTP, no render).
  const newLoader = async (regionId: string) => {
    const children = await listActiveChildren(db, regionId);
    const ids = [regionId, ...children.slice(0, 30).map((c) => c.id)];
    await Promise.all([summaryFigures(db, { unitIds: ids, track: "campus", from: window.from, before: window.to }), targetsOf(db, ids), lastOutcomeCheck(db)]);
  };
  const queries = {
    whole: await time(() => newLoader(root.id)),
    province: await time(() => newLoader(province.id)),
    drill: await time(() => Promise.all([evidenceRows(db, people, { track: "campus", regionPath: province.path, window }, 101), summaryFigures(db, { unitIds: [province.id], track: "campus", from: window.from, before: window.to })])),
  };
  await db.destroy();

  const server = startProductionServer({
    port,
    databaseUrl: databaseUrlFor(name),
    queuePrefix: `perf-outcomes-${process.pid}`,
    env: { WORKERS_IN_PROCESS: "off", LOG_LEVEL: "warn" },
    detached: true,
  });

  try {
    await waitForHealth(`${base}/healthz`);
    const cookie = await signIn();
    const page = (p: string) => async () => {
      const res = await fetch(`${base}${p}`, { headers: { Cookie: cookie } });
      const body = await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${p} answered ${res.status}`);
      return body.byteLength;
    };
    const measure = async (p: string) => ({ ...(await time(page(p))), bytes: await page(p)() });
    const q = `track=campus&year=${year}`;
    results[size] = {
      whole: await measure(`/admin/outcomes?${q}`),
      province: await measure(`/admin/outcomes?region=${province.id}&${q}`),
      drill: await measure(`/admin/outcomes/${people.id}?region=${province.id}&${q}`),
      "before whole": before.whole,
      "before province": before.province,
      "before drill": before.drill,
      "queries whole": queries.whole,
      "queries province": queries.province,
      "queries drill": queries.drill,
    };
  } finally {
    process.kill(-server.pid!, "SIGTERM");
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const rows: Array<[string, string]> = [
  ["whole", "/admin/outcomes, whole programme"],
  ["province", "/admin/outcomes, one province"],
  ["drill", "drill-down (people reached, one province)"],
];
console.log(`\noutcomes pages, ${runs} requests each after a warm-up; target p95 < ${target.p95} ms, full ≤ ${target.ratio}× small, page < 1 MiB`);
console.log("page                                        | small p50 (p95)  | full p50 (p95)   | full/small p95 | bytes (full) | queries only: small, full p50 (p95) | before: source rows, full p50 (p95)");
for (const [key, label] of rows) {
  const s = results.small?.[key];
  const f = results.full?.[key];
  const b = results.full?.[`before ${key}`];
  const fmt = (r?: { p50: number; p95: number }) => (r ? `${r.p50.toFixed(1)} (${r.p95.toFixed(1)}) ms` : "—");
  const ratio = s && f ? `${(f.p95 / s.p95).toFixed(2)}×` : "—";
  const ok = f ? (f.p95 < target.p95 && (!s || f.p95 <= target.ratio * Math.max(s.p95, 1)) && (f.bytes ?? 0) < target.bytes ? "ok" : "MISSED") : "";
  const qs = results.small?.[`queries ${key}`];
  const qf = results.full?.[`queries ${key}`];
  const queriesOk = qf && qf.p95 < target.p95 ? "ok" : "MISSED";
  console.log(
    `${label.padEnd(43)} | ${fmt(s).padEnd(16)} | ${fmt(f).padEnd(16)} | ${ratio.padEnd(14)} | ${f?.bytes ? `${(f.bytes / 1024).toFixed(0)} KiB`.padEnd(12) : "—".padEnd(12)} | ${`${fmt(qs)}, ${fmt(qf)} ${queriesOk}`.padEnd(35)} | ${fmt(b)} (page: ${ok})`,
  );
}
