import type { Kysely } from "kysely";
import { normaliseEmail, normalisePhone } from "~/domain/contact";
import { createOrgPathMatcher, isImportable, splitOrgPath, type ImportProblem, type RowVerdict } from "~/domain/user-import";
import { grantProblem, inReach, type Actor, type Reach } from "~/domain/reach";
import type { Database } from "../../db/schema";
import { recordAudit } from "./audit.server";
import { listOrgUnits } from "./orgs.server";
import { findContactConflict, insertUser } from "./users.server";
import type { Db } from "./types";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface UserImport {
  id: string;
  createdBy: string;
  createdAt: Date;
  fileName: string;
  status: "previewed" | "imported";
  verdicts: RowVerdict[];
  importedCount: number;
  rejectedCount: number;
  importedAt: Date | null;
}

/** Active org units with their name paths, for matching the paths written in a file. */
async function orgPathMatchers(db: Db, reach: Reach | null) {
  const units = await listOrgUnits(db);
  const byId = new Map(units.map((u) => [u.id, u]));
  const entries = units.map((u) => ({
    id: u.id,
    path: u.path,
    names: u.path
      .split("/")
      .filter(Boolean)
      .map((id) => byId.get(id)?.name ?? ""),
  }));
  return {
    // Inside the admin's reach first: "实验中学" names a school in many cities, but only one of theirs.
    own: createOrgPathMatcher(entries.filter((e) => inReach(reach, e.path))),
    all: createOrgPathMatcher(entries),
    pathOf: (id: string) => byId.get(id)?.path ?? null,
  };
}

/**
 * Adds the reasons only the database knows: org paths that do not exist or lie outside the
 * importing admin's reach, roles they may not grant there, phones and e-mails already used by an
 * account. Returns the verdicts, the org unit each row resolved to, and how many rows were refused
 * for reach (the caller audits them).
 */
export async function checkAgainstDatabase(
  db: Db,
  verdicts: RowVerdict[],
  actor: Actor,
): Promise<{ verdicts: RowVerdict[]; orgIds: Map<number, string>; reachRefusals: number }> {
  const matchers = await orgPathMatchers(db, actor.reach);
  const orgIds = new Map<number, string>();
  const checked: RowVerdict[] = [];
  let reachRefusals = 0;
  for (const verdict of verdicts) {
    const reasons: ImportProblem[] = [...verdict.reasons];
    let orgLabel: string | undefined;
    // Rows rejected for their format are checked too, so that one round of fixes is enough.
    const orgPath = verdict.candidate?.orgPath ?? splitOrgPath(verdict.values.org);
    let unitPath: string | null = null;
    if (orgPath.length) {
      const own = matchers.own(orgPath);
      const match = own.ok ? own : matchers.all(orgPath);
      if (match.ok) {
        orgIds.set(verdict.row, match.id);
        orgLabel = match.label;
        unitPath = matchers.pathOf(match.id);
      } else {
        reasons.push(match.problem);
      }
    }
    if (verdict.candidate && (unitPath !== null || orgPath.length === 0)) {
      const problem = grantProblem(actor, { roles: verdict.candidate.roles, orgPath: unitPath });
      if (problem === "outsideReach") reasons.push({ key: "import.row.outsideReach", params: { value: orgLabel ?? "—" } });
      if (problem === "roleAboveOwn" || problem === "adminAtOrAbove") reasons.push({ key: "import.row.roleNotAllowed", params: { value: orgLabel ?? "—" } });
      if (problem) reachRefusals += 1;
    }
    const phone = verdict.values.phone.trim() ? normalisePhone(verdict.values.phone.trim()) : null;
    const email = verdict.values.email.trim() ? normaliseEmail(verdict.values.email.trim()) : null;
    if (phone && (await findContactConflict(db, { phone, email: null }))) reasons.push({ key: "import.row.phoneTaken", params: { value: phone } });
    if (email && (await findContactConflict(db, { phone: null, email }))) reasons.push({ key: "import.row.emailTaken", params: { value: email } });
    checked.push({ ...verdict, reasons, orgLabel });
  }
  return { verdicts: checked, orgIds, reachRefusals };
}

export async function saveImportPreview(db: Db, input: { createdBy: string; fileName: string; verdicts: RowVerdict[] }): Promise<string> {
  const row = await db
    .insertInto("user_imports")
    .values({
      created_by: input.createdBy,
      file_name: input.fileName,
      rows: JSON.stringify(input.verdicts),
      rejected_count: input.verdicts.filter((v) => !isImportable(v)).length,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** An import, only for the administrator who uploaded it. */
export async function getImport(db: Db, id: string, createdBy: string): Promise<UserImport | undefined> {
  if (!uuidPattern.test(id)) return undefined;
  const row = await db.selectFrom("user_imports").selectAll().where("id", "=", id).where("created_by", "=", createdBy).executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    fileName: row.file_name,
    status: row.status,
    // Written only by saveImportPreview/importValidRows, in this shape.
    verdicts: row.rows as RowVerdict[],
    importedCount: row.imported_count,
    rejectedCount: row.rejected_count,
    importedAt: row.imported_at,
  };
}

/** Who made an import (any admin's): to tell a forged id from someone else's import. */
export async function importOwner(db: Db, id: string): Promise<string | undefined> {
  if (!uuidPattern.test(id)) return undefined;
  const row = await db.selectFrom("user_imports").select("created_by").where("id", "=", id).executeTakeFirst();
  return row?.created_by;
}

export type ImportOutcome =
  | { status: "imported"; imported: number; rejected: number }
  | { status: "alreadyImported" }
  | { status: "notFound" }
  /** Another write took a phone or e-mail between our check and our insert; nothing was written. */
  | { status: "conflict" };

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "23505";
}

/**
 * Imports the rows that passed the preview, all in one transaction. The status gate makes a
 * second confirmation a no-op; rows that fail the re-check are reported, not imported.
 */
export async function importValidRows(
  db: Kysely<Database>,
  input: { importId: string; adminId: string; ip: string | null; actor: Actor },
): Promise<ImportOutcome> {
  if (!uuidPattern.test(input.importId)) return { status: "notFound" };
  try {
    return await db.transaction().execute(async (trx): Promise<ImportOutcome> => {
      const gate = await trx
        .updateTable("user_imports")
        .set({ status: "imported", imported_at: new Date() })
        .where("id", "=", input.importId)
        .where("created_by", "=", input.adminId)
        .where("status", "=", "previewed")
        .returning(["rows", "file_name"])
        .executeTakeFirst();
      if (!gate) {
        const existing = await getImport(trx, input.importId, input.adminId);
        return existing ? { status: "alreadyImported" } : { status: "notFound" };
      }
      const previewed = gate.rows as RowVerdict[];
      // Only rows the preview accepted are checked again; the others keep their reasons.
      const { verdicts: rechecked, orgIds } = await checkAgainstDatabase(trx, previewed.filter(isImportable), input.actor);
      const recheckedByRow = new Map(rechecked.map((v) => [v.row, v]));
      const final = previewed.map((v) => recheckedByRow.get(v.row) ?? v);

      let imported = 0;
      const roleCounts: Record<string, number> = {};
      for (const verdict of final) {
        if (!isImportable(verdict) || !verdict.candidate) continue;
        const { candidate } = verdict;
        await insertUser(
          trx,
          { name: candidate.name, phone: candidate.phone, email: candidate.email, orgUnitId: orgIds.get(verdict.row) ?? null, track: candidate.track },
          candidate.roles,
          input.adminId,
          input.importId,
        );
        imported += 1;
        for (const role of candidate.roles) roleCounts[role] = (roleCounts[role] ?? 0) + 1;
      }
      const rejected = final.length - imported;
      await trx
        .updateTable("user_imports")
        .set({ rows: JSON.stringify(final), imported_count: imported, rejected_count: rejected })
        .where("id", "=", input.importId)
        .execute();
      await recordAudit(trx, {
        actorId: input.adminId,
        action: "users.imported",
        targetType: "user_import",
        targetId: input.importId,
        ip: input.ip,
        details: { fileName: gate.file_name, imported, rejected, roles: roleCounts },
      });
      return { status: "imported", imported, rejected };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { status: "conflict" };
    throw error;
  }
}
