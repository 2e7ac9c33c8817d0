// The 6-level organisation tree: national → province → city → district → site → group.
export const orgKinds = ["national", "province", "city", "district", "site", "group"] as const;
export type OrgKind = (typeof orgKinds)[number];

export function levelOf(kind: OrgKind): number {
  return orgKinds.indexOf(kind) + 1;
}

export function childKindOf(kind: OrgKind): OrgKind | null {
  return orgKinds[levelOf(kind)] ?? null;
}

export interface OrgPlacement {
  id: string;
  kind: OrgKind;
  path: string;
  archived: boolean;
}

export type MoveProblem = "intoItself" | "wrongLevel" | "archivedParent";

/** May `node` be moved under `newParent`? Levels stay fixed (a city stays under a province). */
export function checkMove(node: OrgPlacement, newParent: OrgPlacement): MoveProblem | null {
  if (newParent.path.startsWith(node.path)) return "intoItself";
  if (levelOf(newParent.kind) !== levelOf(node.kind) - 1) return "wrongLevel";
  if (newParent.archived) return "archivedParent";
  return null;
}

/** The new materialised path of a descendant after its ancestor moved. */
export function rebasePath(path: string, oldPrefix: string, newPrefix: string): string {
  return path.startsWith(oldPrefix) ? newPrefix + path.slice(oldPrefix.length) : path;
}
