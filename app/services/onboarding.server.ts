import type { AppLoadContext } from "@remix-run/node";
import QRCode from "qrcode";
import { db } from "~/db.server";
import { countHandoutStates, handoutLinkValidHours, handoutStateOf, needsNewLink, type HandoutCounts, type HandoutState } from "~/domain/onboarding";
import { personProblem } from "~/domain/reach";
import { auditRefusal, notFound, type Steward } from "~/guards.server";
import { translate } from "~/i18n";
import { issueAccessToken } from "~/models/access-tokens.server";
import { recordAudit } from "~/models/audit.server";
import { listImportedPeople, type ImportedPerson } from "~/models/onboarding.server";
import { getImport, importOwner, type UserImport } from "~/models/user-imports.server";
import { publicOrigin } from "./certificate-document.server";
import { actorOf } from "./people.server";

// Bulk onboarding after an import (docs/decisions/014-onboarding.md): links for every new person,
// the list and the printable sheet, new links for the expired ones. Only the admin who made the
// import sees it, and only the people still inside their reach.

/**
 * The import of this administrator, or a 404. Someone else's import is a refusal worth auditing
 * (another region's roster); an id that names nothing is not.
 */
export async function ownImport(steward: Steward, context: AppLoadContext, importId: string | undefined, attempted: string): Promise<UserImport> {
  const found = importId ? await getImport(db(), importId, steward.id) : undefined;
  if (found) return found;
  if (importId && (await importOwner(db(), importId))) await auditRefusal(context, { attempted, targetType: "user_import", targetId: importId });
  throw notFound(translate("zh-CN", "import.notFound"));
}

export interface Handout {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  orgName: string | null;
  state: HandoutState;
  /** The invitation address, only while the link works. */
  url: string | null;
  expiresAt: string | null;
}

export interface ImportHandouts {
  people: Handout[];
  counts: HandoutCounts;
  /** People of the import who have since moved outside the admin's reach: left out, never shown. */
  outsideReach: number;
}

const inviteUrl = (token: string) => `${publicOrigin().replace(/\/+$/, "")}/invite/${token}`;

function split(steward: Steward, people: ImportedPerson[]) {
  const actor = actorOf(steward);
  const inside = people.filter((p) => personProblem(actor, { id: p.id, roles: p.roles, orgPath: p.orgPath }) === null);
  return { inside, outside: people.length - inside.length };
}

/** The people of an import with where their links stand, as the admin may see them. */
export async function importHandouts(steward: Steward, imported: UserImport, now = new Date()): Promise<ImportHandouts> {
  const { inside, outside } = split(steward, await listImportedPeople(db(), imported.id));
  const people = inside.map((p): Handout => {
    const state = handoutStateOf(p, now);
    return {
      id: p.id,
      name: p.name,
      phone: p.phone,
      email: p.email,
      orgName: p.orgName,
      state,
      url: state === "active" && p.link?.token ? inviteUrl(p.link.token) : null,
      expiresAt: p.link && (state === "active" || state === "expired") ? p.link.expiresAt.toISOString() : null,
    };
  });
  return { people, counts: countHandoutStates(people.map((p) => p.state)), outsideReach: outside };
}

export type MakeLinksOutcome = { status: "issued"; issued: number } | { status: "notImported" } | { status: "nothingToDo" };

/**
 * Makes an invitation link for everyone of the import who has no working one: never made, replaced,
 * or expired. Live links are kept (a printed sheet stays valid); people who set a password get none.
 * One transaction, with the import row locked so two clicks make one batch.
 */
export async function makeImportLinks(steward: Steward, context: AppLoadContext, imported: UserImport): Promise<MakeLinksOutcome> {
  if (imported.status !== "imported") return { status: "notImported" };
  const result = await db()
    .transaction()
    .execute(async (trx) => {
      await trx.selectFrom("user_imports").select("id").where("id", "=", imported.id).forUpdate().executeTakeFirstOrThrow();
      const { inside, outside } = split(steward, await listImportedPeople(trx, imported.id));
      const now = new Date();
      const due = inside.filter((p) => needsNewLink(handoutStateOf(p, now)));
      for (const person of due) {
        await issueAccessToken(trx, { userId: person.id, purpose: "invite", createdBy: steward.id, validHours: handoutLinkValidHours, handoutFor: imported.id });
      }
      if (due.length) {
        await recordAudit(trx, {
          actorId: steward.id,
          action: "users.links_issued",
          targetType: "user_import",
          targetId: imported.id,
          ip: context.ip,
          details: { fileName: imported.fileName, count: due.length },
        });
      }
      return { issued: due.length, outside };
    });
  if (result.outside) await auditRefusal(context, { attempted: "users.links", targetType: "user_import", targetId: imported.id, details: { outsideReach: result.outside } });
  return result.issued ? { status: "issued", issued: result.issued } : { status: "nothingToDo" };
}

/** The working links of an import for a download, the download audited (a list of sign-in links is a credential). */
export async function handoutsForDownload(steward: Steward, context: AppLoadContext, imported: UserImport, format: "csv" | "sheet"): Promise<Handout[]> {
  const { people } = await importHandouts(steward, imported);
  const live = people.filter((p) => p.url !== null);
  await recordAudit(db(), {
    actorId: steward.id,
    action: "users.links_downloaded",
    targetType: "user_import",
    targetId: imported.id,
    ip: context.ip,
    details: { fileName: imported.fileName, count: live.length, format },
  });
  return live;
}

/** A QR code of an invitation address as an SVG we draw from our own URL: no script, safe to inline. */
export function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
}
