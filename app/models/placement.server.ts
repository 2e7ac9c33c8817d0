import { sql } from "kysely";
import type { Role } from "~/domain/roles";
import type { Db } from "./types";

// Where people and the things they own sit in the org tree: what reach checks compare against.

export interface PlacedPerson {
  id: string;
  roles: Role[];
  orgUnitId: string | null;
  /** The path of the person's unit; null when they belong to none. */
  orgPath: string | null;
}

export async function placedPeople(db: Db, userIds: readonly string[]): Promise<Map<string, PlacedPerson>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("users as u")
    .leftJoin("org_units as o", "o.id", "u.org_unit_id")
    .select((eb) => [
      "u.id",
      "u.org_unit_id",
      "o.path",
      eb.fn<Role[]>("array", [eb.selectFrom("user_roles as r").select("r.role").whereRef("r.user_id", "=", "u.id")]).as("roles"),
    ])
    .where("u.id", "in", [...new Set(userIds)])
    .execute();
  return new Map(rows.map((r) => [r.id, { id: r.id, roles: r.roles ?? [], orgUnitId: r.org_unit_id, orgPath: r.path }]));
}

export async function placedPerson(db: Db, userId: string): Promise<PlacedPerson | undefined> {
  return (await placedPeople(db, [userId])).get(userId);
}

/** The path of a person's unit (undefined when there is no such person). */
async function personPath(db: Db, userId: string | undefined): Promise<{ orgPath: string | null } | undefined> {
  if (!userId) return undefined;
  return db
    .selectFrom("users as u")
    .leftJoin("org_units as o", "o.id", "u.org_unit_id")
    .select("o.path as orgPath")
    .where("u.id", "=", userId)
    .executeTakeFirst();
}

/** The path a submission (and its evidence, grades and showcase entry) belongs to: its trainee's unit. */
export async function submissionPath(db: Db, submissionId: string): Promise<{ orgPath: string | null } | undefined> {
  const owner = await db.selectFrom("submissions").select("user_id").where("id", "=", submissionId).executeTakeFirst();
  return personPath(db, owner?.user_id);
}

/** The path a certificate belongs to: its holder's unit. */
export async function certificatePath(db: Db, certificateId: string): Promise<{ orgPath: string | null } | undefined> {
  const holder = await db.selectFrom("certificates").select("user_id").where("id", "=", certificateId).executeTakeFirst();
  return personPath(db, holder?.user_id);
}

export async function unitPath(db: Db, unitId: string): Promise<string | undefined> {
  return (await db.selectFrom("org_units").select("path").where("id", "=", unitId).executeTakeFirst())?.path;
}

/**
 * A filter for any query: the user in `userIdColumn` belongs to a unit under `prefix` (an admin's
 * reach or a chosen region). People with no unit never match.
 */
export function userUnder(userIdColumn: string, prefix: string) {
  return sql<boolean>`exists (select 1 from users ru join org_units ro on ro.id = ru.org_unit_id where ru.id = ${sql.ref(userIdColumn)} and ro.path like ${`${prefix}%`})`;
}

/** A filter: the mentor in `mentorIdColumn` serves a unit under `prefix` (their pool reaches into the region). */
export function mentorServesUnder(mentorIdColumn: string, prefix: string) {
  return sql<boolean>`exists (select 1 from mentor_units mu join org_units mo on mo.id = mu.org_unit_id where mu.mentor_id = ${sql.ref(mentorIdColumn)} and mo.path like ${`${prefix}%`})`;
}
