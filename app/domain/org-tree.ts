// The 6-level organisation tree: national → province → city → district → site → group.
export const orgKinds = ["national", "province", "city", "district", "site", "group"] as const;
export type OrgKind = (typeof orgKinds)[number];
export type OrgTrack = "campus" | "community";

export function isOrgKind(value: string): value is OrgKind {
  return (orgKinds as readonly string[]).includes(value);
}

export function levelOf(kind: OrgKind): number {
  return orgKinds.indexOf(kind) + 1;
}

export function childKindOf(kind: OrgKind): OrgKind | null {
  return orgKinds[levelOf(kind)] ?? null;
}

export function parentKindOf(kind: OrgKind): OrgKind | null {
  return orgKinds[levelOf(kind) - 2] ?? null;
}

export interface OrgPlacement {
  id: string;
  kind: OrgKind;
  path: string;
  archived: boolean;
  /** Left out when the caller does not care about tracks. */
  track?: OrgTrack | null;
}

export type MoveProblem = "intoItself" | "wrongLevel" | "archivedNode" | "archivedParent" | "sameParent" | "trackMismatch";

/** The parent's path: the node's path without its own last segment. */
export function parentPathOf(path: string): string {
  return path.replace(/[^/]+\/$/, "");
}

/** May `node` be moved under `newParent`? Levels stay fixed (a city stays under a province). */
export function checkMove(node: OrgPlacement, newParent: OrgPlacement): MoveProblem | null {
  if (newParent.path.startsWith(node.path)) return "intoItself";
  if (levelOf(newParent.kind) !== levelOf(node.kind) - 1) return "wrongLevel";
  if (node.archived) return "archivedNode";
  if (newParent.archived) return "archivedParent";
  if (parentPathOf(node.path) === newParent.path) return "sameParent";
  if (newParent.track && node.track && newParent.track !== node.track) return "trackMismatch";
  return null;
}

/** The new materialised path of a descendant after its ancestor moved. */
export function rebasePath(path: string, oldPrefix: string, newPrefix: string): string {
  return path.startsWith(oldPrefix) ? newPrefix + path.slice(oldPrefix.length) : path;
}

export const orgNameMaxLength = 60;

/** What an administrator typed, trimmed and with runs of spaces collapsed. */
export function cleanOrgName(raw: string): string {
  return raw.replace(/\s+/g, " ").trim();
}

/** Counts characters as people do (一 is one, so is 😀), not UTF-16 units. */
export function orgNameLength(name: string): number {
  return [...name].length;
}

export type NameProblem = "empty" | "tooLong";

export function checkOrgName(name: string): NameProblem | null {
  if (!name) return "empty";
  if (orgNameLength(name) > orgNameMaxLength) return "tooLong";
  return null;
}

/** Sibling names clash when they differ only in width, case or spacing (初二（3）班 = 初二 (3)班). */
export function sameOrgName(a: string, b: string): boolean {
  const key = (s: string) => s.normalize("NFKC").replace(/\s+/g, "").toLowerCase();
  return key(a) === key(b);
}

/** Schools, community centres, classes and grids belong to exactly one track. */
export function trackRequired(kind: OrgKind): boolean {
  return levelOf(kind) >= levelOf("site");
}

export type TrackProblem = "trackRequired" | "trackMismatch";

/** The track a new child may have: required at site/group level, and never different from its parent's. */
export function checkChildTrack(kind: OrgKind, track: OrgTrack | null, parentTrack: OrgTrack | null): TrackProblem | null {
  if (!track && trackRequired(kind)) return "trackRequired";
  if (track && parentTrack && track !== parentTrack) return "trackMismatch";
  return null;
}

/** A unit placed in a tree-ordered list: `depth` counts from the shallowest unit listed (0). */
export type InTreeOrder<T> = T & { depth: number };

// One collator for every comparison: localeCompare(…, "zh-CN") looks the locale up on each call.
const pinyinOrder = new Intl.Collator("zh-CN");

/** A path's place in the tree: the positions of the units listed at it, and the paths below it. */
interface PathNode {
  units: number[];
  children: Map<string, PathNode>;
}

/**
 * Units in tree order: each child right under its parent, siblings by name (pinyin order, then id
 * so namesakes never interleave their children). Ancestors missing from the list sort as equals.
 */
export function treeOrder<T extends { id: string; name: string; path: string }>(units: readonly T[]): Array<InTreeOrder<T>> {
  // The same list (ids, names and paths, in the same order) is ordered once: the tree rarely changes and
  // pages offering it as options (orgOptions) ask for it on every view. The positions are kept, not the units.
  const key = units.map((u) => `${u.id}\u0000${u.name}\u0000${u.path}`).join("\u0001");
  let order = orderedBefore.get(key);
  if (order) {
    orderedBefore.delete(key);
  } else {
    order = placeInTree(units);
    if (orderedBefore.size >= orderedBeforeCap) orderedBefore.delete(orderedBefore.keys().next().value!);
  }
  if (key.length <= orderedBeforeMaxKey) orderedBefore.set(key, order);
  return order.map(([at, depth]) => ({ ...units[at]!, depth }));
}

/** Recently ordered lists (their positions and depths), least recently used first. */
const orderedBefore = new Map<string, ReadonlyArray<readonly [number, number]>>();
const orderedBeforeCap = 16;
/** Lists of up to a few thousand units are kept; a whole large tree is ordered each time. */
const orderedBeforeMaxKey = 1_000_000;

function placeInTree<T extends { id: string; name: string; path: string }>(units: readonly T[]): Array<readonly [number, number]> {
  const byId = new Map(units.map((u) => [u.id, u]));
  const nameOf = (id: string) => byId.get(id)?.name ?? "";
  // The paths as a tree, each unit on its own path's node: only siblings are compared, not every pair a
  // sort of the whole list meets (~1,000 name comparisons instead of ~6,000 for 626 regions).
  const top: PathNode = { units: [], children: new Map() };
  let shallowest = Infinity;
  for (const [at, unit] of units.entries()) {
    const segments = unit.path.split("/").filter(Boolean);
    shallowest = Math.min(shallowest, segments.length);
    let node: PathNode = top;
    for (const id of segments) {
      let next = node.children.get(id);
      if (!next) node.children.set(id, (next = { units: [], children: new Map() }));
      node = next;
    }
    node.units.push(at);
  }
  const ordered: Array<readonly [number, number]> = [];
  const visit = (node: PathNode, depth: number) => {
    for (const at of node.units) ordered.push([at, depth - shallowest]);
    const ids = [...node.children.keys()].sort((a, b) => pinyinOrder.compare(nameOf(a), nameOf(b)) || (a < b ? -1 : 1));
    for (const id of ids) visit(node.children.get(id)!, depth + 1);
  };
  visit(top, 0);
  return ordered;
}

/** A name indented by its depth (full-width spaces), for a <select> or an exported column. */
export function indentedName(unit: { name: string; depth: number }): string {
  return `${"\u3000".repeat(unit.depth)}${unit.name}`;
}

/** Sub-regions listed per page when choosing a region a level at a time: a city may have hundreds of schools under it. */
export const childrenPerPage = 30;
