import { sql } from "kysely";
import { attentionThresholds, daysBefore, type PeopleAttention } from "~/domain/attention";
import type { Role } from "~/domain/roles";
import type { LoginIdentifier } from "~/domain/contact";
import { pageOf, type KeysetPage, type PageRequest } from "~/domain/keyset";
import { figureCap } from "~/domain/attention";
import type { TrackColumn } from "../../db/schema";
import { countUpTo } from "./counting.server";
import { cursorTime, keysetPage, type KeyColumn } from "./keyset.server";
import type { Db } from "./types";

export interface UserSummary {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  track: TrackColumn | null;
  status: "active" | "deactivated";
  orgUnitId: string | null;
  orgName: string | null;
  roles: Role[];
  hasPassword: boolean;
  createdAt: Date;
}

function rolesOf(db: Db) {
  return db
    .selectFrom("user_roles")
    .select(["user_id", sql<Role[]>`array_agg(role order by role)`.as("roles")])
    .groupBy("user_id")
    .as("r");
}

/** A person as lists and pages show them (roles and whether a password is set come alongside). */
const summaryColumns = ["u.id", "u.name", "u.phone", "u.email", "u.track", "u.status", "u.org_unit_id as orgUnitId", "o.name as orgName", "u.created_at as createdAt"] as const;
const hasPassword = () => sql<boolean>`u.password_hash is not null`.as("hasPassword");

function summaryQuery(db: Db) {
  return db
    .selectFrom("users as u")
    .leftJoin("org_units as o", "o.id", "u.org_unit_id")
    .leftJoin(rolesOf(db), "r.user_id", "u.id")
    .select([...summaryColumns, "r.roles", hasPassword()]);
}

type SummaryRow = Omit<UserSummary, "roles"> & { roles: Role[] | null };
const toSummary = (r: SummaryRow): UserSummary => ({ ...r, roles: r.roles ?? [] });

export async function getUserSummary(db: Db, id: string): Promise<UserSummary | undefined> {
  const row = await summaryQuery(db).where("u.id", "=", id).executeTakeFirst();
  return row ? toSummary(row) : undefined;
}

export async function findCredentials(db: Db, identifier: LoginIdentifier) {
  let q = db.selectFrom("users").select(["id", "name", "status", "password_hash", "phone", "email"]);
  q = "phone" in identifier ? q.where("phone", "=", identifier.phone) : q.where(sql`lower(email)`, "=", identifier.email);
  return q.executeTakeFirst();
}

export async function getPasswordHash(db: Db, userId: string): Promise<string | null> {
  const row = await db.selectFrom("users").select("password_hash").where("id", "=", userId).executeTakeFirst();
  return row?.password_hash ?? null;
}

export interface UserFilters {
  q?: string;
  role?: Role;
  track?: TrackColumn;
  status?: "active" | "deactivated";
  /** Path prefix of an org unit: the user's node lies in that subtree. */
  orgPath?: string;
  /** Also people who belong to no unit (only a programme admin reaches them). */
  includeUnplaced?: boolean;
  /** Only the people a coordinator's home counts under this heading (app/domain/attention.ts). */
  attention?: PeopleAttention;
}

/**
 * The people matching the filters: one query behind the list, its total and the home page's
 * figures, so a figure and the list it links to cannot disagree.
 */
function filteredUsers(db: Db, f: UserFilters, now: Date) {
  let q = db.selectFrom("users as u").leftJoin("org_units as o", "o.id", "u.org_unit_id");
  if (f.q) q = q.where(userMatches(f.q));
  if (f.role) q = q.where((eb) => eb.exists(eb.selectFrom("user_roles as fr").select("fr.user_id").whereRef("fr.user_id", "=", "u.id").where("fr.role", "=", f.role!)));
  if (f.track) q = q.where("u.track", "=", f.track);
  if (f.status) q = q.where("u.status", "=", f.status);
  if (f.orgPath) {
    const prefix = `${f.orgPath}%`;
    q = f.includeUnplaced ? q.where((eb) => eb.or([eb("o.path", "like", prefix), eb("u.org_unit_id", "is", null)])) : q.where("o.path", "like", prefix);
  }
  if (f.attention === "invited") q = q.where(invitedNeverSignedIn());
  if (f.attention === "stalled") q = q.where(stalledTrainee(daysBefore(now, attentionThresholds.stalledDays)));
  return q;
}

/**
 * A fragment of a name, phone number or e-mail address. The GIN index of their 1–3 character pieces
 * (migration 2026-11-30-09) finds the candidates; the LIKEs keep exactly what the list always matched.
 */
export function userMatches(q: string, alias = "u") {
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const u = (column: string) => sql.ref(`${alias}.${column}`);
  return sql<boolean>`(search_grams(${u("name")} || ' ' || coalesce(${u("phone")}, '') || ' ' || coalesce(${u("email")}, '')) @> search_query_grams(${q})
    and (${u("name")} like ${like} or ${u("phone")} like ${like} or ${u("email")} ilike ${like}))`;
}

/**
 * Invited but never signed in: an active account nobody has signed in to, whose person was given
 * an invitation link or has not set a password yet.
 */
function invitedNeverSignedIn() {
  return sql<boolean>`(u.status = 'active' and u.last_sign_in_at is null and (u.password_hash is null or exists (select 1 from access_tokens it where it.user_id = u.id and it.purpose = 'invite')))`;
}

/**
 * Stalled: an active trainee who has signed in at least once, whose account is older than the
 * window, and who since `since` has read no module, saved or handed in no work and tried no quiz
 * (their last activity, kept by triggers in user_activity: one range of user_activity_last_active_idx).
 */
function stalledTrainee(since: Date) {
  return sql<boolean>`(u.status = 'active' and u.last_sign_in_at is not null and u.created_at < ${since}
    and exists (select 1 from user_activity ua where ua.user_id = u.id and ua.last_active_at < ${since})
    and exists (select 1 from user_roles sr where sr.user_id = u.id and sr.role = 'trainee'))`;
}

/**
 * How many people match, counted up to `cap` + 1: a figure of more than `cap` reads "cap+", and the
 * count stops there instead of visiting every row of a programme-wide reach.
 */
export async function countUsers(db: Db, f: UserFilters, now = new Date(), cap = figureCap): Promise<number> {
  return countUpTo(db, filteredUsers(db, f, now).select("u.id"), cap);
}

/** The people list's order: newest account first, then id. */
export const userListKey: KeyColumn[] = [
  { ref: "u.created_at", kind: "timestamp" },
  { ref: "u.id", kind: "uuid" },
];

/** One page of the people matching the filters, newest first (keyset pagination). */
export async function listUsers(db: Db, f: UserFilters & { page: PageRequest }, now = new Date()): Promise<KeysetPage<UserSummary>> {
  const rows = await keysetPage(
    filteredUsers(db, f, now).select((eb) => [
      ...summaryColumns,
      eb.fn<Role[]>("array", [eb.selectFrom("user_roles as r").select("r.role").whereRef("r.user_id", "=", "u.id").orderBy("r.role")]).as("roles"),
      hasPassword(),
      cursorTime("u.created_at").as("cursorAt"),
    ]),
    userListKey,
    "desc",
    f.page,
  ).execute();
  const page = pageOf(rows, f.page, (r) => [r.cursorAt, r.id]);
  return { ...page, rows: page.rows.map(({ cursorAt: _, ...r }) => toSummary(r)) };
}

/** Marks a sign-in: the coordinator's home tells people who never came from those who did. */
export async function recordSignIn(db: Db, userId: string, at = new Date()): Promise<void> {
  await db.updateTable("users").set({ last_sign_in_at: at }).where("id", "=", userId).execute();
}

export interface UserInput {
  name: string;
  phone: string | null;
  email: string | null;
  orgUnitId: string | null;
  track: TrackColumn | null;
}

export type UserWriteProblem = "phoneTaken" | "emailTaken";

/** Which contact is already used by another user (unique indexes back this up). */
export async function findContactConflict(db: Db, input: Pick<UserInput, "phone" | "email">, exceptId?: string): Promise<UserWriteProblem | null> {
  if (input.phone) {
    let q = db.selectFrom("users").select("id").where("phone", "=", input.phone);
    if (exceptId) q = q.where("id", "!=", exceptId);
    if (await q.executeTakeFirst()) return "phoneTaken";
  }
  if (input.email) {
    let q = db.selectFrom("users").select("id").where(sql`lower(email)`, "=", input.email.toLowerCase());
    if (exceptId) q = q.where("id", "!=", exceptId);
    if (await q.executeTakeFirst()) return "emailTaken";
  }
  return null;
}

export async function insertUser(db: Db, input: UserInput, roles: Role[], grantedBy: string | null, userImportId: string | null = null): Promise<string> {
  const row = await db
    .insertInto("users")
    .values({ name: input.name, phone: input.phone, email: input.email, org_unit_id: input.orgUnitId, track: input.track, user_import_id: userImportId })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (roles.length) {
    await db
      .insertInto("user_roles")
      .values(roles.map((role) => ({ user_id: row.id, role, granted_by: grantedBy })))
      .execute();
  }
  // A new mentor serves their own unit until an admin widens or moves their pool.
  if (roles.includes("mentor") && input.orgUnitId) {
    await db.insertInto("mentor_units").values({ mentor_id: row.id, org_unit_id: input.orgUnitId, added_by: grantedBy }).execute();
  }
  return row.id;
}

export async function updateUser(db: Db, id: string, input: Partial<UserInput>) {
  await db
    .updateTable("users")
    .set({
      ...(input.name !== undefined && { name: input.name }),
      ...(input.phone !== undefined && { phone: input.phone }),
      ...(input.email !== undefined && { email: input.email }),
      ...(input.orgUnitId !== undefined && { org_unit_id: input.orgUnitId }),
      ...(input.track !== undefined && { track: input.track }),
      updated_at: new Date(),
    })
    .where("id", "=", id)
    .execute();
}

export async function setUserRoles(db: Db, userId: string, roles: Role[], grantedBy: string | null) {
  await db.deleteFrom("user_roles").where("user_id", "=", userId).where("role", "not in", roles.length ? roles : ["__none__" as Role]).execute();
  if (roles.length) {
    await db
      .insertInto("user_roles")
      .values(roles.map((role) => ({ user_id: userId, role, granted_by: grantedBy })))
      .onConflict((oc) => oc.columns(["user_id", "role"]).doNothing())
      .execute();
  }
}

export async function setUserStatus(db: Db, userId: string, status: "active" | "deactivated") {
  await db.updateTable("users").set({ status, updated_at: new Date() }).where("id", "=", userId).execute();
}

export async function setPasswordHash(db: Db, userId: string, hash: string) {
  await db.updateTable("users").set({ password_hash: hash, updated_at: new Date() }).where("id", "=", userId).execute();
}
