import { sql, type Kysely } from "kysely";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  // The latest evaluation per trainee, track and tier (an upsert: re-evaluating changes one row).
  await db.schema
    .createTable("eligibility")
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("track", "text", (c) => c.notNull())
    .addColumn("tier", "text", (c) => c.notNull())
    .addColumn("eligible", "boolean", (c) => c.notNull())
    .addColumn("missing", "jsonb", (c) => c.notNull())
    .addColumn("rule_version", "text", (c) => c.notNull())
    .addColumn("evaluated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("eligibility_pkey", ["user_id", "track", "tier"])
    .execute();

  await db.schema
    .createTable("certificate_batches")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("created_by", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("total", "integer", (c) => c.notNull())
    .execute();

  await db.schema
    .alterTable("certificates")
    .addColumn("batch_id", "uuid", (c) => c.references("certificate_batches.id"))
    .addColumn("pdf_key", "text")
    .addColumn("credential", "jsonb")
    .addColumn("rendered_at", "timestamptz")
    .addColumn("render_error", "text")
    .execute();

  // Keys that sign Open Badges credentials; shared by every process through the database.
  await db.schema
    .createTable("signing_keys")
    .addColumn("kid", "text", (c) => c.primaryKey())
    .addColumn("algorithm", "text", (c) => c.notNull())
    .addColumn("public_jwk", "jsonb", (c) => c.notNull())
    .addColumn("private_pem", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("retired_at", "timestamptz")
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("signing_keys").execute();
  await db.schema.alterTable("certificates").dropColumn("batch_id").dropColumn("pdf_key").dropColumn("credential").dropColumn("rendered_at").dropColumn("render_error").execute();
  await db.schema.dropTable("certificate_batches").execute();
  await db.schema.dropTable("eligibility").execute();
}
