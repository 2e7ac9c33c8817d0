import { sql } from "kysely";
import type { Indicator, TrackId } from "~/catalog/schema";
import type { MonthFigure, YearWindow } from "~/domain/outcomes";
import type { Db } from "./types";
import type { OrgMilestoneTable } from "../../db/schema";

// Every figure is derived from approved rows. The figure and its drill-down list come from the same
// query (`evidenceRows`), so they always agree.
export interface Scope {
  track: TrackId;
  /** Materialised path of the region: rows in its subtree count. */
  regionPath: string;
  window: YearWindow;
}

/** What a base query is narrowed to: the dashboard's scope, or nothing at all for the recomputation. */
interface Narrowing {
  track?: TrackId;
  regionPath: string;
  window?: YearWindow;
}

export interface EvidenceRow {
  id: string;
  label: string;
  who: string;
  org: string | null;
  date: string;
  amount: number;
  link: string | null;
}

const day = (d: Date | string) => (typeof d === "string" ? d.slice(0, 10) : d.toISOString().slice(0, 10));

const startOf = (date: string) => new Date(`${date}T00:00:00+08:00`);

// One filtered base query per kind of indicator: the figure aggregates it, the drill-down lists it, and
// the recomputation the kept summaries are checked against (recomputeOutcomeFigures) groups it.
function certifiedBase(db: Db, tier: string | null, scope: Narrowing) {
  return db
    .selectFrom("certificates as c")
    .innerJoin("users as u", "u.id", "c.user_id")
    .innerJoin("org_units as o", "o.id", "u.org_unit_id")
    .where("c.status", "=", "issued")
    .$if(scope.track !== undefined, (q) => q.where("c.track", "=", scope.track!))
    .$if(tier !== null, (q) => q.where("c.tier", "=", tier as "foundation"))
    .where("o.path", "like", `${scope.regionPath}%`)
    .$if(scope.window !== undefined, (q) => q.where("c.issued_at", ">=", startOf(scope.window!.from)).where("c.issued_at", "<", startOf(scope.window!.to)));
}

function peopleBase(db: Db, audienceTypes: readonly string[] | null, scope: Narrowing) {
  return db
    .selectFrom("submissions as s")
    .innerJoin("org_units as o", "o.id", "s.org_unit_id")
    .where("s.type", "=", "field_work")
    .where("s.status", "=", "passed")
    .$if(scope.track !== undefined, (q) => q.where("s.track", "=", scope.track!))
    .$if(audienceTypes !== null, (q) => q.where("s.audience_type", "in", audienceTypes as string[]))
    .$if(audienceTypes === null, (q) => q.where("s.audience_type", "is not", null))
    .where("o.path", "like", `${scope.regionPath}%`)
    .$if(scope.window !== undefined, (q) => q.where("s.activity_date", ">=", scope.window!.from).where("s.activity_date", "<", scope.window!.to))
    .$if(scope.window === undefined, (q) => q.where("s.activity_date", "is not", null));
}

function milestoneBase(db: Db, milestone: "standardised" | "distinctive" | null, scope: Narrowing) {
  return (
    db
      .selectFrom("org_milestones as ms")
      .innerJoin("org_units as o", "o.id", "ms.org_unit_id")
      .$if(milestone !== null, (q) => q.where("ms.milestone", "=", milestone!))
      .where("ms.withdrawn_at", "is", null)
      .$if(scope.track !== undefined, (q) => q.where("o.track", "=", scope.track!))
      .$if(scope.track === undefined, (q) => q.where("o.track", "is not", null))
      .where("o.path", "like", `${scope.regionPath}%`)
      // A milestone is a state an organisation keeps: it counts in the year it was reached and after.
      .$if(scope.window !== undefined, (q) => q.where("ms.marked_at", "<", startOf(scope.window!.to)))
  );
}

function showcaseBase(db: Db, scope: Narrowing) {
  return db
    .selectFrom("showcase_items as si")
    .innerJoin("submissions as s", "s.id", "si.submission_id")
    .innerJoin("users as u", "u.id", "s.user_id")
    .innerJoin("org_units as o", "o.id", "u.org_unit_id")
    .where("si.status", "=", "approved")
    .where("s.showcase_consent", "=", true)
    .$if(scope.track !== undefined, (q) => q.where("s.track", "=", scope.track!))
    .where("o.path", "like", `${scope.regionPath}%`)
    .$if(scope.window !== undefined, (q) => q.where("si.decided_at", ">=", startOf(scope.window!.from)).where("si.decided_at", "<", startOf(scope.window!.to)))
    .$if(scope.window === undefined, (q) => q.where("si.decided_at", "is not", null));
}

/**
 * The figure of one indicator in a scope, counted from the source rows: the aggregate over the rows the
 * drill-down lists. The pages read the kept summaries (summaryFigures); this is the reference they are
 * checked against, and what the indicator export and the benchmark's "before" use.
 */
export async function indicatorFigure(db: Db, indicator: Indicator, scope: Scope): Promise<number> {
  const m = indicator.measure;
  const count = sql<number>`count(*)`.as("n");
  const row =
    m.kind === "certified_trainees"
      ? await certifiedBase(db, m.tier, scope).select(count).executeTakeFirstOrThrow()
      : m.kind === "people_reached"
        ? await peopleBase(db, m.audienceTypes, scope).select(sql<number>`coalesce(sum(s.people_reached), 0)`.as("n")).executeTakeFirstOrThrow()
        : m.kind === "org_milestone"
          ? await milestoneBase(db, m.milestone, scope).select(count).executeTakeFirstOrThrow()
          : await showcaseBase(db, scope).select(count).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The figure month by month within the year (milestones by the month they were marked). */
export async function indicatorTrend(db: Db, indicator: Indicator, scope: Scope): Promise<Array<{ month: string; value: number }>> {
  const m = indicator.measure;
  const month = (column: string) => sql<string>`to_char(date_trunc('month', ${sql.ref(column)}), 'YYYY-MM')`.as("month");
  const count = sql<number>`count(*)`.as("n");
  const rows =
    m.kind === "certified_trainees"
      ? await certifiedBase(db, m.tier, scope).select([month("c.issued_at"), count]).groupBy("month").execute()
      : m.kind === "people_reached"
        ? await peopleBase(db, m.audienceTypes, scope).select([month("s.activity_date"), sql<number>`coalesce(sum(s.people_reached), 0)`.as("n")]).groupBy("month").execute()
        : m.kind === "org_milestone"
          ? await milestoneBase(db, m.milestone, scope).where("ms.marked_at", ">=", startOf(scope.window.from)).select([month("ms.marked_at"), count]).groupBy("month").execute()
          : await showcaseBase(db, scope).select([month("si.decided_at"), count]).groupBy("month").execute();
  const byMonth = new Map(rows.map((r) => [r.month, Number(r.n)]));
  const months: string[] = [];
  const [y, mo] = scope.window.from.split("-").map(Number) as [number, number];
  for (let i = 0; i < 12; i++) {
    const d = new Date(Date.UTC(y, mo - 1 + i, 1));
    months.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`);
  }
  return months.map((key) => ({ month: key, value: byMonth.get(key) ?? 0 }));
}

/** Where a page of the drill-down starts: after the row with this sort key (from the previous page). */
export type EvidenceCursor = string;

function parseCursor(after: EvidenceCursor | undefined): { at: string; id: string } | null {
  if (!after) return null;
  const [at, id] = after.split("~");
  if (!at || !id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(Date.parse(at))) return null;
  return { at, id };
}

const cursorOf = (at: Date | string, id: string): EvidenceCursor => `${typeof at === "string" ? at : at.toISOString()}~${id}`;

/**
 * The rows behind an indicator's figure, oldest first, a page at a time (keyset: `after` is the last
 * row's cursor). Every page's rows are rows of the figure's base query.
 */
export async function evidenceRows(db: Db, indicator: Indicator, scope: Scope, limit = 100_000, after?: EvidenceCursor): Promise<Array<EvidenceRow & { cursor: EvidenceCursor }>> {
  const m = indicator.measure;
  const from = parseCursor(after);
  const past = (at: string, id: string) => (from ? sql<boolean>`(${sql.ref(at)}, ${sql.ref(id)}) > (${from.at}, ${from.id}::uuid)` : sql<boolean>`true`);
  if (m.kind === "certified_trainees") {
    const rows = await certifiedBase(db, m.tier, scope)
      .select(["c.id", "c.number", "c.name_on_certificate", "c.issued_at", "o.name as org"])
      .where(past("c.issued_at", "c.id"))
      .orderBy("c.issued_at")
      .orderBy("c.id")
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, label: r.number, who: r.name_on_certificate, org: r.org, date: day(r.issued_at), amount: 1, link: `/verify/${r.number}`, cursor: cursorOf(r.issued_at, r.id) }));
  }
  if (m.kind === "people_reached") {
    const rows = await peopleBase(db, m.audienceTypes, scope)
      .innerJoin("users as u", "u.id", "s.user_id")
      .select(["s.id", "s.activity_title", "s.activity_date", "s.people_reached", "u.name", "o.name as org"])
      .where(past("s.activity_date", "s.id"))
      .orderBy("s.activity_date")
      .orderBy("s.id")
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      label: r.activity_title ?? "",
      who: r.name,
      org: r.org,
      date: r.activity_date ?? "",
      amount: r.people_reached ?? 0,
      link: `/mentor/submissions/${r.id}`,
      cursor: cursorOf(r.activity_date ?? "", r.id),
    }));
  }
  if (m.kind === "org_milestone") {
    const rows = await milestoneBase(db, m.milestone, scope)
      .select(["ms.id", "ms.marked_at", "ms.evidence", "o.name as org"])
      .where(past("ms.marked_at", "ms.id"))
      .orderBy("ms.marked_at")
      .orderBy("ms.id")
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, label: r.evidence.slice(0, 80), who: r.org, org: r.org, date: day(r.marked_at), amount: 1, link: null, cursor: cursorOf(r.marked_at, r.id) }));
  }
  const rows = await showcaseBase(db, scope)
    .select(["s.id", "s.activity_title", "s.task_id", "si.decided_at", "u.name", "o.name as org"])
    .where(past("si.decided_at", "s.id"))
    .orderBy("si.decided_at")
    .orderBy("s.id")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, label: r.activity_title ?? r.task_id, who: r.name, org: r.org, date: r.decided_at ? day(r.decided_at) : "", amount: 1, link: `/showcase/${r.id}`, cursor: cursorOf(r.decided_at ?? "", r.id) }));
}

/** One kept figure: a unit's (and its subtree's) amount of a measure in a month. */
export interface FigureRow {
  org_unit_id: string;
  track: TrackId;
  measure: string;
  month: string;
  value: number;
}

/**
 * The kept figures of these regions for a track in a programme year (and milestones of earlier months:
 * they count from the month marked). A few hundred rows per region, read by primary key.
 */
/** Every milestone measure (org_milestones.milestone allows these two). */
const milestoneMeasures = (["standardised", "distinctive"] as const satisfies readonly OrgMilestoneTable["milestone"][]).map((kind) => `milestone:${kind}`);

export async function summaryFigures(db: Db, input: { unitIds: string[]; track: TrackId; from: string; before: string }): Promise<Map<string, MonthFigure[]>> {
  const byUnit = new Map<string, MonthFigure[]>(input.unitIds.map((id) => [id, []]));
  if (input.unitIds.length === 0) return byUnit;
  const rows = await db
    .selectFrom("outcome_figures")
    .select(["org_unit_id", "measure", sql<string>`to_char(month, 'YYYY-MM-DD')`.as("month"), "value"])
    .where("org_unit_id", "in", input.unitIds)
    .where("track", "=", input.track)
    .where("month", "<", input.before)
    // Only milestones count before the year (they are a state kept); the rest only within it. Each
    // milestone measure named, so both halves are ranges of the key, not a filter of every earlier month.
    .where((eb) => eb.or([eb("month", ">=", input.from), eb.and([eb("measure", "in", milestoneMeasures), eb("month", "<", input.from)])]))
    .where("value", "<>", 0)
    .execute();
  for (const r of rows) byUnit.get(r.org_unit_id)?.push({ measure: r.measure, month: r.month, value: Number(r.value) });
  return byUnit;
}

/**
 * Every kept figure recomputed from the source rows, with the same base queries the figures and
 * drill-downs use: each row's own unit, rolled up to every ancestor. The nightly check compares the
 * kept rows with this; the tests compare them after every kind of change.
 */
function recomputation(db: Db) {
  const all: Narrowing = { regionPath: "" };
  const month = (expr: ReturnType<typeof sql>) => sql<string>`${expr}`.as("month");
  const people = peopleBase(db, null, all).select([
    "o.path",
    "s.track",
    sql<string>`'people:' || s.audience_type`.as("measure"),
    month(sql`date_trunc('month', s.activity_date)::date`),
    sql<number>`coalesce(s.people_reached, 0)::bigint`.as("value"),
  ]);
  const certified = certifiedBase(db, null, all).select(["o.path", "c.track", sql<string>`'certified:' || c.tier`.as("measure"), month(sql`outcome_month(c.issued_at)`), sql<number>`1::bigint`.as("value")]);
  const milestones = milestoneBase(db, null, all).select(["o.path", "o.track", sql<string>`'milestone:' || ms.milestone`.as("measure"), month(sql`outcome_month(ms.marked_at)`), sql<number>`1::bigint`.as("value")]);
  const showcase = showcaseBase(db, all).select(["o.path", "s.track", sql<string>`'showcase'`.as("measure"), month(sql`outcome_month(si.decided_at)`), sql<number>`1::bigint`.as("value")]);
  return sql<FigureRow>`
    select a.id::uuid as org_unit_id, own.track, own.measure, own.month, sum(own.value)::bigint as value
    from (${people} union all ${certified} union all ${milestones} union all ${showcase}) as own
    cross join lateral unnest(string_to_array(trim(both '/' from own.path), '/')) as a(id)
    where own.path like '/%'
    group by 1, 2, 3, 4`;
}

/** The figures as they should be, recomputed from the source rows (zero rows left out). */
export async function recomputeOutcomeFigures(db: Db): Promise<FigureRow[]> {
  const { rows } = await sql<FigureRow>`select org_unit_id, track, measure, to_char(month, 'YYYY-MM-DD') as month, value from (${recomputation(db)}) r where value <> 0 order by 1, 2, 3, 4`.execute(db);
  return rows.map((r) => ({ ...r, value: Number(r.value) }));
}

/** The kept figures (zero rows left out), in the same order as recomputeOutcomeFigures. */
export async function keptOutcomeFigures(db: Db): Promise<FigureRow[]> {
  const rows = await db
    .selectFrom("outcome_figures")
    .select(["org_unit_id", "track", "measure", sql<string>`to_char(month, 'YYYY-MM-DD')`.as("month"), "value"])
    .where("value", "<>", 0)
    .orderBy("org_unit_id")
    .orderBy("track")
    .orderBy("measure")
    .orderBy("month")
    .execute();
  return rows.map((r) => ({ ...r, value: Number(r.value) }));
}

export interface DriftRow {
  org_unit_id: string;
  track: string;
  measure: string;
  month: string;
  kept: number;
  fresh: number;
}

/**
 * The nightly consistency check: recomputes every figure from the source rows, sets each kept row that
 * differs to its recomputed value, and records the run. Writers wait while it runs (the table is locked
 * against writes, not reads), so a decision committed during the check is neither missed nor taken for
 * drift. Call it in a transaction.
 */
export async function checkOutcomeFigures(trx: Db, startedAt: Date): Promise<{ rowsChecked: number; drift: DriftRow[] }> {
  await sql`lock table outcome_figures in exclusive mode`.execute(trx);
  const { rows } = await sql<DriftRow>`
    with fresh as (${recomputation(trx)}),
    drift as (
      select coalesce(k.org_unit_id, f.org_unit_id) as org_unit_id, coalesce(k.track, f.track) as track, coalesce(k.measure, f.measure) as measure,
             coalesce(k.month, f.month) as month, coalesce(k.value, 0) as kept, coalesce(f.value, 0) as fresh
      from outcome_figures k
      full join fresh f on f.org_unit_id = k.org_unit_id and f.track = k.track and f.measure = k.measure and f.month = k.month
      where coalesce(k.value, 0) <> coalesce(f.value, 0)
    ),
    repaired as (
      insert into outcome_figures (org_unit_id, track, measure, month, value)
      select org_unit_id, track, measure, month, fresh from drift
      on conflict (org_unit_id, track, measure, month) do update set value = excluded.value
      returning 1
    )
    select org_unit_id, track, measure, to_char(month, 'YYYY-MM-DD') as month, kept, fresh from drift order by org_unit_id, track, measure, month`.execute(trx);
  const drift = rows.map((r) => ({ ...r, kept: Number(r.kept), fresh: Number(r.fresh) }));
  const counted = await trx.selectFrom("outcome_figures").select(sql<number>`count(*)`.as("n")).where("value", "<>", 0).executeTakeFirstOrThrow();
  const rowsChecked = Number(counted.n);
  await trx
    .insertInto("outcome_checks")
    .values({ started_at: startedAt, finished_at: new Date(), rows_checked: rowsChecked, drifted: drift.length, sample: JSON.stringify(drift.slice(0, 20)) })
    .execute();
  return { rowsChecked, drift };
}

/** The last run of the nightly check, for the outcomes page. */
export async function lastOutcomeCheck(db: Db) {
  return db.selectFrom("outcome_checks").select(["finished_at", "rows_checked", "drifted"]).orderBy("id", "desc").limit(1).executeTakeFirst();
}

/** A region's own targets (indicator id → target); indicators without a row use content's default. */
export async function regionTargets(db: Db, orgUnitId: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom("indicator_targets").select(["indicator_id", "target"]).where("org_unit_id", "=", orgUnitId).execute();
  return new Map(rows.map((r) => [r.indicator_id, r.target]));
}

/** The own targets of several regions at once (region id → indicator id → target). */
export async function targetsOf(db: Db, orgUnitIds: string[]): Promise<Map<string, Map<string, number>>> {
  const byUnit = new Map<string, Map<string, number>>(orgUnitIds.map((id) => [id, new Map()]));
  if (orgUnitIds.length === 0) return byUnit;
  const rows = await db.selectFrom("indicator_targets").select(["org_unit_id", "indicator_id", "target"]).where("org_unit_id", "in", orgUnitIds).execute();
  for (const r of rows) byUnit.get(r.org_unit_id)?.set(r.indicator_id, r.target);
  return byUnit;
}

export async function setRegionTarget(db: Db, input: { indicatorId: string; orgUnitId: string; target: number; userId: string }) {
  await db
    .insertInto("indicator_targets")
    .values({ indicator_id: input.indicatorId, org_unit_id: input.orgUnitId, target: input.target, updated_by: input.userId })
    .onConflict((oc) => oc.columns(["indicator_id", "org_unit_id"]).doUpdateSet({ target: input.target, updated_by: input.userId, updated_at: new Date() }))
    .execute();
}

/** Marks a school or centre; a second mark of the same milestone is refused by the unique index. */
export async function markMilestone(db: Db, input: { orgUnitId: string; milestone: "standardised" | "distinctive"; evidence: string; userId: string }): Promise<boolean> {
  const row = await db
    .insertInto("org_milestones")
    .values({ org_unit_id: input.orgUnitId, milestone: input.milestone, evidence: input.evidence, marked_by: input.userId })
    .onConflict((oc) => oc.columns(["org_unit_id", "milestone"]).where("withdrawn_at", "is", null).doNothing())
    .returning("id")
    .executeTakeFirst();
  return Boolean(row);
}

/** What one trainee's approved field work contributed. */
export async function traineeContribution(db: Db, userId: string) {
  const row = await db
    .selectFrom("submissions")
    .select([sql<number>`count(*)`.as("activities"), sql<number>`coalesce(sum(people_reached), 0)`.as("people")])
    .where("user_id", "=", userId)
    .where("type", "=", "field_work")
    .where("status", "=", "passed")
    .executeTakeFirstOrThrow();
  return { activities: Number(row.activities), people: Number(row.people) };
}
