// Generated programme data at scale (issue #16, goal 1): a fresh PostgreSQL database, migrated, the
// catalogue synced, then filled with set-based SQL (generate_series, INSERT … SELECT) so the full size
// builds in minutes.
//
//   npx tsx tests/perf/scale-data.ts --size full    # 100,000 trainees, 1,000,000 submissions, ~21,000 units
//   npx tsx tests/perf/scale-data.ts --size small   # the same shape at 1 %: 1,000 trainees, 10,000 submissions
//
// The database is named by SCALE_DB (default baicheng_scale_<size>) on the server of TEST_DATABASE_URL;
// it is dropped and made again. `buildScaleDatabase()` does the same for a benchmark, and
// `scaleDatabaseReady()` tells whether a finished build of that size is already there (`--reuse`).
//
// What it holds, full size (small: the same divided by 100, one province with one city):
// - a 6-level tree: 1 national unit, 25 provinces, 100 cities, 500 districts, 5,000 sites (schools and
//   community centres, half each) and 15,000 groups (classes and grids): 20,626 units;
// - 100,000 trainees placed at sites and groups of their unit's track, 2 % deactivated, 15 % invited but
//   never signed in; 200 mentors (one per track per city, serving their city); 6 admins, 5 of them
//   regional (3 provinces, 2 cities);
// - 1,000,000 submissions, 5 to 15 per trainee along their track's tasks in curriculum order (the
//   unique (trainee, task) holds), of every kind and status: decided ones with quiz attempts scored
//   by the real scorer or mentor grades built from the task's rubric; 50,000 waiting (submitted,
//   in review or resubmitted) and assigned to the mentor of the trainee's city; drafts and returned
//   work; field work with dates, places, audiences and people reached, and evidence file rows (photos,
//   sign-in sheets, documents; no bytes in storage); events for every move;
// - dates from September 2024 to today, weighted to the recent (programme year 1 started 2026-09-01,
//   so about 40 % fall in year 1 and the rest in the two pilot years before it); nothing is in the future;
// - eligibility evaluated for every (trainee, track, tier) with a decided submission by the app's own
//   rule (so the certificates page finds nothing stale), certificates for 85 % of the eligible (3 % of
//   them revoked, 2 % superseded by a reissue), status-list positions, audit events, notifications,
//   module progress, showcase entries, milestones and exports.
import { performance } from "node:perf_hooks";
import pg from "pg";
import { buildCatalog } from "../../app/catalog/build-content";
import type { Catalog } from "../../app/catalog/types";
import { quizTaskSchema, type TierId } from "../../app/catalog/schema";
import { scoreQuiz, storedQuizResult, type QuizAnswer } from "../../app/domain/quiz-scoring";
import { evaluateFor, ruleVersions } from "../../app/models/eligibility.server";
import { syncCatalog } from "../../app/models/curriculum.server";
import { hashPassword } from "../../app/passwords.server";
import { openDatabase } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { backfillUserActivitySql } from "../../db/migrations/2026-11-30-28-user-activity";
import { recountMentorOpenLoadsSql } from "../../db/migrations/2026-11-30-22-mentor-open-loads";
import { backfillMentorQueueCopiesSql } from "../../db/migrations/2026-11-30-24-mentor-queue-copies";
import { adminDatabaseUrl, databaseUrlFor } from "../support/test-env";

export type ScaleSize = "full" | "small";

export interface ScaleShape {
  provinces: number;
  citiesPerProvince: number;
  districtsPerCity: number;
  sitesPerDistrict: number;
  groupsPerSite: number;
  trainees: number;
  /** Mean submissions per trainee (5 to 15 each; a track has 15 tasks). */
  submissionsPerTrainee: number;
  /** Open mentor-graded submissions (submitted, in review, resubmitted), each assigned. */
  waiting: number;
}

export const shapes: Record<ScaleSize, ScaleShape> = {
  full: { provinces: 25, citiesPerProvince: 4, districtsPerCity: 5, sitesPerDistrict: 10, groupsPerSite: 3, trainees: 100_000, submissionsPerTrainee: 10, waiting: 50_000 },
  small: { provinces: 1, citiesPerProvince: 1, districtsPerCity: 5, sitesPerDistrict: 10, groupsPerSite: 3, trainees: 1_000, submissionsPerTrainee: 10, waiting: 500 },
};

/** The password of every generated account (throw-away data only). */
export const scalePassword = "baicheng-scale-2026";
export const scaleAdminEmail = "admin@scale.baicheng.org";

export function scaleDatabaseName(size: ScaleSize): string {
  return process.env.SCALE_DB ?? `baicheng_scale_${size}`;
}

export function scaleDatabaseUrl(size: ScaleSize): string {
  return databaseUrlFor(scaleDatabaseName(size));
}

const readyMark = (size: ScaleSize) => `baicheng scale data: ${size}`;

async function adminQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []) {
  const c = new pg.Client({ connectionString: adminDatabaseUrl });
  await c.connect();
  try {
    return await c.query<T>(text, values);
  } finally {
    await c.end();
  }
}

/** A finished build of this size is there (the mark is written last, so a half-built one does not count). */
export async function scaleDatabaseReady(size: ScaleSize): Promise<boolean> {
  const r = await adminQuery<{ mark: string | null }>(
    "select shobj_description(oid, 'pg_database') as mark from pg_database where datname = $1",
    [scaleDatabaseName(size)],
  );
  return r.rows[0]?.mark === readyMark(size);
}

const provinceNames = [
  "山西省", "山东省", "贵州省", "广东省", "云南省", "河北省", "河南省", "湖北省", "湖南省", "江西省", "安徽省", "浙江省", "江苏省",
  "福建省", "四川省", "陕西省", "甘肃省", "青海省", "辽宁省", "吉林省", "黑龙江省", "海南省", "广西壮族自治区", "内蒙古自治区", "宁夏回族自治区",
];
const surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const givenChars = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建文斌飞宇浩凯健俊帆帅旭宁琳晨欣怡佳雪梅婷倩颖慧莉";
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

interface TaskRow {
  track: string;
  tier: TierId;
  k: number;
  id: string;
  version: number;
  module_id: string;
  type: "quiz" | "work_product" | "field_work";
  audience: string[];
  minPeople: number;
  visits: number | null;
  /** Grade templates from the rubric: criteria and total for "high" (pass), "mid" (pass) and "low" (fail/return). */
  grades: Record<"high" | "mid" | "low", { criteria: unknown[]; total: number }> | null;
  /** Quiz attempt templates scored by the app's scorer, passing and failing. */
  quiz: { pass: Array<{ answers: unknown; result: unknown; score: number }>; fail: Array<{ answers: unknown; result: unknown; score: number }> } | null;
}

function wrongAnswer(q: { kind: string; answer: unknown; options?: string[] }): QuizAnswer {
  if (q.kind === "truefalse") return !(q.answer as boolean);
  if (q.kind === "single") return ((q.answer as number) + 1) % q.options!.length;
  const right = q.answer as number[];
  const other = q.options!.map((_, i) => i).find((i) => !right.includes(i)) ?? 0;
  return [other];
}

/** The tracks' tasks in curriculum order (tier, module, task), with templates built by the app's own code. */
function trackTasks(catalog: Catalog, versions: Map<string, number>): TaskRow[] {
  const tierOrder = new Map(catalog.program.tiers.map((t) => [t.id, t.order]));
  const rows: TaskRow[] = [];
  for (const track of ["campus", "community"]) {
    const modules = catalog.modules
      .filter((m) => m.track === track)
      .sort((a, b) => tierOrder.get(a.tier)! - tierOrder.get(b.tier)! || a.order - b.order);
    let k = 0;
    for (const m of modules) {
      for (const task of m.tasks) {
        k += 1;
        const row: TaskRow = {
          track, tier: m.tier, k, id: task.id, version: versions.get(task.id) ?? 1, module_id: m.id, type: task.type,
          audience: [], minPeople: 0, visits: null, grades: null, quiz: null,
        };
        if (task.type === "quiz") {
          const parsed = quizTaskSchema.parse(task);
          const pass: NonNullable<TaskRow["quiz"]>["pass"] = [];
          const fail: NonNullable<TaskRow["quiz"]>["fail"] = [];
          // 0, 1, 2 … wrong answers: each a scored attempt as the scoring worker stores it.
          for (let wrong = 0; wrong <= parsed.questions.length; wrong++) {
            const answers = Object.fromEntries(parsed.questions.map((q, i) => [q.id, i < wrong ? wrongAnswer(q) : q.answer])) as Record<string, QuizAnswer>;
            const scored = scoreQuiz(parsed, answers);
            const template = { answers, result: storedQuizResult(scored, parsed, row.version), score: scored.score };
            (scored.passed ? pass : fail).push(template);
          }
          row.quiz = { pass, fail: fail.slice(0, 3) };
        } else {
          const criteria = task.rubric.criteria;
          const at = (pick: (levels: typeof criteria[number]["levels"]) => typeof criteria[number]["levels"][number]) => {
            const chosen = criteria.map((c) => {
              const level = pick(c.levels);
              return { criterionId: c.id, level: level.label, points: level.points, comment: "" };
            });
            return { criteria: chosen, total: chosen.reduce((s, c) => s + c.points, 0) };
          };
          const sorted = (levels: typeof criteria[number]["levels"]) => [...levels].sort((a, b) => b.points - a.points);
          row.grades = { high: at((l) => sorted(l)[0]!), mid: at((l) => sorted(l)[1]!), low: at((l) => sorted(l)[sorted(l).length - 1]!) };
          if (task.type === "field_work") {
            row.audience = [...task.audienceTypes];
            row.minPeople = task.minPeopleReached;
            row.visits = task.visitLog?.minVisits ?? null;
          }
        }
        rows.push(row);
      }
    }
  }
  return rows;
}

export interface ScaleReport {
  size: ScaleSize;
  database: string;
  seconds: number;
  counts: Record<string, number>;
}

/** Drops and builds the database of this size; prints the steps with their times and the row counts. */
export async function buildScaleDatabase(size: ScaleSize, log: (line: string) => void = console.log): Promise<ScaleReport> {
  const shape = shapes[size];
  const name = scaleDatabaseName(size);
  const started = performance.now();
  let stepStarted = started;
  const step = (what: string) => {
    const now = performance.now();
    log(`  ${what.padEnd(58)} ${((now - stepStarted) / 1000).toFixed(1).padStart(6)} s`);
    stepStarted = now;
  };
  log(`scale data (${size}) → database ${name}`);
  await adminQuery(`drop database if exists "${name}" with (force)`);
  await adminQuery(`create database "${name}"`);
  const url = databaseUrlFor(name);
  const handle = await openDatabase({ databaseUrl: url, dataDir: "data" });
  const catalog = await buildCatalog();
  try {
    await migrateToLatest(handle.db);
    await syncCatalog(handle.db, catalog);
  } finally {
    await handle.db.destroy();
  }
  step("migrated, catalogue synced");

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const q = (text: string, values: unknown[] = []) => client.query(text, values);
  try {
    await q("set synchronous_commit = off");
    await q("set maintenance_work_mem = '512MB'");
    await q("set work_mem = '256MB'");
    await q("select setseed(0.16)");
    const versions = new Map((await q("select id, version from tasks where is_current")).rows.map((r) => [r.id as string, r.version as number]));
    const tasks = trackTasks(catalog, versions);
    const passwordHash = await hashPassword(scalePassword);

    // Secondary indexes of the big tables go while loading and come back at the end (constraints stay).
    const bigTables = ["users", "submissions", "evidence_files", "submission_events", "quiz_attempts", "grades", "submission_assignments", "certificates", "eligibility", "audit_events", "notifications", "module_progress"];
    const indexes = (
      await q(
        `select i.indexname, i.indexdef from pg_indexes i
         where i.schemaname = 'public' and i.tablename = any($1)
           and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
        [bigTables],
      )
    ).rows as Array<{ indexname: string; indexdef: string }>;
    // The live-certificate key is what keeps one live certificate per person: it stays.
    const dropped = indexes.filter((i) => i.indexname !== "certificates_live_key" && i.indexname !== "submissions_user_task_key");
    for (const i of dropped) await q(`drop index "${i.indexname}"`);
    // Foreign keys are not checked row by row while loading: every id below comes from the rows just made.
    await q("set session_replication_role = replica");
    step(`dropped ${dropped.length} secondary indexes for the load`);

    // ---- org tree
    const P = shape.provinces;
    const C = shape.citiesPerProvince;
    await q(`create temp table prov_names (i int primary key, name text)`);
    await q(`insert into prov_names select i, n from unnest($1::text[]) with ordinality as t(n, i)`, [provinceNames]);
    await q(`
      insert into org_units (id, parent_id, level, kind, name, track, path, created_at)
      values ('00000000-0000-4000-8000-000000000001', null, 1, 'national', '全国工作组', null, '/00000000-0000-4000-8000-000000000001/', now() - interval '3 years')`);
    await q(`
      insert into org_units (id, parent_id, level, kind, name, track, path, created_at)
      select id, '00000000-0000-4000-8000-000000000001', 2, 'province', n.name, null, '/00000000-0000-4000-8000-000000000001/' || id || '/', now() - interval '3 years'
      from (select gen_random_uuid() as id, g from generate_series(1, $1) g) p join prov_names n on n.i = p.g`, [P]);
    const addLevel = async (level: number, kind: string, per: number, nameSql: string, trackSql: string) => {
      await q(`
        insert into org_units (id, parent_id, level, kind, name, track, path, created_at)
        select c.id, c.pid, $1, $2, ${nameSql}, ${trackSql}, c.ppath || c.id || '/', now() - interval '3 years'
        from (select gen_random_uuid() as id, p.id as pid, p.path as ppath, p.name as pname, p.track as ptrack,
                     row_number() over (order by p.path, g) as rn, g
              from org_units p cross join generate_series(1, $3) g where p.level = $4) c`, [level, kind, per, level - 1]);
    };
    await addLevel(3, "city", C, `regexp_replace(c.pname, '(省|壮族自治区|回族自治区|自治区)$', '') || (array['东','西','南','北','中','新'])[(c.g - 1) % 6 + 1] || '州市'`, "null");
    await addLevel(4, "district", shape.districtsPerCity, `'第' || c.g || '区'`, "null");
    await addLevel(5, "site", shape.sitesPerDistrict, `case when c.g % 2 = 1 then '第' || c.g || '实验学校' else '第' || c.g || '街道社区心理服务站' end`, `case when c.g % 2 = 1 then 'campus' else 'community' end`);
    await addLevel(6, "group", shape.groupsPerSite, `case when c.ptrack = 'campus' then '初' || c.g || '年级（' || c.g || '）班' else '第' || c.g || '网格' end`, "c.ptrack");
    await q(`analyze org_units`);
    step("org tree");

    // ---- people
    const N = shape.trainees;
    await q(`create temp table leaf as select row_number() over (order by path) as rn, id, track, path from org_units where level >= 5`);
    await q(`create temp table cities as select row_number() over (order by path) as rn, id, path from org_units where level = 3`);
    await q(`
      create temp table trainees as
      select g as i, gen_random_uuid() as id, l.id as org_unit_id, l.track, l.path,
             -- 5 to 15 submissions each, mean ${shape.submissionsPerTrainee}
             greatest(1, least(15, $2 + ((g * 7919) % 11) - 5)) as n,
             -- days before today of the trainee's latest step: weighted to the recent
             floor(820 * power(random(), 2))::int as latest_days_ago,
             c.rn as city_rn
      from generate_series(1, $1) g
      join leaf l on l.rn = (g::bigint * 7919) % (select count(*) from leaf) + 1
      join cities c on c.id::text = split_part(l.path, '/', 4)`, [N, shape.submissionsPerTrainee]);
    await q(`alter table trainees add primary key (i)`);
    await q(`create index on trainees (id)`);
    await q(`
      insert into users (id, name, phone, email, org_unit_id, track, status, password_hash, created_at, updated_at, last_sign_in_at)
      select t.id,
             substr($1::text, (t.i % char_length($1::text))::int + 1, 1) || substr($2::text, ((t.i / 7) % char_length($2::text))::int + 1, 1)
               || case when t.i % 3 = 0 then '' else substr($2::text, ((t.i / 331) % char_length($2::text))::int + 1, 1) end,
             '139' || lpad(t.i::text, 8, '0'), null, t.org_unit_id, t.track,
             case when t.i % 50 = 0 then 'deactivated' else 'active' end,
             case when t.i % 7 = 0 then null else $3 end,
             now() - make_interval(days => t.latest_days_ago + t.n * 7 + 20),
             now() - make_interval(days => t.latest_days_ago),
             case when t.i % 7 = 0 then null else now() - make_interval(days => t.latest_days_ago, hours => t.i % 24) end
      from trainees t`, [surnames, givenChars, passwordHash]);
    await q(`insert into user_roles (user_id, role, granted_at) select id, 'trainee', now() - interval '2 years' from trainees`);
    // Mentors: one per track per city, serving their city.
    await q(`
      create temp table mentors as
      select row_number() over (order by c.rn, t.track) as m, gen_random_uuid() as id, c.id as city_id, c.path as city_path, c.rn as city_rn, t.track
      from cities c cross join (values ('campus'), ('community')) t(track)`);
    await q(`
      insert into users (id, name, phone, email, org_unit_id, track, status, password_hash, created_at, last_sign_in_at)
      select id, '导师' || substr($1::text, (m % char_length($1::text))::int + 1, 1) || m, null, 'mentor-' || m || '@scale.baicheng.org', city_id, track, 'active', $2,
             now() - interval '2 years', now() - make_interval(hours => (m % 48)::int)
      from mentors`, [surnames, passwordHash]);
    await q(`insert into user_roles (user_id, role, granted_at) select id, 'mentor', now() - interval '2 years' from mentors`);
    await q(`insert into mentor_units (mentor_id, org_unit_id, added_at) select id, city_id, now() - interval '2 years' from mentors`);
    // Admins: the programme's, and regional ones (provinces, then cities).
    await q(`
      create temp table admins as
      select 0 as a, gen_random_uuid() as id, '00000000-0000-4000-8000-000000000001'::uuid as unit, '项目管理员' as name, $1::text as email
      union all
      select row_number() over (order by path), gen_random_uuid(), id, name || '协调员', 'region-' || row_number() over (order by path) || '@scale.baicheng.org'
      from (select * from org_units where level = 2 order by path limit 3) p
      union all
      select 10 + row_number() over (order by path), gen_random_uuid(), id, name || '协调员', 'city-' || row_number() over (order by path) || '@scale.baicheng.org'
      from (select * from org_units where level = 3 order by path limit 2) c`, [scaleAdminEmail]);
    await q(`
      insert into users (id, name, email, org_unit_id, track, status, password_hash, created_at, last_sign_in_at)
      select id, name, email, unit, null, 'active', $1, now() - interval '3 years', now() - interval '1 hour' from admins`, [passwordHash]);
    await q(`insert into user_roles (user_id, role, granted_at) select id, 'admin', now() - interval '3 years' from admins`);
    step(`people: ${N.toLocaleString("en")} trainees, mentors, admins`);

    // ---- the plan: one row per submission, with its status and dates decided up front
    await q(`
      create temp table track_tasks (track text, tier text, k int, id text, version int, module_id text, type text,
        audience text[], min_people int, visits int, high jsonb, mid jsonb, low jsonb, quiz_pass int, quiz_fail int)`);
    for (const t of tasks) {
      await q(`insert into track_tasks values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`, [
        t.track, t.tier, t.k, t.id, t.version, t.module_id, t.type, t.audience, t.minPeople, t.visits,
        t.grades ? JSON.stringify(t.grades.high) : null, t.grades ? JSON.stringify(t.grades.mid) : null, t.grades ? JSON.stringify(t.grades.low) : null,
        t.quiz?.pass.length ?? 0, t.quiz?.fail.length ?? 0,
      ]);
    }
    await q(`create temp table quiz_templates (task_id text, passed boolean, idx int, answers jsonb, result jsonb, score int)`);
    for (const t of tasks) {
      if (!t.quiz) continue;
      for (const [passed, list] of [[true, t.quiz.pass], [false, t.quiz.fail]] as const) {
        for (const [idx, tpl] of list.entries()) {
          await q(`insert into quiz_templates values ($1, $2, $3, $4, $5, $6)`, [t.id, passed, idx, JSON.stringify(tpl.answers), JSON.stringify(tpl.result), tpl.score]);
        }
      }
    }
    await q(`
      create temp table plan as
      select gen_random_uuid() as id, t.i, t.id as user_id, t.org_unit_id, t.city_rn, tt.track, tt.tier, tt.k, t.n, tt.id as task_id, tt.version,
             tt.module_id, tt.type, tt.audience, tt.min_people, tt.visits, random() as r1, random() as r2, random() as r3,
             t.latest_days_ago, null::text as status
      from trainees t join track_tasks tt on tt.track = t.track and tt.k <= t.n`);
    // Waiting for a mentor: the latest work of randomly chosen trainees.
    await q(`
      update plan p set status = case when p.r2 < 0.4 then 'submitted' when p.r2 < 0.85 then 'in_review' else 'resubmitted' end
      from (select id from plan where type <> 'quiz' and k >= n - 1 order by r1 limit $1) w where w.id = p.id`, [shape.waiting]);
    await q(`
      update plan set status = case
        when k = n and r2 < 0.30 then 'draft'
        when k = n and r2 < 0.38 and type <> 'quiz' then 'returned'
        when r2 < 0.92 then 'passed'
        else 'not_passed' end
      where status is null`);
    await q(`
      alter table plan add column days_ago int, add column submitted_at timestamptz, add column decided_at timestamptz,
        add column created_at timestamptz, add column attempts int, add column score int, add column quiz_idx int`);
    await q(`
      update plan set
        days_ago = case when status in ('submitted', 'in_review', 'resubmitted') then floor(r3 * 40)::int
                        else least(latest_days_ago + (n - k) * 6, 1000) end,
        attempts = case when status = 'draft' then 0
                        when status = 'resubmitted' then 2
                        when type = 'quiz' and status = 'passed' and r3 < 0.15 then 2
                        when type <> 'quiz' and status = 'passed' and r3 < 0.08 then 2
                        else 1 end`);
    await q(`
      update plan set
        created_at = now() - make_interval(days => days_ago + 3, hours => (r1 * 20)::int),
        submitted_at = case when status = 'draft' then null else now() - make_interval(days => days_ago, hours => (r1 * 20)::int, mins => (r2 * 59)::int) end`);
    await q(`
      update plan set decided_at = case when status in ('passed', 'not_passed', 'returned')
        then least(submitted_at + make_interval(hours => case when type = 'quiz' then 0 else 4 + (r3 * 150)::int end, secs => 20), now() - interval '1 minute') end`);
    await q(`
      update plan p set quiz_idx = case when p.status = 'passed' then (p.r3 * 1000)::int % tt.quiz_pass else (p.r3 * 1000)::int % greatest(tt.quiz_fail, 1) end
      from track_tasks tt where tt.id = p.task_id and p.type = 'quiz' and p.status in ('passed', 'not_passed')`);
    await q(`
      update plan p set score = qt.score from quiz_templates qt
      where qt.task_id = p.task_id and qt.passed = (p.status = 'passed') and qt.idx = p.quiz_idx and p.type = 'quiz'`);
    await q(`
      update plan p set score = case when p.status = 'passed' and p.r3 < 0.5 then (tt.high->>'total')::int
                                     when p.status = 'passed' then (tt.mid->>'total')::int
                                     else (tt.low->>'total')::int end
      from track_tasks tt where tt.id = p.task_id and p.type <> 'quiz' and p.status in ('passed', 'not_passed')`);
    await q(`create index on plan (id)`);
    await q(`analyze plan`);
    step("plan of submissions");

    // ---- submissions
    await q(`
      insert into submissions (id, user_id, task_id, task_version, module_id, track, tier, type, status, body,
        activity_title, activity_date, org_unit_id, place, audience_type, people_reached, duration_minutes,
        consent_confirmed, showcase_consent, showcase_photos, score, attempts_used, submitted_at, decided_at,
        created_at, updated_at, activity_log)
      select p.id, p.user_id, p.task_id, p.version, p.module_id, p.track, p.tier, p.type, p.status,
        case p.type when 'quiz' then '{}'::jsonb
          when 'work_product' then jsonb_build_object('text', repeat('我在本校开展了心理健康教育实践，记录了学生的变化与反思。', 12))
          else jsonb_build_object('plan', '活动方案：面向' || p.audience[1] || '开展主题活动，分三个环节。', 'reflection', repeat('本次活动后我反思了组织方式与参与者的反馈，下一次会改进时间安排。', 4)) end,
        case when p.type = 'field_work' then '第' || p.k || '次实践活动' end,
        case when p.type = 'field_work' then (coalesce(p.submitted_at, p.created_at) - interval '2 days')::date end,
        case when p.type = 'field_work' then p.org_unit_id end,
        case when p.type = 'field_work' then '本校活动室' end,
        case when p.type = 'field_work' then p.audience[1 + (p.i % array_length(p.audience, 1))] end,
        case when p.type = 'field_work' then greatest(p.min_people, 5 + (p.r1 * 75)::int) end,
        case when p.type = 'field_work' then 45 + (p.r2 * 90)::int end,
        p.type = 'field_work', p.type = 'field_work' and p.r1 < 0.3, p.type = 'field_work' and p.r1 < 0.1,
        p.score, p.attempts, p.submitted_at, p.decided_at, p.created_at,
        coalesce(p.decided_at, p.submitted_at, p.created_at),
        case when p.type = 'field_work' and p.visits is not null then (
          select jsonb_agg(jsonb_build_object('date', ((coalesce(p.submitted_at, p.created_at) - make_interval(days => 2 + v * 7))::date)::text,
                                              'place', '社区活动室', 'audienceType', p.audience[1], 'peopleReached', greatest(1, (p.min_people / p.visits) + 2),
                                              'durationMinutes', 60) order by v)
          from generate_series(1, p.visits) v) end
      from plan p`);
    step("submissions");

    // ---- evidence: photos (and a sign-in sheet) of field work, a document for some written work; the
    // rows only (no bytes in storage: pages list them, a download would not find the file)
    await q(`
      insert into evidence_files (submission_id, owner_id, kind, storage_key, thumbnail_key, mime_type, size_bytes, sha256,
        original_name, width, height, created_at, thumbnail_size_bytes)
      select p.id, p.user_id, f.kind, 'evidence/' || p.id || '/' || f.n || f.ext, case when f.kind = 'photo' then 'thumbs/' || p.id || '/' || f.n || '.webp' end,
             f.mime, 180000 + (p.r1 * 900000)::int, md5(p.id::text || f.n) || md5(f.n || p.id::text), f.name,
             case when f.kind = 'photo' then 1600 end, case when f.kind = 'photo' then 1200 end, p.created_at + interval '1 hour',
             case when f.kind = 'photo' then 24000 end
      from plan p
      cross join lateral (
        select 'photo' as kind, 1 as n, '.jpg' as ext, 'image/jpeg' as mime, '活动照片1.jpg' as name where p.type = 'field_work'
        union all select 'photo', 2, '.jpg', 'image/jpeg', '活动照片2.jpg' where p.type = 'field_work' and p.r2 < 0.6
        union all select 'sign_in_sheet', 3, '.pdf', 'application/pdf', '签到表.pdf' where p.type = 'field_work' and p.r3 < 0.3
        union all select 'document', 4, '.pdf', 'application/pdf', '作品附件.pdf' where p.type = 'work_product' and p.r3 < 0.3
      ) f
      where p.status <> 'draft' or p.r1 < 0.5`);
    step("evidence files");

    // ---- quiz attempts (every submit of a quiz; the last one scored as the submission stands)
    await q(`
      insert into quiz_attempts (submission_id, attempt, answers, score, result, submitted_at, scored_at)
      select p.id, a, coalesce(qt.answers, '{}'::jsonb),
             case when a = p.attempts then p.score else f.score end,
             case when a = p.attempts then qt.result else f.result end,
             p.submitted_at - make_interval(days => (p.attempts - a)), p.submitted_at - make_interval(days => (p.attempts - a)) + interval '3 seconds'
      from plan p
      join quiz_templates qt on qt.task_id = p.task_id and qt.passed = (p.status = 'passed') and qt.idx = p.quiz_idx
      left join quiz_templates f on f.task_id = p.task_id and not f.passed and f.idx = 0
      cross join generate_series(1, p.attempts) a
      where p.type = 'quiz' and p.status in ('passed', 'not_passed')`);
    step("quiz attempts");

    // ---- mentor assignments and grades (the mentor of the trainee's city and track)
    await q(`
      insert into submission_assignments (submission_id, mentor_id, role, assigned_at, assigned_by, released_at)
      select p.id, m.id, 'marker', p.submitted_at + interval '1 minute', null, null
      from plan p join mentors m on m.city_rn = p.city_rn and m.track = p.track
      where p.type <> 'quiz' and p.status <> 'draft'`);
    await q(`
      insert into grades (submission_id, mentor_id, role, task_version, criteria, total, decision, comment, seen_version, round, created_at)
      select p.id, m.id, 'marker', p.version, g.tpl->'criteria', (g.tpl->>'total')::int, g.decision, g.comment,
             to_char(g.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), g.round, g.at
      from plan p join mentors m on m.city_rn = p.city_rn and m.track = p.track
      join track_tasks tt on tt.id = p.task_id
      cross join lateral (
        -- a returned first round, for work resubmitted or passed at the second try
        select tt.low as tpl, 'return' as decision, '请补充活动反思与证据后再提交。' as comment, 1 as round, p.submitted_at - interval '3 days' as at
        where p.attempts = 2
        union all
        select case when p.status = 'passed' and p.r3 < 0.5 then tt.high when p.status = 'passed' then tt.mid else tt.low end,
               case p.status when 'passed' then 'pass' when 'not_passed' then 'not_pass' else 'return' end,
               case p.status when 'returned' then '请补充活动反思与证据后再提交。' else '完成得很认真。' end,
               p.attempts, p.decided_at
        where p.status in ('passed', 'not_passed', 'returned')
      ) g
      where p.type <> 'quiz'`);
    step("assignments and grades");

    // ---- events: every move, by whom
    await q(`
      insert into submission_events (submission_id, from_status, to_status, actor_id, note, created_at)
      select e.submission_id, e.from_status, e.to_status, e.actor_id, e.note, e.at
      from (
        select p.id as submission_id, m.id as mentor_id, p.* from plan p
        left join mentors m on m.city_rn = p.city_rn and m.track = p.track
        where p.status <> 'draft'
      ) p
      cross join lateral (
        select p.submission_id, 'draft' as from_status, 'submitted' as to_status, p.user_id as actor_id, null as note,
               case when p.attempts = 2 then p.submitted_at - interval '6 days' else p.submitted_at end as at, 1 as o
        union all
        select p.submission_id, 'submitted', 'in_review', p.mentor_id, null, p.submitted_at - interval '5 days', 2 where p.attempts = 2 and p.type <> 'quiz'
        union all
        select p.submission_id, 'in_review', 'returned', p.mentor_id, '请补充活动反思与证据后再提交。', p.submitted_at - interval '3 days', 3 where p.attempts = 2 and p.type <> 'quiz'
        union all
        select p.submission_id, 'returned', 'resubmitted', p.user_id, null, p.submitted_at, 4 where p.attempts = 2 and p.type <> 'quiz'
        union all
        select p.submission_id, 'submitted', 'not_passed', null, null, p.submitted_at - interval '1 day' + interval '3 seconds', 2 where p.attempts = 2 and p.type = 'quiz'
        union all
        select p.submission_id, 'not_passed', 'resubmitted', p.user_id, null, p.submitted_at, 3 where p.attempts = 2 and p.type = 'quiz'
        union all
        select p.submission_id, case when p.attempts = 2 then 'resubmitted' else 'submitted' end, 'in_review', p.mentor_id, null,
               coalesce(p.decided_at - interval '1 minute', p.submitted_at + interval '2 hours'), 5
        where p.type <> 'quiz' and p.status in ('in_review', 'passed', 'not_passed', 'returned')
        union all
        select p.submission_id, case when p.type = 'quiz' then case when p.attempts = 2 then 'resubmitted' else 'submitted' end else 'in_review' end,
               p.status, case when p.type = 'quiz' then null else p.mentor_id end,
               case when p.status = 'returned' then '请补充活动反思与证据后再提交。' end, p.decided_at, 6
        where p.status in ('passed', 'not_passed', 'returned')
      ) e
      order by e.at, e.o`);
    step("submission events");

    // ---- what trainees read
    await q(`
      insert into module_progress (user_id, module_id, read_at)
      select distinct on (p.user_id, p.module_id) p.user_id, p.module_id, p.created_at - interval '1 hour'
      from plan p order by p.user_id, p.module_id, p.created_at`);
    step("module progress");

    // Recreate the indexes now: eligibility below reads by trainee.
    await q("set session_replication_role = origin");
    for (const i of dropped) await q(i.indexdef);
    // Generated rows went in with triggers off: each person's last activity is computed as the migration does.
    await q(backfillUserActivitySql);
    await q(recountMentorOpenLoadsSql);
    for (const statement of backfillMentorQueueCopiesSql) await q(statement);
    await q("analyze");
    step(`recreated ${dropped.length} indexes, last activity, open loads, analyzed`);

    // ---- eligibility: the app's own rule over each (trainee, track, tier) with a decided submission
    const versionsByTier = ruleVersions(catalog);
    const decided = await q(`
      select user_id, track, tier, max(decided_at) as last,
             json_agg(json_build_array(task_id, type, status, score, people_reached)) as results
      from submissions where status in ('passed', 'not_passed') group by user_id, track, tier`);
    const keys = { user: [] as string[], track: [] as string[], tier: [] as string[], eligible: [] as boolean[], missing: [] as string[], version: [] as string[], at: [] as Date[] };
    for (const row of decided.rows as Array<{ user_id: string; track: "campus" | "community"; tier: TierId; last: Date; results: Array<[string, "quiz" | "work_product" | "field_work", "passed" | "not_passed", number | null, number | null]> }>) {
      const result = evaluateFor(catalog, { track: row.track, tier: row.tier }, row.results.map(([taskId, type, status, score, peopleReached]) => ({ taskId, type, status, score, peopleReached })));
      keys.user.push(row.user_id);
      keys.track.push(row.track);
      keys.tier.push(row.tier);
      keys.eligible.push(result.eligible);
      keys.missing.push(JSON.stringify(result.eligible ? [] : result.missing));
      keys.version.push(versionsByTier[row.tier]);
      keys.at.push(new Date(Math.min(Date.now() - 1000, new Date(row.last).getTime() + 60_000)));
    }
    for (let from = 0; from < keys.user.length; from += 20_000) {
      const to = from + 20_000;
      await q(
        `insert into eligibility (user_id, track, tier, eligible, missing, rule_version, evaluated_at)
         select * from unnest($1::uuid[], $2::text[], $3::text[], $4::boolean[], $5::jsonb[], $6::text[], $7::timestamptz[])`,
        [keys.user.slice(from, to), keys.track.slice(from, to), keys.tier.slice(from, to), keys.eligible.slice(from, to), keys.missing.slice(from, to), keys.version.slice(from, to), keys.at.slice(from, to)],
      );
    }
    step(`eligibility: ${keys.user.length.toLocaleString("en")} keys, ${keys.eligible.filter(Boolean).length.toLocaleString("en")} eligible`);

    // ---- certificates: 85 % of the eligible; some revoked, some superseded by a reissue
    const national = (await q(`select id from admins where a = 0`)).rows[0]!.id as string;
    await q(`
      insert into certificate_batches (id, created_by, created_at, total)
      select gen_random_uuid(), $1, now() - make_interval(days => d * 7), 0 from generate_series(0, 150) d`, [national]);
    await q(`
      create temp table cert_plan as
      select row_number() over (order by e.evaluated_at, e.user_id, e.tier) as rn, gen_random_uuid() as id, e.user_id, e.track, e.tier,
             u.name, least(e.evaluated_at + interval '2 days', now() - interval '1 hour') as issued_at, random() as r
      from eligibility e join users u on u.id = e.user_id
      where e.eligible and u.status = 'active' and random() < 0.85`);
    await q(`
      alter table cert_plan add column status text, add column batch_id uuid, add column valid_years int, add column reissue_id uuid`);
    const validYears = Object.fromEntries(catalog.program.tiers.map((t) => [t.id, t.certificate.validYears ?? 0]));
    await q(`
      update cert_plan set status = case when r < 0.03 then 'revoked' when r < 0.05 then 'superseded' else 'issued' end,
        valid_years = ($1::jsonb ->> tier)::int,
        reissue_id = case when r >= 0.03 and r < 0.05 then gen_random_uuid() end`, [JSON.stringify(validYears)]);
    await q(`
      update cert_plan c set batch_id = b.id from (select id, created_at, row_number() over (order by created_at) as bn from certificate_batches) b
      where b.bn = 1 + (c.rn % 151)`);
    // Certificate numbers: BC-<year>-XXXX-XXXX from rn through a bijection of 40 bits, so never twice.
    const numberSql = (rnSql: string, atSql: string) => `'BC-' || extract(year from ${atSql})::int || '-' ||
      (select string_agg(substr('${crockford}', (((${rnSql}::bigint * 2654435761) % 1099511627776) >> (5 * k) & 31)::int + 1, 1), '' order by k desc) from generate_series(4, 7) k) || '-' ||
      (select string_agg(substr('${crockford}', (((${rnSql}::bigint * 2654435761) % 1099511627776) >> (5 * k) & 31)::int + 1, 1), '' order by k desc) from generate_series(0, 3) k)`;
    const count = Number((await q(`select count(*) from cert_plan`)).rows[0]!.count);
    // The reissues first: the superseded certificates point at them.
    await q(`
      insert into certificates (id, number, user_id, track, tier, status, name_on_certificate, issued_at, issued_by, valid_until,
        batch_id, pdf_key, rendered_at, status_number)
      select c.reissue_id, ${`${numberSql(`(c.rn + ${count})`, "c.issued_at")}`}, c.user_id, c.track, c.tier, 'issued', c.name,
             c.issued_at + interval '10 days', $1, case when c.valid_years > 0 then c.issued_at + make_interval(years => c.valid_years) end,
             null, 'certificates/' || c.reissue_id || '.pdf', c.issued_at + interval '10 days 1 minute',
             ((c.rn + $2 - 1) / 65536) * 131072 + ((c.rn + $2 - 1) % 65536) * 2
      from cert_plan c where c.reissue_id is not null`, [national, count]);
    await q(`
      insert into certificates (id, number, user_id, track, tier, status, name_on_certificate, issued_at, issued_by, valid_until,
        revoked_at, revoked_reason, revoked_note, superseded_by, batch_id, pdf_key, credential, rendered_at, render_error, status_number)
      select c.id, ${numberSql("c.rn", "c.issued_at")}, c.user_id, c.track, c.tier, c.status,
             case when c.status = 'superseded' then c.name || '（旧名）' else c.name end,
             c.issued_at, $1, case when c.valid_years > 0 then c.issued_at + make_interval(years => c.valid_years) end,
             case when c.status = 'revoked' then c.issued_at + interval '30 days' end,
             case when c.status = 'revoked' then '证书信息有误，已撤销。' end,
             case when c.status = 'revoked' then '内部记录：核查后撤销。' end,
             c.reissue_id, c.batch_id,
             case when c.r < 0.95 then 'certificates/' || c.id || '.pdf' end, null,
             case when c.r < 0.95 then c.issued_at + interval '1 minute' end,
             case when c.r >= 0.95 and c.r < 0.96 then 'font missing' end,
             ((c.rn - 1) / 65536) * 131072 + ((c.rn - 1) % 65536) * 2
      from cert_plan c`, [national]);
    await q(`update certificate_batches b set total = (select count(*) from certificates c where c.batch_id = b.id)`);
    await q(`delete from certificate_batches b where total = 0`);
    await q(`
      insert into credential_status_lists (list, allocated, capacity)
      select status_number / 131072, count(*), 65536 from certificates group by 1`);
    step("certificates");

    // ---- audit events, notifications, showcase, milestones, exports
    await q(`
      insert into audit_events (at, actor_id, action, target_type, target_id, ip, details, scope_path)
      select e.at, e.actor, e.action, e.target_type, e.target_id, '10.0.0.1', e.details, e.scope_path from (
        select u.last_sign_in_at - make_interval(days => g * 9) as at, u.id as actor, 'login.succeeded' as action, 'user' as target_type, u.id::text as target_id,
               '{}'::jsonb as details, o.path as scope_path
        from users u join org_units o on o.id = u.org_unit_id cross join generate_series(0, 2) g where u.last_sign_in_at is not null
        union all
        select c.issued_at, c.issued_by, 'certificate.issued', 'certificate', c.id::text,
               jsonb_build_object('number', c.number, 'userId', c.user_id, 'track', c.track, 'tier', c.tier, 'batchId', c.batch_id), o.path
        from certificates c join users u on u.id = c.user_id join org_units o on o.id = u.org_unit_id
        union all
        select c.revoked_at, c.issued_by, 'certificate.revoked', 'certificate', c.id::text,
               jsonb_build_object('number', c.number, 'userId', c.user_id, 'reason', c.revoked_reason, 'note', c.revoked_note), o.path
        from certificates c join users u on u.id = c.user_id join org_units o on o.id = u.org_unit_id where c.status = 'revoked'
      ) e order by e.at`);
    await q(`
      insert into notifications (id, user_id, kind, payload, created_at, read_at)
      select 'cert-issued-' || c.id, c.user_id, 'certificate.issued',
             jsonb_build_object('certificateId', c.id, 'number', c.number, 'track', c.track, 'tier', c.tier), c.issued_at,
             case when random() < 0.7 then c.issued_at + interval '1 day' end
      from certificates c`);
    await q(`
      insert into showcase_items (submission_id, nominated_by, nominated_at, reason, status, decided_by, decided_at)
      select s.id, a.mentor_id, s.decided_at, '活动设计完整，反思深入。',
             case when random() < 0.7 then 'approved' when random() < 0.5 then 'rejected' else 'nominated' end, $1, s.decided_at + interval '2 days'
      from submissions s join submission_assignments a on a.submission_id = s.id
      where s.type = 'field_work' and s.status = 'passed' and s.showcase_consent and random() < 0.04`, [national]);
    await q(`update showcase_items set decided_by = null, decided_at = null where status = 'nominated'`);
    await q(`
      insert into org_milestones (org_unit_id, milestone, evidence, marked_by, marked_at)
      select x.id, x.m, '学校已完成心理健康教育规范化建设自评与复核。', $1, now() - make_interval(days => (x.r * 4000)::int % 400)
      from (select o.id, v.m, random() as r from org_units o cross join (values ('standardised'), ('distinctive')) v(m) where o.level = 5) x
      where x.r < case when x.m = 'standardised' then 0.2 else 0.05 end`, [national]);
    await q(`
      insert into exports (kind, params, status, rows_total, rows_done, file_key, created_by, created_at, finished_at)
      select case when g % 3 = 0 then 'indicators' else 'trainees' end, '{}'::jsonb,
             case when g % 50 = 0 then 'failed' else 'done' end, 1000, 1000,
             case when g % 50 = 0 then null else 'exports/' || gen_random_uuid() || '.csv' end,
             (select id from admins order by a offset (g % (select count(*) from admins)) limit 1),
             now() - make_interval(hours => g * 7), now() - make_interval(hours => g * 7) + interval '1 minute'
      from generate_series(1, $1) g`, [Math.max(20, Math.round(N / 50))]);
    await q("analyze");
    step("audit, notifications, showcase, milestones, exports");

    const counts: Record<string, number> = {};
    for (const table of ["org_units", "users", "user_roles", "mentor_units", "submissions", "evidence_files", "submission_events", "quiz_attempts", "grades", "submission_assignments", "eligibility", "certificates", "audit_events", "notifications", "module_progress", "showcase_items", "org_milestones", "exports"]) {
      counts[table] = Number((await q(`select count(*) from ${table}`)).rows[0]!.count);
    }
    const waiting = await q(`
      select count(*) from submissions s where s.type <> 'quiz' and s.status in ('submitted', 'in_review', 'resubmitted')
      and exists (select 1 from submission_assignments a where a.submission_id = s.id and a.released_at is null)`);
    counts["waiting (assigned)"] = Number(waiting.rows[0]!.count);
    // Every decision above has its evaluation: the page-load catch-up starts from now.
    await q(`update eligibility_catchup set checked_until = now()`);
    await q(`comment on database "${name}" is '${readyMark(size)}'`);
    const seconds = (performance.now() - started) / 1000;
    log(`built ${size} in ${seconds.toFixed(1)} s:`);
    for (const [table, n] of Object.entries(counts)) log(`  ${table.padEnd(24)} ${n.toLocaleString("en").padStart(12)}`);
    return { size, database: name, seconds, counts };
  } finally {
    await client.end();
  }
}

function sizeFromArgs(argv: string[]): ScaleSize {
  const i = argv.indexOf("--size");
  const value = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith("--size="))?.slice(7);
  if (value === "full" || value === "small") return value;
  throw new Error("usage: npx tsx tests/perf/scale-data.ts --size full|small");
}

if (process.argv[1]?.endsWith("scale-data.ts")) {
  try {
    await buildScaleDatabase(sizeFromArgs(process.argv.slice(2)));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
