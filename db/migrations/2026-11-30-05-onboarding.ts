import { sql, type Kysely } from "kysely";

// Bulk onboarding (docs/decisions/014-onboarding.md): which import created a person, and the
// handout links made for an import's people. A handout link keeps its token readable until it is
// used or replaced, so the list and the printed sheet can be downloaded again.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("users")
    .addColumn("user_import_id", "uuid", (c) => c.references("user_imports.id").onDelete("set null"))
    .execute();
  await sql`create index users_user_import on users (user_import_id) where user_import_id is not null`.execute(db);
  await db.schema
    .alterTable("access_tokens")
    .addColumn("user_import_id", "uuid", (c) => c.references("user_imports.id").onDelete("cascade"))
    .addColumn("handout_token", "text")
    .execute();
  // A token kept readable belongs to a handout batch and is never kept once used.
  await sql`alter table access_tokens add constraint access_tokens_handout check (handout_token is null or (user_import_id is not null and used_at is null))`.execute(db);
  await sql`create index access_tokens_user_import on access_tokens (user_import_id, user_id) where user_import_id is not null`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("access_tokens_user_import").execute();
  await sql`alter table access_tokens drop constraint access_tokens_handout`.execute(db);
  await db.schema.alterTable("access_tokens").dropColumn("handout_token").dropColumn("user_import_id").execute();
  await db.schema.dropIndex("users_user_import").execute();
  await db.schema.alterTable("users").dropColumn("user_import_id").execute();
}
