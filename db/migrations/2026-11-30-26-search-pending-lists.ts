import { sql, type Kysely } from "kysely";

// /admin/search and /admin/users?q= at full size (issue 16): the people search read 377 index pages to
// find 52 rows (3.4 ms; 4 pages once the pending list was merged, 0.1 ms). A GIN index keeps new entries in
// a pending list that every search reads through until vacuum or until it reaches gin_pending_list_limit
// (4 MB, ~500 pages). Every piece of a trainee's activity moves users.last_active_at, which is indexed, so
// each one re-adds the person's grams to that list. The search indexes now merge it at 64 kB (8 pages):
// a writer now and then merges a small list, and a search never reads a long one.

const searchIndexes = ["users_search_idx", "certificates_search_idx", "org_units_search_idx"] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  for (const index of searchIndexes) {
    await sql`alter index ${sql.ref(index)} set (gin_pending_list_limit = 64)`.execute(db);
    await sql`select gin_clean_pending_list(${index}::regclass)`.execute(db);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function down(db: Kysely<any>): Promise<void> {
  for (const index of searchIndexes) await sql`alter index ${sql.ref(index)} reset (gin_pending_list_limit)`.execute(db);
}
