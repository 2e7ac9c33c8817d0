import { sql, type Kysely } from "kysely";

// Retention of evidence files (decision record 012): a removed file stays on disk for a grace
// period and counts against its owner's quota until the maintenance job purges it; a draft left
// untouched is told when its files will be cleared.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("evidence_files")
    // Bytes of the thumbnail, so the quota counts what is really on disk (null: no thumbnail, or stored before this).
    .addColumn("thumbnail_size_bytes", "integer", (c) => c.check(sql`thumbnail_size_bytes is null or thumbnail_size_bytes > 0`))
    .addColumn("deletion_reason", "text", (c) => c.check(sql`deletion_reason is null or deletion_reason in ('removed', 'draft_expired')`))
    // Set once the bytes are gone from storage; the row stays as the record that there was a file.
    .addColumn("purged_at", "timestamptz")
    .execute();
  await sql`update evidence_files set deletion_reason = 'removed' where deleted_at is not null`.execute(db);
  await sql`create index evidence_files_purgeable on evidence_files (deleted_at) where deleted_at is not null and purged_at is null`.execute(db);
  await sql`create index evidence_files_owner_stored on evidence_files (owner_id) where purged_at is null`.execute(db);
  // When the trainee was told that the files of this untouched draft will be cleared.
  await db.schema.alterTable("submissions").addColumn("draft_files_notice_at", "timestamptz").execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("submissions").dropColumn("draft_files_notice_at").execute();
  await db.schema.dropIndex("evidence_files_owner_stored").execute();
  await db.schema.dropIndex("evidence_files_purgeable").execute();
  await db.schema.alterTable("evidence_files").dropColumn("purged_at").dropColumn("deletion_reason").dropColumn("thumbnail_size_bytes").execute();
}
