import { sql, type Kysely } from "kysely";

// Sign-in by SMS code (docs/decisions/028-sms-sign-in.md): the one live code of a person for one
// purpose — signing in on /login, or completing their invitation — stored only as an HMAC, spent
// once. A new code replaces the old one in the same row, so the table holds at most two rows a person.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("sign_in_codes")
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("purpose", "text", (c) => c.notNull())
    /** The number the code was sent to: it signs in only while that is still the person's number. */
    .addColumn("phone", "text", (c) => c.notNull())
    /** The invitation a code completes (purpose `invite`); a new link makes the code useless. */
    .addColumn("access_token_id", "uuid", (c) => c.references("access_tokens.id").onDelete("cascade"))
    /** HMAC of purpose, number and code; null once the code has been used. */
    .addColumn("code_hash", "text")
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("failed_attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("used_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("sign_in_codes_pkey", ["user_id", "purpose"])
    .addCheckConstraint("sign_in_codes_purpose_check", sql`purpose in ('login', 'invite')`)
    .addCheckConstraint("sign_in_codes_invite_check", sql`(purpose = 'invite') = (access_token_id is not null)`)
    // A used code keeps no hash: a copy of the database cannot replay or test it.
    .addCheckConstraint("sign_in_codes_spent_check", sql`used_at is null or code_hash is null`)
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("sign_in_codes").execute();
}
