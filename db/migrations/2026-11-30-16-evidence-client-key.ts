import { sql, type Kysely } from "kysely";

// Uploads queued on a phone while offline are sent again when the connection returns, maybe twice
// (the page and the service worker's background sync, or an answer lost on a weak signal). Each
// file carries a key the device made; the server stores it once per owner and answers a repeat with
// the file it already has (docs/decisions/025-offline-field-work.md). Null for every earlier upload.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("evidence_files")
    .addColumn("client_key", "text", (c) => c.check(sql`client_key is null or client_key ~ '^[A-Za-z0-9_-]{16,64}$'`))
    .execute();
  await sql`create unique index evidence_files_client_key on evidence_files (owner_id, client_key) where client_key is not null`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("evidence_files_client_key").execute();
  await db.schema.alterTable("evidence_files").dropColumn("client_key").execute();
}
