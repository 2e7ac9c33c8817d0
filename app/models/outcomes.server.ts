import { sql } from "kysely";
import type { Indicator, TrackId } from "~/catalog/schema";
import type { YearWindow } from "~/domain/outcomes";
import type { Db } from "./types";

// Every figure is derived from approved rows. The figure and its drill-down list come from the same
// query (`evidenceRows`), so they always agree.
export interface Scope {
  track: TrackId;
  /** Materialised path of the region: rows in its subtree count. */
  regionPath: string;
  window: YearWindow;
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

// One filtered base query per kind of indicator: the figure aggregates it, the drill-down lists it.
function certifiedBase(db: Db, tier: string, scope: Scope) {
  return db
    .selectFrom("certificates as c")
    .innerJoin("users as u", "u.id", "c.user_id")
    .innerJoin("org_units as o", "o.id", "u.org_unit_id")
    .where("c.status", "=", "issued")
    .where("c.track", "=", scope.track)
    .where("c.tier", "=", tier as "foundation")
    .where("o.path", "like", `${scope.regionPath}%`)
    .where("c.issued_at", ">=", startOf(scope.window.from))
    .where("c.issued_at", "<", startOf(scope.window.to));
}

function peopleBase(db: Db, audienceTypes: string[], scope: Scope) {
  return db
    .selectFrom("submissions as s")
    .innerJoin("org_units as o", "o.id", "s.org_unit_id")
    .where("s.type", "=", "field_work")
    .where("s.status", "=", "passed")
    .where("s.track", "=", scope.track)
    .where("s.audience_type", "in", audienceTypes)
    .where("o.path", "like", `${scope.regionPath}%`)
    .where("s.activity_date", ">=", scope.window.from)
    .where("s.activity_date", "<", scope.window.to);
}

function milestoneBase(db: Db, milestone: "standardised" | "distinctive", scope: Scope) {
  return (
    db
      .selectFrom("org_milestones as ms")
      .innerJoin("org_units as o", "o.id", "ms.org_unit_id")
      .where("ms.milestone", "=", milestone)
      .where("ms.withdrawn_at", "is", null)
      .where("o.track", "=", scope.track)
      .where("o.path", "like", `${scope.regionPath}%`)
      // A milestone is a state an organisation keeps: it counts in the year it was reached and after.
      .where("ms.marked_at", "<", startOf(scope.window.to))
  );
}

function showcaseBase(db: Db, scope: Scope) {
  return db
    .selectFrom("showcase_items as si")
    .innerJoin("submissions as s", "s.id", "si.submission_id")
    .innerJoin("users as u", "u.id", "s.user_id")
    .innerJoin("org_units as o", "o.id", "u.org_unit_id")
    .where("si.status", "=", "approved")
    .where("s.showcase_consent", "=", true)
    .where("s.track", "=", scope.track)
    .where("o.path", "like", `${scope.regionPath}%`)
    .where("si.decided_at", ">=", startOf(scope.window.from))
    .where("si.decided_at", "<", startOf(scope.window.to));
}

/** The figure of one indicator in a scope: an aggregate over the same rows the drill-down lists. */
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

export async function evidenceRows(db: Db, indicator: Indicator, scope: Scope, limit = 100_000): Promise<EvidenceRow[]> {
  const m = indicator.measure;
  if (m.kind === "certified_trainees") {
    const rows = await certifiedBase(db, m.tier, scope)
      .select(["c.id", "c.number", "c.name_on_certificate", "c.issued_at", "o.name as org"])
      .orderBy("c.issued_at")
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, label: r.number, who: r.name_on_certificate, org: r.org, date: day(r.issued_at), amount: 1, link: `/verify/${r.number}` }));
  }
  if (m.kind === "people_reached") {
    const rows = await peopleBase(db, m.audienceTypes, scope)
      .innerJoin("users as u", "u.id", "s.user_id")
      .select(["s.id", "s.activity_title", "s.activity_date", "s.people_reached", "u.name", "o.name as org"])
      .orderBy("s.activity_date")
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
    }));
  }
  if (m.kind === "org_milestone") {
    const rows = await milestoneBase(db, m.milestone, scope)
      .select(["ms.id", "ms.marked_at", "ms.evidence", "o.name as org"])
      .orderBy("ms.marked_at")
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, label: r.evidence.slice(0, 80), who: r.org, org: r.org, date: day(r.marked_at), amount: 1, link: null }));
  }
  const rows = await showcaseBase(db, scope)
    .select(["s.id", "s.activity_title", "s.task_id", "si.decided_at", "u.name", "o.name as org"])
    .orderBy("si.decided_at")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, label: r.activity_title ?? r.task_id, who: r.name, org: r.org, date: r.decided_at ? day(r.decided_at) : "", amount: 1, link: `/showcase/${r.id}` }));
}


/** A region's own targets (indicator id → target); indicators without a row use content's default. */
export async function regionTargets(db: Db, orgUnitId: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom("indicator_targets").select(["indicator_id", "target"]).where("org_unit_id", "=", orgUnitId).execute();
  return new Map(rows.map((r) => [r.indicator_id, r.target]));
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
