import { sql, type Kysely } from "kysely";

// The admin search's unit look-up at programme scale (issue 16, /admin/search): 20,000 units were an
// ILIKE over every name. The same 1–3 character pieces index as people and certificates (migration
// 2026-11-30-09) finds the candidates; the ILIKE then checks each.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index org_units_search_idx on org_units using gin (search_grams(name)) where archived_at is null`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists org_units_search_idx`.execute(db);
}
