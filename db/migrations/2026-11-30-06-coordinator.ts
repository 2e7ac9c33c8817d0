import { sql, type Kysely } from "kysely";

// A regional coordinator's home and the field-work org picker:
// - field work done at a school outside the platform names it in text, attached to the trainee's own unit;
// - partial indexes behind the home page's figures (invited but never signed in, certificates about
//   to expire, a trainee's latest activity), so each stays an index lookup as the programme grows.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("submissions")
    .addColumn("other_org_name", "text", (c) => c.check(sql`other_org_name is null or char_length(other_org_name) between 1 and 100`))
    .execute();
  await sql`create index users_never_signed_in_idx on users (org_unit_id) where last_sign_in_at is null and status = 'active'`.execute(db);
  await sql`create index certificates_expiring_idx on certificates (valid_until) where status = 'issued' and valid_until is not null`.execute(db);
  await sql`create index submissions_user_activity_idx on submissions (user_id, updated_at)`.execute(db);
  await sql`create index module_progress_user_read_idx on module_progress (user_id, read_at)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("module_progress_user_read_idx").execute();
  await db.schema.dropIndex("submissions_user_activity_idx").execute();
  await db.schema.dropIndex("certificates_expiring_idx").execute();
  await db.schema.dropIndex("users_never_signed_in_idx").execute();
  await db.schema.alterTable("submissions").dropColumn("other_org_name").execute();
}
