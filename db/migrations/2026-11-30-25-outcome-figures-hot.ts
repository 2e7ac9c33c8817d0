import { sql, type Kysely } from "kysely";

// /admin/outcomes for the whole programme at full size (issue 16): reading the root's and 25 provinces'
// rows (3,161) walked 118,617 index entries and 7,739 heap pages. The value rode in the primary key
// (INCLUDE) for index-only scans, so every update of a figure changed an indexed column: no update was
// HOT (0 of 436,456), each one added an index entry and left its old version behind. The root's rows are
// updated by every decision, so the index-only scan the INCLUDE was for never had all-visible pages to
// use. Without it, an update of a value stays on its page (fillfactor 80) with no new index entry.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table outcome_figures drop constraint outcome_figures_pkey`.execute(db);
  await sql`alter table outcome_figures add primary key (org_unit_id, track, measure, month)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table outcome_figures drop constraint outcome_figures_pkey`.execute(db);
  await sql`alter table outcome_figures add primary key (org_unit_id, track, measure, month) include (value)`.execute(db);
}
