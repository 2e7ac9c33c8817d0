import { sql, type Kysely } from "kysely";

// Paper sign-in sheets of a session, uploaded by staff (docs/decisions/023-cohorts-sessions-attendance.md):
// stored like evidence (a server-made key under ev/, a thumbnail for photos), removed softly and
// purged by the retention job after the same grace period as evidence (decision 012). The table
// itself came with 2026-11-30-13 and has held no rows: nothing to fill in.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("session_sheets")
    .addColumn("thumbnail_key", "text")
    .addColumn("thumbnail_size_bytes", "integer")
    .addColumn("width", "integer")
    .addColumn("height", "integer")
    .addColumn("deleted_at", "timestamptz")
    .addColumn("deleted_by", "uuid", (c) => c.references("users.id"))
    .addColumn("purged_at", "timestamptz")
    .execute();
  await sql`create index session_sheets_live_idx on session_sheets (session_id, created_at) where deleted_at is null`.execute(db);
  await sql`create index session_sheets_purge_idx on session_sheets (deleted_at) where deleted_at is not null and purged_at is null`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("session_sheets_purge_idx").execute();
  await db.schema.dropIndex("session_sheets_live_idx").execute();
  await db.schema
    .alterTable("session_sheets")
    .dropColumn("purged_at")
    .dropColumn("deleted_by")
    .dropColumn("deleted_at")
    .dropColumn("height")
    .dropColumn("width")
    .dropColumn("thumbnail_size_bytes")
    .dropColumn("thumbnail_key")
    .execute();
}
