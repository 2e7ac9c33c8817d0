import { sql } from "kysely";
import { levelOf, type OrgKind } from "~/domain/org-tree";
import type { OrgUnit, TrackColumn } from "../../db/schema";
import type { Db } from "./types";

export async function listOrgUnits(db: Db, options: { includeArchived?: boolean } = {}): Promise<OrgUnit[]> {
  let q = db.selectFrom("org_units").selectAll();
  if (!options.includeArchived) q = q.where("archived_at", "is", null);
  return q.orderBy("level").orderBy("name").execute();
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

/** Moves a node and its whole subtree under a new parent (paths rebased in one statement). */
export async function moveOrgUnit(db: Db, node: OrgUnit, newParent: OrgUnit) {
  const newPath = `${newParent.path}${node.id}/`;
  await db.updateTable("org_units").set({ parent_id: newParent.id }).where("id", "=", node.id).execute();
  await db
    .updateTable("org_units")
    .set({ path: sql`${newPath} || substr(path, ${node.path.length + 1})` })
    .where("path", "like", `${node.path}%`)
    .execute();
}

/** Archives a node and its subtree. Archived nodes keep their rows: people and records still point at them. */
export async function archiveOrgUnit(db: Db, node: OrgUnit) {
  await db
    .updateTable("org_units")
    .set({ archived_at: new Date() })
    .where("path", "like", `${node.path}%`)
    .where("archived_at", "is", null)
    .execute();
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
