import { treeOrder } from "~/domain/org-tree";
import { listOrgUnitNames, namePathOf } from "./orgs.server";
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
  const within = options.within;
  // With `labelsFromWithin`, labels start at the subtree's own unit (a trainee reads 实验中学/初二（3）班, not the national path).
  const above = within ? within.split("/").filter(Boolean).slice(0, -1) : [];
  // Only the subtree is read (a trainee's school, not 20,000 units), and the units above it only for labels from the root.
  // With `maxLevel`, the top of the tree only: a region filter offers provinces and cities, not 20,000 schools.
  const [units, ancestors] = await Promise.all([
    listOrgUnitNames(db, { under: within, maxLevel: options.maxLevel }),
    above.length && !options.labelsFromWithin ? listOrgUnitNames(db, { ids: above }) : Promise.resolve([]),
  ]);
  const byId = new Map([...ancestors, ...units].map((u) => [u.id, u]));
  const skip = within && options.labelsFromWithin ? above.length : 0;
  return treeOrder(units).map((u) => ({
    id: u.id,
    path: u.path,
    label: namePathOf(u, byId).split("/").slice(skip).join("/"),
  }));
}
