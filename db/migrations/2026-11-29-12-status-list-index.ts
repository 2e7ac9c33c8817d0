import { sql, type Kysely } from "kysely";

// The status list reads the revoked and superseded certificates of one range of status numbers;
// a partial index keeps that proportional to revocations, not to every certificate in the range.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index certificates_withdrawn_status_number on certificates (status_number) where status in ('revoked', 'superseded')`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("certificates_withdrawn_status_number").execute();
}
