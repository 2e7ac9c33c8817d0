// Who may act where (docs/decisions/008-reach.md). An admin's reach is the subtree of the org unit
// they belong to; a programme admin belongs to the root. Nobody's reach comes from *lacking* a unit.
import { roles as allRoles, type Role } from "./roles";

/** The subtree an admin may act in: their own unit and everything below it. */
export interface Reach {
  unitId: string;
  /** The unit's materialised path, "/root-id/…/unit-id/". */
  path: string;
}

/** Where something sits in the tree: the path of the unit it belongs to, or null when it has none. */
export type OrgPath = string | null;

/** An admin's reach, or null when they belong to no unit (and so may act nowhere). */
export function reachOf(placement: { orgUnitId: string | null; orgPath: OrgPath }): Reach | null {
  return placement.orgUnitId && placement.orgPath ? { unitId: placement.orgUnitId, path: placement.orgPath } : null;
}

/** How deep a path lies: the root is 1. */
export function depthOf(path: string): number {
  return path.split("/").filter(Boolean).length;
}

/** A programme admin: attached to the root of the tree. */
export function isProgrammeWide(reach: Reach | null): boolean {
  return reach !== null && depthOf(reach.path) === 1;
}

/**
 * Is something placed at `path` inside the reach? Unplaced people and objects belong to the
 * programme as a whole, so only a programme admin reaches them.
 */
export function inReach(reach: Reach | null, path: OrgPath): boolean {
  if (!reach) return false;
  if (path === null) return isProgrammeWide(reach);
  return path.startsWith(reach.path);
}

/** Strictly inside the reach: below the admin's own unit, not the unit itself. */
export function belowReach(reach: Reach | null, path: OrgPath): boolean {
  return reach !== null && path !== null && path !== reach.path && path.startsWith(reach.path);
}

/** Roles by rank: nobody grants a role ranked above their own highest. */
export function roleRank(role: Role): number {
  return allRoles.indexOf(role);
}

export function highestRank(held: readonly Role[]): number {
  return Math.max(-1, ...held.map(roleRank));
}

/** Roles this person may hand out: up to their own. */
export function grantableRoles(held: readonly Role[]): Role[] {
  const top = highestRank(held);
  return allRoles.filter((r) => roleRank(r) <= top);
}

export interface Person {
  id: string;
  roles: readonly Role[];
  orgPath: OrgPath;
}

export interface Actor {
  id: string;
  roles: readonly Role[];
  reach: Reach | null;
}

/**
 * Is this person "at or above" the actor? An admin placed at the actor's own unit or higher is a
 * peer or a superior; so is the actor themselves.
 */
export function atOrAboveActor(actor: Actor, person: Person): boolean {
  if (person.id === actor.id) return true;
  if (highestRank(person.roles) < highestRank(actor.roles)) return false;
  return !belowReach(actor.reach, person.orgPath);
}

export type PersonProblem = "outsideReach" | "self" | "atOrAbove";

/** May the actor edit, reset, deactivate or invite this person? */
export function personProblem(actor: Actor, person: Person): PersonProblem | null {
  if (!inReach(actor.reach, person.orgPath)) return "outsideReach";
  if (person.id === actor.id) return "self";
  if (atOrAboveActor(actor, person)) return "atOrAbove";
  return null;
}

export type GrantProblem = "outsideReach" | "roleAboveOwn" | "adminAtOrAbove";

/**
 * May the actor give a person placed at `orgPath` these roles? Only inside the reach, only roles up
 * to their own, and an admin role only strictly below the actor's own unit (or they would create a
 * peer they could then never manage).
 */
export function grantProblem(actor: Actor, grant: { roles: readonly Role[]; orgPath: OrgPath }): GrantProblem | null {
  if (!inReach(actor.reach, grant.orgPath)) return "outsideReach";
  const top = highestRank(actor.roles);
  if (grant.roles.some((r) => roleRank(r) > top)) return "roleAboveOwn";
  if (grant.roles.some((r) => roleRank(r) >= top) && !belowReach(actor.reach, grant.orgPath)) return "adminAtOrAbove";
  return null;
}

export type UnitChange = "createChild" | "rename" | "move" | "archive" | "setTarget" | "markMilestone";
export type UnitProblem = "outsideReach" | "ownUnit";

/**
 * May the actor make this change to the unit at `unitPath`? Children may be added under the
 * actor's own unit; a unit itself may be renamed, moved or archived only strictly below it.
 */
export function unitProblem(actor: Actor, change: UnitChange, unitPath: string): UnitProblem | null {
  if (!inReach(actor.reach, unitPath)) return "outsideReach";
  const onOwnUnitAllowed: readonly UnitChange[] = ["createChild", "setTarget", "markMilestone"];
  if (!onOwnUnitAllowed.includes(change) && !belowReach(actor.reach, unitPath)) return "ownUnit";
  return null;
}

/**
 * The path prefix a listing filters by: the chosen region (already checked to lie in the reach),
 * else the reach itself; undefined for a programme admin, who also sees what belongs to no unit.
 */
export function listingPrefix(reach: Reach, regionPath?: string): string | undefined {
  if (regionPath) return regionPath;
  return isProgrammeWide(reach) ? undefined : reach.path;
}

export type EvidenceAccess = "allowed" | "outsideReach" | "denied";

/**
 * Who may open a submission's evidence: its owner, a mentor currently assigned to it, or an admin
 * whose reach covers the trainee's unit. An admin outside it is told apart so it can be audited.
 */
export function evidenceAccess(
  viewer: { id: string; roles: readonly Role[]; orgUnitId: string | null; orgPath: OrgPath },
  parties: { ownerId: string; assignedMentorId: string | null; orgPath: OrgPath },
): EvidenceAccess {
  if (parties.ownerId === viewer.id) return "allowed";
  if (parties.assignedMentorId === viewer.id && viewer.roles.includes("mentor")) return "allowed";
  if (!viewer.roles.includes("admin")) return "denied";
  return inReach(reachOf(viewer), parties.orgPath) ? "allowed" : "outsideReach";
}
