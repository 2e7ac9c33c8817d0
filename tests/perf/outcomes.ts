// Benchmark: the 百千万 dashboard figures for the whole programme and one region, p95 server time at a
// small and a large generated programme (default 10,000 and 1,000,000 submissions, 100,000 trainees).
import { performance } from "node:perf_hooks";
import pg from "pg";
import { buildCatalog } from "../../app/catalog/build-content";
import { openDatabase } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { indicatorFigure } from "../../app/models/outcomes.server";
import { yearWindow } from "../../app/domain/outcomes";
import { syncCatalog } from "../../app/models/curriculum.server";
import { adminDatabaseUrl, databaseUrlFor } from "../support/test-env";

const sizes = (process.env.PERF_SUBMISSIONS ?? "10000,1000000").split(",").map(Number);
const trainees = Number(process.env.PERF_TRAINEES ?? 100_000);
const runs = Number(process.env.PERF_RUNS ?? 20);

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: adminDatabaseUrl });
  await c.connect();
  await c.query(sql);
  await c.end();
}

const catalog = await buildCatalog();
for (const size of sizes) {
  const name = `baicheng_perf_outcomes_${size}`;
  await admin(`drop database if exists "${name}" with (force)`);
  await admin(`create database "${name}"`);
  const handle = await openDatabase({ databaseUrl: databaseUrlFor(name), dataDir: "data" });
  const db = handle.db;
  await migrateToLatest(db);
  await syncCatalog(db, catalog);
  const { sql } = await import("kysely");
  // 10 regions × 10 cities × 10 sites; trainees spread over sites; field work spread over a year.
  await sql`insert into org_units (id, parent_id, level, kind, name, track, path) values ('00000000-0000-0000-0000-000000000001', null, 1, 'national', '全国', null, '/00000000-0000-0000-0000-000000000001/')`.execute(db);
  await sql`
    with p as (select g as i, gen_random_uuid() as id from generate_series(1, 10) g)
    insert into org_units (id, parent_id, level, kind, name, track, path)
    select id, '00000000-0000-0000-0000-000000000001', 2, 'province', '省' || i, null, '/00000000-0000-0000-0000-000000000001/' || id || '/' from p`.execute(db);
  await sql`
    with c as (select p.id as pid, p.path as ppath, p.name as pname, g, gen_random_uuid() as id from org_units p cross join generate_series(1, 10) g where p.level = 2)
    insert into org_units (id, parent_id, level, kind, name, track, path)
    select id, pid, 3, 'city', pname || '市' || g, null, ppath || id || '/' from c`.execute(db);
  await sql`
    with c as (select p.id as pid, p.path as ppath, p.name as pname, g, gen_random_uuid() as id from org_units p cross join generate_series(1, 10) g where p.level = 3)
    insert into org_units (id, parent_id, level, kind, name, track, path)
    select id, pid, 5, 'site', pname || '校' || g, 'campus', ppath || id || '/' from c`.execute(db);
  await sql`
    with s as (select id, row_number() over (order by id) - 1 as rn from org_units where level = 5)
    insert into users (name, phone, org_unit_id, track)
    select '学员' || g, '1' || lpad(g::text, 10, '0'), s.id, 'campus'
    from generate_series(1, ${Math.min(trainees, size)}) g join s on s.rn = g % 1000`.execute(db);
  const task = await sql<{ id: string; version: number; module_id: string }>`select id, version, module_id from tasks where type = 'field_work' and is_current limit 1`.execute(db);
  const t = task.rows[0]!;
  const started = performance.now();
  // One submission per (trainee, task) in the app; a benchmark needs more rows than tasks, so the unique
  // index is dropped here only.
  await sql`drop index submissions_user_task_key`.execute(db);
  await sql`
    insert into submissions (user_id, task_id, task_version, module_id, track, tier, type, status, activity_date, org_unit_id, audience_type, people_reached)
    select u.id, ${t.id}, ${t.version}, ${t.module_id}, 'campus', 'foundation', 'field_work',
           case when g % 5 = 0 then 'in_review' else 'passed' end,
           (date '2026-09-01' + (g % 360)), u.org_unit_id, case when g % 3 = 0 then 'parents' else 'students' end, 10 + g % 40
    from generate_series(1, ${size}) g join (select id, org_unit_id, row_number() over (order by id) - 1 as rn from users) u on u.rn = g % ${Math.min(trainees, size)}`.execute(db);
  await sql`analyze`.execute(db);
  const seedMs = performance.now() - started;
  const program = catalog.program;
  const indicators = program.tracks.find((x) => x.id === "campus")!.indicators.filter((i) => i.year === 1);
  const window = yearWindow(program.programStart, 1);
  const region = await sql<{ path: string }>`select path from org_units where level = 2 order by name limit 1`.execute(db);
  const time = async (regionPath: string) => {
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await Promise.all(indicators.map((ind) => indicatorFigure(db, ind, { track: "campus", regionPath, window })));
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    return samples[Math.floor(samples.length * 0.95) - 1] ?? samples[samples.length - 1]!;
  };
  const whole = await time("/00000000-0000-0000-0000-000000000001/");
  const one = await time(region.rows[0]!.path);
  console.log(`${size.toLocaleString("en")} submissions (seeded in ${(seedMs / 1000).toFixed(1)} s): dashboard p95 whole programme ${whole.toFixed(1)} ms, one region ${one.toFixed(1)} ms (${runs} runs, ${indicators.length} indicators)`);
  await db.destroy();
  await admin(`drop database if exists "${name}" with (force)`);
}
