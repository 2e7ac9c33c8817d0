import { sql } from "kysely";
import type { CheckedCohort, CohortDue } from "~/domain/cohorts";
import type { Db } from "./types";

// Cohorts, their due dates, memberships (with history) and join codes. SQL only; the transactions
// live in app/services/cohorts.server.ts.

export async function insertCohort(db: Db, cohort: CheckedCohort, orgUnitId: string, createdBy: string): Promise<string> {
  const row = await db
    .insertInto("cohorts")
    .values({
      name: cohort.name,
      track: cohort.track,
      tier: cohort.tier,
      org_unit_id: orgUnitId,
      programme_year: cohort.programmeYear,
      starts_on: cohort.startsOn,
      ends_on: cohort.endsOn,
      created_by: createdBy,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateCohortDates(db: Db, id: string, cohort: Pick<CheckedCohort, "name" | "startsOn" | "endsOn">, lateWorkAccepted: boolean): Promise<void> {
  await db.updateTable("cohorts").set({ name: cohort.name, starts_on: cohort.startsOn, ends_on: cohort.endsOn, late_work_accepted: lateWorkAccepted }).where("id", "=", id).execute();
}

export async function setLateWorkAccepted(db: Db, id: string, accepted: boolean): Promise<void> {
  await db.updateTable("cohorts").set({ late_work_accepted: accepted }).where("id", "=", id).execute();
}

/** Replaces the cohort's due dates with these. */
export async function replaceDueDates(db: Db, cohortId: string, dues: CheckedCohort["dueDates"]): Promise<void> {
  await db.deleteFrom("cohort_due_dates").where("cohort_id", "=", cohortId).execute();
  if (dues.length) await db.insertInto("cohort_due_dates").values(dues.map((d) => ({ cohort_id: cohortId, task_id: d.taskId, due_on: d.dueOn }))).execute();
}

const cohortColumns = [
  "c.id",
  "c.name",
  "c.track",
  "c.tier",
  "c.org_unit_id",
  "c.programme_year",
  "c.starts_on",
  "c.ends_on",
  "c.late_work_accepted",
  "c.created_at",
  "o.name as unit_name",
  "o.path as unit_path",
] as const;

export async function getCohort(db: Db, id: string, options: { forUpdate?: boolean } = {}) {
  let q = db.selectFrom("cohorts as c").innerJoin("org_units as o", "o.id", "c.org_unit_id").select(cohortColumns).where("c.id", "=", id);
  if (options.forUpdate) q = q.forUpdate("c");
  return q.executeTakeFirst();
}

export type CohortRow = NonNullable<Awaited<ReturnType<typeof getCohort>>>;

export interface CohortCursor {
  startsOn: string;
  id: string;
}

/**
 * A page of cohorts run inside `regionPath` (all when undefined), the latest start first, keyset-paged
 * on (starts_on, id); with each cohort's current member count.
 */
export async function listCohorts(db: Db, options: { regionPath?: string; after?: CohortCursor | null; limit: number }) {
  let q = db
    .selectFrom("cohorts as c")
    .innerJoin("org_units as o", "o.id", "c.org_unit_id")
    .select(cohortColumns)
    .select((eb) =>
      eb
        .selectFrom("cohort_members as m")
        .whereRef("m.cohort_id", "=", "c.id")
        .where("m.left_at", "is", null)
        .select(eb.fn.countAll<number>().as("n"))
        .as("member_count"),
    );
  if (options.regionPath) q = q.where("o.path", "like", `${options.regionPath}%`);
  if (options.after) {
    const { startsOn, id } = options.after;
    q = q.where((eb) => eb.or([eb("c.starts_on", "<", startsOn), eb.and([eb("c.starts_on", "=", startsOn), eb("c.id", "<", id)])]));
  }
  const rows = await q.orderBy("c.starts_on", "desc").orderBy("c.id", "desc").limit(options.limit + 1).execute();
  const more = rows.length > options.limit;
  const page = rows.slice(0, options.limit).map((r) => ({ ...r, member_count: Number(r.member_count ?? 0) }));
  const last = page[page.length - 1];
  return { rows: page, next: more && last ? { startsOn: last.starts_on, id: last.id } : null };
}

export async function dueDatesOf(db: Db, cohortId: string) {
  return db.selectFrom("cohort_due_dates").select(["task_id", "due_on"]).where("cohort_id", "=", cohortId).execute();
}

/** Members of a cohort, current first then past (history), by name. */
export async function membersOf(db: Db, cohortId: string) {
  return db
    .selectFrom("cohort_members as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .leftJoin("org_units as o", "o.id", "u.org_unit_id")
    .select(["m.id", "m.user_id", "m.joined_via", "m.joined_at", "m.left_at", "u.name", "u.phone", "o.name as unit_name"])
    .where("m.cohort_id", "=", cohortId)
    .orderBy(sql`m.left_at is not null`)
    .orderBy("u.name")
    .orderBy("m.joined_at")
    .execute();
}

/** Adds a current membership; false when the person already has one in this cohort. */
export async function addMember(db: Db, input: { cohortId: string; userId: string; via: "admin" | "import" | "code"; addedBy: string | null }): Promise<boolean> {
  const row = await db
    .insertInto("cohort_members")
    .values({ cohort_id: input.cohortId, user_id: input.userId, joined_via: input.via, added_by: input.addedBy })
    .onConflict((oc) => oc.columns(["cohort_id", "user_id"]).where("left_at", "is", null).doNothing())
    .returning("id")
    .executeTakeFirst();
  return !!row;
}

/** Ends a current membership (the row stays as history); false when there was none. */
export async function endMembership(db: Db, cohortId: string, userId: string, at = new Date()): Promise<boolean> {
  const rows = await db.updateTable("cohort_members").set({ left_at: at }).where("cohort_id", "=", cohortId).where("user_id", "=", userId).where("left_at", "is", null).returning("id").execute();
  return rows.length > 0;
}

/** Every cohort a person has been in, the latest first (their history). */
export async function cohortHistoryOf(db: Db, userId: string) {
  return db
    .selectFrom("cohort_members as m")
    .innerJoin("cohorts as c", "c.id", "m.cohort_id")
    .select(["c.id", "c.name", "c.track", "c.tier", "c.programme_year", "c.starts_on", "c.ends_on", "m.joined_at", "m.left_at"])
    .where("m.user_id", "=", userId)
    .orderBy("m.joined_at", "desc")
    .execute();
}

/** The due dates of a person's current cohorts. */
export async function duesOfUser(db: Db, userId: string): Promise<CohortDue[]> {
  const rows = await db
    .selectFrom("cohort_members as m")
    .innerJoin("cohorts as c", "c.id", "m.cohort_id")
    .innerJoin("cohort_due_dates as d", "d.cohort_id", "c.id")
    .select(["d.task_id", "d.due_on", "c.late_work_accepted"])
    .where("m.user_id", "=", userId)
    .where("m.left_at", "is", null)
    .execute();
  return rows.map((r) => ({ taskId: r.task_id, dueOn: r.due_on, lateWorkAccepted: r.late_work_accepted }));
}

/**
 * People who may be added: active trainees placed inside `path` (the cohort's unit subtree) on the
 * cohort's track, matching `q` by name or phone, not already current members.
 */
export async function memberCandidates(db: Db, input: { cohortId: string; path: string; track: string; q: string; limit: number }) {
  const like = `%${input.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .selectFrom("users as u")
    .innerJoin("org_units as o", "o.id", "u.org_unit_id")
    .innerJoin("user_roles as r", (j) => j.onRef("r.user_id", "=", "u.id").on("r.role", "=", "trainee"))
    .select(["u.id", "u.name", "u.phone", "o.name as unit_name"])
    .where("o.path", "like", `${input.path}%`)
    .where("u.status", "=", "active")
    .where((eb) => eb.or([eb("u.track", "=", input.track as "campus"), eb("u.track", "is", null)]))
    .$if(input.q.trim() !== "", (q) => q.where((eb) => eb.or([eb("u.name", "like", like), eb("u.phone", "like", like)])))
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("cohort_members as m").select("m.id").whereRef("m.user_id", "=", "u.id").where("m.cohort_id", "=", input.cohortId).where("m.left_at", "is", null))),
    )
    .orderBy("u.name")
    .orderBy("u.id")
    .limit(input.limit)
    .execute();
}

/** The people with these ids, with where they are placed and whether they are active trainees. */
export async function peopleForCohort(db: Db, ids: readonly string[]) {
  if (!ids.length) return [];
  return db
    .selectFrom("users as u")
    .leftJoin("org_units as o", "o.id", "u.org_unit_id")
    .select(["u.id", "u.name", "u.status", "u.track", "o.path"])
    .select((eb) => eb.exists(eb.selectFrom("user_roles as r").select("r.user_id").whereRef("r.user_id", "=", "u.id").where("r.role", "=", "trainee")).as("is_trainee"))
    .where("u.id", "in", ids)
    .execute();
}

/** A person found by phone or e-mail (the roster's identifiers). */
export async function personByContact(db: Db, contact: { phone: string | null; email: string | null }) {
  if (!contact.phone && !contact.email) return undefined;
  return db
    .selectFrom("users")
    .select("id")
    .where((eb) => eb.or([...(contact.phone ? [eb("phone", "=", contact.phone)] : []), ...(contact.email ? [eb(eb.fn("lower", ["email"]), "=", contact.email.toLowerCase())] : [])]))
    .executeTakeFirst();
}

// ── join codes ───────────────────────────────────────────────────────────────────────────────────

export async function insertJoinCode(db: Db, input: { cohortId: string; code: string; maxUses: number; createdBy: string }): Promise<string> {
  const row = await db
    .insertInto("cohort_join_codes")
    .values({ cohort_id: input.cohortId, code: input.code, max_uses: input.maxUses, created_by: input.createdBy })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function joinCodesOf(db: Db, cohortId: string) {
  return db.selectFrom("cohort_join_codes").select(["id", "code", "max_uses", "used_count", "revoked_at", "created_at"]).where("cohort_id", "=", cohortId).orderBy("created_at", "desc").execute();
}

export async function revokeJoinCode(db: Db, cohortId: string, codeId: string): Promise<boolean> {
  const rows = await db.updateTable("cohort_join_codes").set({ revoked_at: new Date() }).where("id", "=", codeId).where("cohort_id", "=", cohortId).where("revoked_at", "is", null).returning("id").execute();
  return rows.length > 0;
}

/** A join code by its text, locked so two people using its last place cannot both have it. */
export async function lockJoinCode(db: Db, code: string) {
  return db.selectFrom("cohort_join_codes").select(["id", "cohort_id", "max_uses", "used_count", "revoked_at"]).where("code", "=", code).forUpdate().executeTakeFirst();
}

export async function useJoinCode(db: Db, codeId: string): Promise<void> {
  await db.updateTable("cohort_join_codes").set((eb) => ({ used_count: eb("used_count", "+", 1) })).where("id", "=", codeId).execute();
}

export async function insertJoinRequest(db: Db, input: { cohortId: string; userId: string; codeId: string }): Promise<string | null> {
  const row = await db
    .insertInto("cohort_join_requests")
    .values({ cohort_id: input.cohortId, user_id: input.userId, code_id: input.codeId })
    .onConflict((oc) => oc.columns(["cohort_id", "user_id"]).where("status", "=", "pending").doNothing())
    .returning("id")
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function isCurrentMember(db: Db, cohortId: string, userId: string): Promise<boolean> {
  const row = await db.selectFrom("cohort_members").select("id").where("cohort_id", "=", cohortId).where("user_id", "=", userId).where("left_at", "is", null).executeTakeFirst();
  return !!row;
}

export async function pendingRequestsOf(db: Db, cohortId: string) {
  return db
    .selectFrom("cohort_join_requests as r")
    .innerJoin("users as u", "u.id", "r.user_id")
    .leftJoin("org_units as o", "o.id", "u.org_unit_id")
    .select(["r.id", "r.user_id", "r.requested_at", "u.name", "u.phone", "o.name as unit_name"])
    .where("r.cohort_id", "=", cohortId)
    .where("r.status", "=", "pending")
    .orderBy("r.requested_at")
    .execute();
}

/** Decides a pending request, locked; returns the requester, or undefined when it was not pending. */
export async function decideJoinRequest(db: Db, input: { cohortId: string; requestId: string; status: "approved" | "declined"; decidedBy: string }) {
  return db
    .updateTable("cohort_join_requests")
    .set({ status: input.status, decided_at: new Date(), decided_by: input.decidedBy })
    .where("id", "=", input.requestId)
    .where("cohort_id", "=", input.cohortId)
    .where("status", "=", "pending")
    .returning(["user_id"])
    .executeTakeFirst();
}

/** A person's own pending and recent requests. */
export async function joinRequestsOfUser(db: Db, userId: string) {
  return db
    .selectFrom("cohort_join_requests as r")
    .innerJoin("cohorts as c", "c.id", "r.cohort_id")
    .select(["r.id", "r.status", "r.requested_at", "c.name"])
    .where("r.user_id", "=", userId)
    .orderBy("r.requested_at", "desc")
    .limit(10)
    .execute();
}
