import { listOrgUnits, namePathOf } from "./orgs.server";
import type { Db } from "./types";

/** Active org units as select options labelled by their name path, in tree order. */
export async function orgOptions(db: Db): Promise<Array<{ id: string; label: string; path: string }>> {
  const units = await listOrgUnits(db);
  const byId = new Map(units.map((u) => [u.id, u]));
  return units
    .map((u) => ({ id: u.id, path: u.path, label: namePathOf(u, byId) }))
    .sort((a, b) => a.label.localeCompare(b.label, "zh-CN"));
}
