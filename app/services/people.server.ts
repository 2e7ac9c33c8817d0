import type { AppLoadContext } from "@remix-run/node";
import { endAllSessions } from "~/auth.server";
import { db } from "~/db.server";
import { grantProblem, personProblem, type Actor, type GrantProblem, type PersonProblem } from "~/domain/reach";
import type { ParsedUser } from "~/domain/user-input";
import { auditRefusal, type Steward } from "~/guards.server";
import type { MessageKey } from "~/i18n";
import { issueAccessToken } from "~/models/access-tokens.server";
import { recordAudit } from "~/models/audit.server";
import { addMentorUnit } from "~/models/mentor-units.server";
import { placedPerson, unitPath, type PlacedPerson } from "~/models/placement.server";
import { findContactConflict, getUserSummary, insertUser, setUserRoles, setUserStatus, updateUser, type UserSummary } from "~/models/users.server";

// People management by an admin, inside their reach: every write checks the reach rule first and
// audits a refusal, then writes the change and its audit row in one transaction.

export const accessLinkValidHours = 72;

const grantMessages: Record<GrantProblem, MessageKey> = {
  outsideReach: "reach.error.outsideReach",
  roleAboveOwn: "reach.error.roleAboveOwn",
  adminAtOrAbove: "reach.error.adminAtOrAbove",
};
export const personMessages: Record<Exclude<PersonProblem, "outsideReach">, MessageKey> = {
  self: "reach.error.self",
  atOrAbove: "reach.error.atOrAbove",
};

export function actorOf(steward: Steward): Actor {
  return { id: steward.id, roles: steward.roles, reach: steward.reach };
}

export type FieldErrors = Partial<Record<"name" | "phone" | "email" | "orgUnitId" | "roles", MessageKey>>;

/** The roles and unit a form asks for, checked against what the actor may grant there. */
async function checkGrant(steward: Steward, context: AppLoadContext, user: ParsedUser, attempted: string, targetId?: string): Promise<FieldErrors | null> {
  if (user.roles.includes("admin") && !user.orgUnitId) return { orgUnitId: "reach.error.adminNeedsUnit" };
  const path = user.orgUnitId ? await unitPath(db(), user.orgUnitId) : null;
  if (user.orgUnitId && path === undefined) return { orgUnitId: "users.error.org" };
  const problem = grantProblem(actorOf(steward), { roles: user.roles, orgPath: path ?? null });
  if (!problem) return null;
  await auditRefusal(context, { attempted, targetType: targetId ? "user" : undefined, targetId, details: { problem, orgUnitId: user.orgUnitId, roles: user.roles } });
  return problem === "outsideReach" ? { orgUnitId: grantMessages[problem] } : { roles: grantMessages[problem] };
}

export type CreateOutcome = { ok: true; id: string } | { ok: false; errors: FieldErrors; status: number };

export async function createPerson(steward: Steward, context: AppLoadContext, user: ParsedUser): Promise<CreateOutcome> {
  const refused = await checkGrant(steward, context, user, "user.create");
  if (refused) return { ok: false, errors: refused, status: 403 };
  return db()
    .transaction()
    .execute(async (trx): Promise<CreateOutcome> => {
      const conflict = await findContactConflict(trx, user);
      if (conflict) return { ok: false, errors: conflict === "phoneTaken" ? { phone: "form.error.phoneTaken" } : { email: "form.error.emailTaken" }, status: 409 };
      const id = await insertUser(trx, user, user.roles, steward.id);
      await recordAudit(trx, { actorId: steward.id, action: "user.created", targetType: "user", targetId: id, ip: context.ip, details: { roles: user.roles } });
      return { ok: true, id };
    });
}

/**
 * The person an admin opened, with whether they may change them. Someone outside the reach is
 * a 404 (audited); the admin themselves and their peers and superiors are shown read-only.
 */
export async function personInReach(
  steward: Steward,
  context: AppLoadContext,
  userId: string,
  attempted: string,
): Promise<{ user: UserSummary; person: PlacedPerson; readOnly: MessageKey | null } | null> {
  const [user, person] = await Promise.all([getUserSummary(db(), userId), placedPerson(db(), userId)]);
  if (!user || !person) return null;
  const problem = personProblem(actorOf(steward), person);
  if (problem === "outsideReach") {
    await auditRefusal(context, { attempted, targetType: "user", targetId: userId });
    return null;
  }
  return { user, person, readOnly: problem ? personMessages[problem] : null };
}

export type SaveOutcome = { ok: true } | { ok: false; errors: FieldErrors; status: number };

export async function savePerson(steward: Steward, context: AppLoadContext, target: UserSummary, user: ParsedUser): Promise<SaveOutcome> {
  const refused = await checkGrant(steward, context, user, "user.save", target.id);
  if (refused) return { ok: false, errors: refused, status: 403 };
  return db()
    .transaction()
    .execute(async (trx): Promise<SaveOutcome> => {
      const taken = await findContactConflict(trx, user, target.id);
      if (taken) return { ok: false, errors: taken === "phoneTaken" ? { phone: "form.error.phoneTaken" } : { email: "form.error.emailTaken" }, status: 409 };
      await updateUser(trx, target.id, user);
      await setUserRoles(trx, target.id, user.roles, steward.id);
      if (user.roles.includes("mentor") && !target.roles.includes("mentor") && user.orgUnitId) {
        await addMentorUnit(trx, { mentorId: target.id, orgUnitId: user.orgUnitId, addedBy: steward.id });
      }
      await recordAudit(trx, { actorId: steward.id, action: "user.updated", targetType: "user", targetId: target.id, ip: context.ip });
      const before = [...target.roles].sort().join(",");
      const after = [...user.roles].sort().join(",");
      if (before !== after) {
        await recordAudit(trx, {
          actorId: steward.id,
          action: "user.roles_changed",
          targetType: "user",
          targetId: target.id,
          ip: context.ip,
          details: { from: target.roles, to: user.roles },
        });
      }
      return { ok: true };
    });
}

export async function setPersonActive(steward: Steward, context: AppLoadContext, target: UserSummary, active: boolean): Promise<void> {
  await db()
    .transaction()
    .execute(async (trx) => {
      await setUserStatus(trx, target.id, active ? "active" : "deactivated");
      await recordAudit(trx, { actorId: steward.id, action: active ? "user.reactivated" : "user.deactivated", targetType: "user", targetId: target.id, ip: context.ip });
    });
  if (!active) await endAllSessions(target.id);
}

/** A one-time link: an invitation for someone without a password, a reset link otherwise. */
export async function issuePersonLink(steward: Steward, context: AppLoadContext, target: UserSummary): Promise<{ token: string; purpose: "invite" | "reset" }> {
  const purpose = target.hasPassword ? "reset" : "invite";
  const { token } = await db()
    .transaction()
    .execute(async (trx) => {
      const issued = await issueAccessToken(trx, { userId: target.id, purpose, createdBy: steward.id, validHours: accessLinkValidHours });
      await recordAudit(trx, { actorId: steward.id, action: "user.link_issued", targetType: "user", targetId: target.id, ip: context.ip, details: { purpose } });
      return issued;
    });
  return { token, purpose };
}
