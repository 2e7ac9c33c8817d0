import { sql } from "kysely";
import type { ExportTable } from "../../db/schema";
import { pageOf, type PageRequest } from "~/domain/keyset";
import { cursorTime, keysetPage, type KeyColumn } from "./keyset.server";
import type { Db } from "./types";

export async function createExport(db: Db, input: { kind: ExportTable["kind"]; params: Record<string, unknown>; createdBy: string }): Promise<string> {
  const row = await db
    .insertInto("exports")
    .values({ kind: input.kind, params: JSON.stringify(input.params), created_by: input.createdBy })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function getExport(db: Db, id: string) {
  return db.selectFrom("exports").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The exports list's order: newest first, then id. */
export const exportListKey: KeyColumn[] = [
  { ref: "e.created_at", kind: "timestamp" },
  { ref: "e.id", kind: "uuid" },
];

/** One page of an admin's own exports, newest first (keyset pagination). */
export async function listExports(db: Db, createdBy: string, page: PageRequest) {
  const rows = await keysetPage(
    db.selectFrom("exports as e").selectAll("e").select(cursorTime("e.created_at").as("cursor_at")).where("e.created_by", "=", createdBy),
    exportListKey,
    "desc",
    page,
  ).execute();
  return pageOf(rows, page, (r) => [r.cursor_at, r.id]);
}

export async function updateExport(db: Db, id: string, fields: Partial<Pick<ExportTable, "rows_total" | "file_key" | "error">> & { status?: "running" | "done" | "failed"; rowsDone?: number }) {
  await db
    .updateTable("exports")
    .set({
      ...(fields.status && { status: fields.status }),
      ...(fields.rows_total !== undefined && { rows_total: fields.rows_total }),
      ...(fields.rowsDone !== undefined && { rows_done: fields.rowsDone }),
      ...(fields.file_key !== undefined && { file_key: fields.file_key }),
      ...(fields.error !== undefined && { error: fields.error }),
      ...(fields.status === "done" || fields.status === "failed" ? { finished_at: new Date() } : {}),
    })
    .where("id", "=", id)
    .execute();
}

function traineesIn(db: Db, scope: { regionPath: string; track?: string }) {
  let q = db
    .selectFrom("users as u")
    .innerJoin("user_roles as r", (j) => j.onRef("r.user_id", "=", "u.id").on("r.role", "=", "trainee"))
    .innerJoin("org_units as o", "o.id", "u.org_unit_id")
    .where("o.path", "like", `${scope.regionPath}%`);
  if (scope.track === "campus" || scope.track === "community") q = q.where("u.track", "=", scope.track);
  return q;
}

export async function countTrainees(db: Db, scope: { regionPath: string; track?: string }): Promise<number> {
  const row = await traineesIn(db, scope).select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One page of trainees (keyset on id) with their progress, grades, field work and certificates. */
export async function traineeReportPage(db: Db, scope: { regionPath: string; track?: string }, afterId: string | null, limit: number) {
  let q = traineesIn(db, scope)
    .select([
      "u.id",
      "u.name",
      "u.phone",
      "u.email",
      "u.track",
      "u.status",
      "o.name as org",
      sql<number>`(select count(*) from module_progress mp where mp.user_id = u.id)`.as("modules_read"),
      sql<number>`(select count(*) from submissions s where s.user_id = u.id and s.status = 'passed')`.as("tasks_passed"),
      sql<number | null>`(select round(avg(s.score)) from submissions s where s.user_id = u.id and s.score is not null)`.as("mean_score"),
      sql<number>`(select count(*) from submissions s where s.user_id = u.id and s.type = 'field_work' and s.status = 'passed')`.as("field_work"),
      sql<number>`(select coalesce(sum(s.people_reached), 0) from submissions s where s.user_id = u.id and s.type = 'field_work' and s.status = 'passed')`.as("people"),
      sql<Array<{ number: string; tier: string; status: string }>>`(select coalesce(json_agg(json_build_object('number', c.number, 'tier', c.tier, 'status', c.status) order by c.issued_at), '[]'::json) from certificates c where c.user_id = u.id)`.as("certificates"),
    ])
    .orderBy("u.id")
    .limit(limit);
  if (afterId) q = q.where("u.id", ">", afterId);
  return q.execute();
}
