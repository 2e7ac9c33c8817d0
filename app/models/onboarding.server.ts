import { sql } from "kysely";
import type { HandoutLink } from "~/domain/onboarding";
import type { Role } from "~/domain/roles";
import type { Db } from "./types";

// The people an import created and their handout links (docs/decisions/014-onboarding.md).

export interface ImportedPerson {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  roles: Role[];
  orgPath: string | null;
  orgName: string | null;
  hasPassword: boolean;
  active: boolean;
  /** The latest handout link of this import for them, if any. */
  link: (HandoutLink & { token: string | null }) | null;
}

/** Everyone the import created, by unit and name, each with their latest handout link of this import. */
export async function listImportedPeople(db: Db, importId: string): Promise<ImportedPerson[]> {
  const rows = await db
    .selectFrom("users as u")
    .leftJoin("org_units as o", "o.id", "u.org_unit_id")
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom("access_tokens as t")
          .select(["t.expires_at", "t.used_at", "t.handout_token"])
          .whereRef("t.user_id", "=", "u.id")
          .where("t.user_import_id", "=", importId)
          .orderBy("t.created_at", "desc")
          .orderBy("t.id", "desc")
          .limit(1)
          .as("t"),
      (join) => join.onTrue(),
    )
    .select((eb) => [
      "u.id",
      "u.name",
      "u.phone",
      "u.email",
      "u.status",
      "o.path",
      "o.name as orgName",
      // Signed up: a password set, or entered once (an invitation completed by SMS code leaves no password).
      sql<boolean>`(u.password_hash is not null or u.last_sign_in_at is not null)`.as("hasPassword"),
      eb.fn<Role[]>("array", [eb.selectFrom("user_roles as r").select("r.role").whereRef("r.user_id", "=", "u.id")]).as("roles"),
      "t.expires_at",
      "t.used_at",
      "t.handout_token",
    ])
    .where("u.user_import_id", "=", importId)
    // One transaction created them all at the same instant: by unit, then name, as a training day hands them out.
    .orderBy("o.path")
    .orderBy("u.name")
    .orderBy("u.id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    phone: r.phone,
    email: r.email,
    roles: r.roles ?? [],
    orgPath: r.path,
    orgName: r.orgName,
    hasPassword: r.hasPassword,
    active: r.status === "active",
    link: r.expires_at
      ? { expiresAt: new Date(r.expires_at), usedAt: r.used_at ? new Date(r.used_at) : null, readable: r.handout_token !== null, token: r.handout_token }
      : null,
  }));
}
