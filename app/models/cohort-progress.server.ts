import type { TierId, TrackId } from "~/catalog/schema";
import type { Db } from "./types";

// What the cohort view reads about a cohort's current members, a few set-wise queries each bounded
// by the cohort (its members, its tier, its sessions). SQL only; app/services/cohort-progress.server.ts
// puts the rows together.

/** Current members, by name. */
export async function currentMembersOf(db: Db, cohortId: string) {
  return db
    .selectFrom("cohort_members as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .leftJoin("org_units as o", "o.id", "u.org_unit_id")
    .select(["m.user_id", "u.name", "u.phone", "o.name as unit_name"])
    .where("m.cohort_id", "=", cohortId)
    .where("m.left_at", "is", null)
    .orderBy("u.name")
    .orderBy("m.user_id")
    .execute();
}

/** Modules of `moduleIds` these people marked read. */
export async function modulesReadBy(db: Db, userIds: readonly string[], moduleIds: readonly string[]) {
  if (!userIds.length || !moduleIds.length) return [];
  return db.selectFrom("module_progress").select(["user_id", "module_id"]).where("user_id", "in", [...userIds]).where("module_id", "in", [...moduleIds]).execute();
}

/** These people's submissions in one track and tier, whatever their status. */
export async function submissionsIn(db: Db, userIds: readonly string[], key: { track: TrackId; tier: TierId }) {
  if (!userIds.length) return [];
  return db
    .selectFrom("submissions")
    .select(["user_id", "task_id", "type", "status", "score", "people_reached"])
    .where("user_id", "in", [...userIds])
    .where("track", "=", key.track)
    .where("tier", "=", key.tier)
    .execute();
}

/** The cohort's sessions, the earliest first, each with whether any attendance is recorded yet. */
export async function sessionsOfCohort(db: Db, cohortId: string) {
  return db
    .selectFrom("training_sessions as s")
    .select(["s.id", "s.starts_at"])
    .select((eb) => eb.exists(eb.selectFrom("session_attendance as a").select("a.session_id").whereRef("a.session_id", "=", "s.id")).as("has_attendance"))
    .where("s.cohort_id", "=", cohortId)
    .orderBy("s.starts_at")
    .execute();
}

/** How many of the cohort's sessions each person attended (present or late). */
export async function cohortSessionsAttended(db: Db, cohortId: string, userIds: readonly string[]): Promise<Map<string, number>> {
  if (!userIds.length) return new Map();
  const rows = await db
    .selectFrom("session_attendance as a")
    .innerJoin("training_sessions as s", "s.id", "a.session_id")
    .select(["a.user_id", (eb) => eb.fn.countAll<string>().as("n")])
    .where("s.cohort_id", "=", cohortId)
    .where("a.user_id", "in", [...userIds])
    .where("a.status", "in", ["present", "late"])
    .groupBy("a.user_id")
    .execute();
  return new Map(rows.map((r) => [r.user_id, Number(r.n)]));
}

/** Who among these people holds a live certificate of this track and tier. */
export async function certifiedAmong(db: Db, userIds: readonly string[], key: { track: TrackId; tier: TierId }): Promise<Set<string>> {
  if (!userIds.length) return new Set();
  const rows = await db
    .selectFrom("certificates")
    .select("user_id")
    .where("user_id", "in", [...userIds])
    .where("track", "=", key.track)
    .where("tier", "=", key.tier)
    .where("status", "=", "issued")
    .execute();
  return new Set(rows.map((r) => r.user_id));
}

// ── messages to a cohort ─────────────────────────────────────────────────────────────────────────

/** Records a message once: false when this id was already sent (a second click, a replayed post). */
export async function insertCohortMessage(db: Db, input: { id: string; cohortId: string; title: string; body: string; sentBy: string; recipients: number }): Promise<boolean> {
  const row = await db
    .insertInto("cohort_messages")
    .values({ id: input.id, cohort_id: input.cohortId, title: input.title, body: input.body, sent_by: input.sentBy, recipients: input.recipients })
    .onConflict((oc) => oc.column("id").doNothing())
    .returning("id")
    .executeTakeFirst();
  return !!row;
}

/** The cohort's latest messages, newest first. */
export async function messagesOfCohort(db: Db, cohortId: string, limit = 10) {
  return db
    .selectFrom("cohort_messages as cm")
    .leftJoin("users as u", "u.id", "cm.sent_by")
    .select(["cm.id", "cm.title", "cm.body", "cm.recipients", "cm.sent_at", "u.name as sender"])
    .where("cm.cohort_id", "=", cohortId)
    .orderBy("cm.sent_at", "desc")
    .orderBy("cm.id")
    .limit(limit)
    .execute();
}
