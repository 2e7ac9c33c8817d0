import type { Db } from "./types";

// Mentor pools: the units whose work a mentor serves. Routing looks a submission's unit up here.

export async function addMentorUnit(db: Db, input: { mentorId: string; orgUnitId: string; addedBy: string | null }): Promise<boolean> {
  const row = await db
    .insertInto("mentor_units")
    .values({ mentor_id: input.mentorId, org_unit_id: input.orgUnitId, added_by: input.addedBy })
    .onConflict((oc) => oc.columns(["mentor_id", "org_unit_id"]).doNothing())
    .returning("mentor_id")
    .executeTakeFirst();
  return row !== undefined;
}

export async function removeMentorUnit(db: Db, input: { mentorId: string; orgUnitId: string }): Promise<boolean> {
  const result = await db.deleteFrom("mentor_units").where("mentor_id", "=", input.mentorId).where("org_unit_id", "=", input.orgUnitId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The units a mentor serves, with their paths, in tree order. */
export async function mentorUnits(db: Db, mentorId: string) {
  return db
    .selectFrom("mentor_units as m")
    .innerJoin("org_units as o", "o.id", "m.org_unit_id")
    .select(["o.id", "o.name", "o.path", "o.archived_at"])
    .where("m.mentor_id", "=", mentorId)
    .orderBy("o.path")
    .execute();
}

/** Served unit paths per mentor, for many mentors at once. */
export async function servedPaths(db: Db, mentorIds: readonly string[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>(mentorIds.map((id) => [id, []]));
  if (mentorIds.length === 0) return result;
  const rows = await db
    .selectFrom("mentor_units as m")
    .innerJoin("org_units as o", "o.id", "m.org_unit_id")
    .select(["m.mentor_id", "o.path"])
    .where("m.mentor_id", "in", [...new Set(mentorIds)])
    .where("o.archived_at", "is", null)
    .execute();
  for (const r of rows) result.get(r.mentor_id)?.push(r.path);
  return result;
}
