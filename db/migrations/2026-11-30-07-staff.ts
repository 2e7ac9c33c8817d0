import { sql, type Kysely } from "kysely";

// Staff workflow (decision record 018): what the trainee sent at each submit, so round 2 shows what
// changed; and whether the photos of showcased work may be shown (faces consented) or not at all.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  // Set on submit and resubmit events only: the text fields and the list of evidence files at that moment.
  await db.schema.alterTable("submission_events").addColumn("snapshot", "jsonb").execute();
  await db.schema
    .alterTable("submissions")
    // The trainee's choice: the people in the photos agreed their faces may be shown publicly.
    .addColumn("showcase_photos", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
  await sql`alter table submissions add constraint submissions_showcase_photos_need_consent check (not showcase_photos or showcase_consent)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("submissions").dropConstraint("submissions_showcase_photos_need_consent").execute();
  await db.schema.alterTable("submissions").dropColumn("showcase_photos").execute();
  await db.schema.alterTable("submission_events").dropColumn("snapshot").execute();
}
