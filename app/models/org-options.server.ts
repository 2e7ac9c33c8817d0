import { listOrgUnits, namePathOf } from "./orgs.server";
import type { Db } from "./types";

/**
 * Active org units as select options labelled by their name path, in tree order (each child right
 * under its parent). With `within`, only that subtree: an admin is offered their own reach.
 */
export async function orgOptions(db: Db, options: { within?: string } = {}): Promise<Array<{ id: string; label: string; path: string }>> {
  const units = await listOrgUnits(db);
  const byId = new Map(units.map((u) => [u.id, u]));
  const within = options.within;
  const key = (path: string) =>
    path
      .split("/")
      .filter(Boolean)
      .map((id) => byId.get(id)?.name ?? "");
  return units
    .filter((u) => !within || u.path.startsWith(within))
    .map((u) => ({ id: u.id, path: u.path, label: namePathOf(u, byId), sortKey: key(u.path) }))
    .sort((a, b) => compareTreeKeys(a.sortKey, b.sortKey))
    .map(({ id, path, label }) => ({ id, path, label }));
}

/** Parents before children, siblings by name (pinyin order). */
function compareTreeKeys(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const c = a[i]!.localeCompare(b[i]!, "zh-CN");
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
