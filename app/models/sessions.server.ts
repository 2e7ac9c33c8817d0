import type { Db } from "./types";

// The session store behind lucia's Adapter interface (see app/auth.server.ts).
export interface StoredSession {
  id: string;
  userId: string;
  expiresAt: Date;
  createdAt: Date;
}

export interface SessionOwner {
  id: string;
  name: string;
  status: "active" | "deactivated";
  roles: string[];
  /** Where the owner sits in the org tree: an admin's reach is this unit's subtree. */
  orgUnitId: string | null;
  orgPath: string | null;
}

export async function findSessionAndOwner(db: Db, sessionId: string): Promise<[StoredSession | null, SessionOwner | null]> {
  // One round trip per request: the session, its owner, their roles and their place in the tree.
  const row = await db
    .selectFrom("sessions as s")
    .innerJoin("users as u", "u.id", "s.user_id")
    .leftJoin("org_units as o", "o.id", "u.org_unit_id")
    .select((eb) => [
      "s.id",
      "s.user_id",
      "s.expires_at",
      "s.created_at",
      "u.name",
      "u.status",
      "u.org_unit_id",
      "o.path",
      eb
        .fn<string[]>("array", [eb.selectFrom("user_roles as r").select("r.role").whereRef("r.user_id", "=", "u.id").orderBy("r.role")])
        .as("roles"),
    ])
    .where("s.id", "=", sessionId)
    .executeTakeFirst();
  if (!row) return [null, null];
  return [
    { id: row.id, userId: row.user_id, expiresAt: new Date(row.expires_at), createdAt: new Date(row.created_at) },
    { id: row.user_id, name: row.name, status: row.status, roles: row.roles ?? [], orgUnitId: row.org_unit_id, orgPath: row.path },
  ];
}

export async function listUserSessions(db: Db, userId: string): Promise<StoredSession[]> {
  const rows = await db.selectFrom("sessions").selectAll().where("user_id", "=", userId).execute();
  return rows.map((r) => ({ id: r.id, userId: r.user_id, expiresAt: new Date(r.expires_at), createdAt: new Date(r.created_at) }));
}

export async function insertSession(db: Db, session: { id: string; userId: string; expiresAt: Date; ip?: string | null; userAgent?: string | null }) {
  await db
    .insertInto("sessions")
    .values({
      id: session.id,
      user_id: session.userId,
      expires_at: session.expiresAt,
      ip: session.ip ?? null,
      user_agent: session.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
}

export async function updateSessionExpiry(db: Db, sessionId: string, expiresAt: Date) {
  await db.updateTable("sessions").set({ expires_at: expiresAt }).where("id", "=", sessionId).execute();
}

export async function deleteSession(db: Db, sessionId: string) {
  await db.deleteFrom("sessions").where("id", "=", sessionId).execute();
}

export async function deleteUserSessions(db: Db, userId: string, exceptSessionId?: string) {
  let q = db.deleteFrom("sessions").where("user_id", "=", userId);
  if (exceptSessionId) q = q.where("id", "!=", exceptSessionId);
  await q.execute();
}

export async function deleteExpiredSessions(db: Db) {
  await db.deleteFrom("sessions").where("expires_at", "<", new Date()).execute();
}
