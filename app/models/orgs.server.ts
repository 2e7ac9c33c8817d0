import { sql } from "kysely";
import { levelOf, type OrgKind } from "~/domain/org-tree";
import type { OrgUnit, TrackColumn } from "../../db/schema";
import type { Db } from "./types";

/** Units of the tree; with `maxLevel`, only the levels down to it (a region picker needs no schools). */
export async function listOrgUnits(db: Db, options: { includeArchived?: boolean; maxLevel?: number; under?: string } = {}): Promise<OrgUnit[]> {
  let q = db.selectFrom("org_units").selectAll();
  if (!options.includeArchived) q = q.where("archived_at", "is", null);
  // A subtree (paths are ids and slashes): the unit at this path and everything below it.
  if (options.under !== undefined) q = q.where("path", "like", `${options.under}%`);
  if (options.maxLevel !== undefined) q = q.where("level", "<=", options.maxLevel);
  return q.orderBy("level").orderBy("name").execute();
}

/** Active units, only what a tree-ordered list of names needs (no dates to parse per unit): a subtree, to a level. */
export async function listOrgUnitNames(db: Db, options: { maxLevel?: number; under?: string; ids?: readonly string[] }) {
  if (options.ids?.length === 0) return [];
  return db
    .selectFrom("org_units")
    .select(["id", "name", "path"])
    .where("archived_at", "is", null)
    .$if(options.under !== undefined, (q) => q.where("path", "like", `${options.under}%`))
    .$if(options.maxLevel !== undefined, (q) => q.where("level", "<=", options.maxLevel!))
    .$if(options.ids !== undefined, (q) => q.where("id", "in", [...options.ids!]))
    .execute();
}

export async function getOrgUnit(db: Db, id: string): Promise<OrgUnit | undefined> {
  return db.selectFrom("org_units").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The names from the root down to the node, e.g. 全国工作组/山西省/运城市. */
export function namePathOf(unit: Pick<OrgUnit, "path">, byId: Map<string, Pick<OrgUnit, "name">>): string {
  return unit.path
    .split("/")
    .filter(Boolean)
    .map((id) => byId.get(id)?.name ?? "?")
    .join("/");
}

/** Finds an active node by its name path ("山西省/运城市" may omit the national root). */
export async function findOrgByNamePath(db: Db, namePath: string): Promise<OrgUnit | undefined> {
  const units = await listOrgUnits(db);
  const byId = new Map(units.map((u) => [u.id, u]));
  const wanted = namePath
    .split(/[/／>]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .join("/");
  return units.find((u) => {
    const full = namePathOf(u, byId);
    return full === wanted || full.split("/").slice(1).join("/") === wanted;
  });
}

export async function createOrgUnit(
  db: Db,
  input: { parentId: string | null; kind: OrgKind; name: string; track: TrackColumn | null },
): Promise<string> {
  const parent = input.parentId ? await getOrgUnit(db, input.parentId) : undefined;
  const row = await db
    .insertInto("org_units")
    .values({
      parent_id: input.parentId,
      level: levelOf(input.kind),
      kind: input.kind,
      name: input.name,
      track: input.track,
      path: `pending-${crypto.randomUUID()}`,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .updateTable("org_units")
    .set({ path: `${parent?.path ?? "/"}${row.id}/` })
    .where("id", "=", row.id)
    .execute();
  return row.id;
}

export async function renameOrgUnit(db: Db, id: string, name: string) {
  await db.updateTable("org_units").set({ name }).where("id", "=", id).execute();
}

/**
 * Moves a node and its whole subtree under a new parent (paths rebased in one statement).
 * `node` must be fresh (read under lockOrgUnits): its path is the prefix being replaced.
 * Returns how many rows were rebased, the node included.
 */
export async function moveOrgUnit(db: Db, node: OrgUnit, newParent: OrgUnit): Promise<number> {
  const newPath = `${newParent.path}${node.id}/`;
  await db.updateTable("org_units").set({ parent_id: newParent.id }).where("id", "=", node.id).execute();
  const result = await db
    .updateTable("org_units")
    .set({ path: sql<string>`${newPath}::text || substr(path, ${node.path.length + 1}::int)` })
    .where("path", "like", `${node.path}%`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Archives a node and its subtree. Archived nodes keep their rows: people and records still point at them.
 * Returns how many units were archived by this call.
 */
export async function archiveOrgUnit(db: Db, node: OrgUnit): Promise<number> {
  const result = await db
    .updateTable("org_units")
    .set({ archived_at: new Date() })
    .where("path", "like", `${node.path}%`)
    .where("archived_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function countActiveMembers(db: Db, node: OrgUnit): Promise<number> {
  const row = await db
    .selectFrom("users as u")
    .innerJoin("org_units as o", "o.id", "u.org_unit_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("o.path", "like", `${node.path}%`)
    .where("u.status", "=", "active")
    .executeTakeFirstOrThrow();
  return row.n;
}

/**
 * Reads these units and locks their rows until the transaction ends, in id order so two
 * concurrent tree changes cannot deadlock. Changes to a parent's children lock the parent.
 */
export async function lockOrgUnits(db: Db, ids: string[]): Promise<Map<string, OrgUnit>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom("org_units").selectAll().where("id", "in", ids).orderBy("id").forUpdate().execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** The active children of a node (or the active roots when `parentId` is null). */
export async function listActiveChildren(db: Db, parentId: string | null): Promise<OrgUnit[]> {
  let q = db.selectFrom("org_units").selectAll().where("archived_at", "is", null);
  q = parentId ? q.where("parent_id", "=", parentId) : q.where("parent_id", "is", null);
  return q.execute();
}

/** Active members of every unit's subtree (its own people and those of all its descendants), by unit id. */
export async function activeMemberCountsBySubtree(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("users as u")
    .innerJoin("org_units as o", "o.id", "u.org_unit_id")
    .select(["o.path", (eb) => eb.fn.countAll<number>().as("n")])
    .where("u.status", "=", "active")
    .groupBy("o.path")
    .execute();
  const counts = new Map<string, number>();
  for (const row of rows) {
    for (const id of row.path.split("/").filter(Boolean)) counts.set(id, (counts.get(id) ?? 0) + Number(row.n));
  }
  return counts;
}

/** Active units inside `withinPath` whose name holds `q`, each with its name path from the root. */
export async function searchOrgUnits(db: Db, f: { q: string; withinPath: string; limit: number }) {
  const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const base = db
    .selectFrom("org_units")
    .where("archived_at", "is", null)
    // Candidates from the pieces index (migration 2026-11-30-20), then the exact fragment.
    .where(sql<boolean>`search_grams(name) @> search_query_grams(${f.q})`)
    .where("name", "ilike", like)
    .where("path", "like", `${f.withinPath}%`);
  const [rows, count] = await Promise.all([
    base.select(["id", "name", "kind", "path"]).orderBy(sql`length(path)`).orderBy("name").limit(f.limit).execute(),
    base.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
  ]);
  const ancestorIds = [...new Set(rows.flatMap((r) => r.path.split("/").filter(Boolean)))];
  const names = ancestorIds.length ? await db.selectFrom("org_units").select(["id", "name"]).where("id", "in", ancestorIds).execute() : [];
  const byId = new Map(names.map((n) => [n.id, n]));
  return { rows: rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, label: namePathOf(r, byId) })), total: Number(count.n) };
}
