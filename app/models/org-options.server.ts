import { treeOrder } from "~/domain/org-tree";
import { listOrgUnits, namePathOf } from "./orgs.server";
import type { Db } from "./types";

/**
 * Active org units as select options labelled by their name path, in tree order (each child right
 * under its parent). With `within`, only that subtree: an admin is offered their own reach, a
 * trainee their own unit and the units below it.
 */
export async function orgOptions(
  db: Db,
  options: { within?: string; labelsFromWithin?: boolean; maxLevel?: number } = {},
): Promise<Array<{ id: string; label: string; path: string }>> {
  // With `maxLevel`, the top of the tree only: a region filter offers provinces and cities, not 20,000 schools.
  const units = await listOrgUnits(db, { maxLevel: options.maxLevel });
  const byId = new Map(units.map((u) => [u.id, u]));
  const within = options.within;
  // With `labelsFromWithin`, labels start at the subtree's own unit (a trainee reads 实验中学/初二（3）班, not the national path).
  const skip = within && options.labelsFromWithin ? within.split("/").filter(Boolean).length - 1 : 0;
  return treeOrder(units.filter((u) => !within || u.path.startsWith(within))).map((u) => ({
    id: u.id,
    path: u.path,
    label: namePathOf(u, byId).split("/").slice(skip).join("/"),
  }));
}
