import { sql, type Kysely } from "kysely";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("course_modules")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("track", "text", (c) => c.notNull().check(sql`track in ('campus','community')`))
    .addColumn("tier", "text", (c) => c.notNull().check(sql`tier in ('foundation','practitioner','specialist','supervisor')`))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("slug", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("version_hash", "text", (c) => c.notNull())
    .addColumn("retired_at", "timestamptz")
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Every version of a task is kept: submissions and grades point at the version they answered.
  await db.schema
    .createTable("tasks")
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("module_id", "text", (c) => c.notNull().references("course_modules.id"))
    .addColumn("type", "text", (c) => c.notNull().check(sql`type in ('quiz','work_product','field_work')`))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("definition", "jsonb", (c) => c.notNull())
    .addColumn("version_hash", "text", (c) => c.notNull())
    .addColumn("is_current", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("retired_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("tasks_pkey", ["id", "version"])
    .execute();
  await sql`create unique index tasks_current_key on tasks (id) where is_current`.execute(db);

  await db.schema
    .createTable("module_progress")
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("module_id", "text", (c) => c.notNull().references("course_modules.id"))
    .addColumn("read_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("module_progress_pkey", ["user_id", "module_id"])
    .execute();

  await db.schema
    .createTable("certificates")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("number", "text", (c) => c.notNull().unique())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("track", "text", (c) => c.notNull().check(sql`track in ('campus','community')`))
    .addColumn("tier", "text", (c) => c.notNull().check(sql`tier in ('foundation','practitioner','specialist','supervisor')`))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("issued").check(sql`status in ('issued','revoked','superseded')`))
    .addColumn("name_on_certificate", "text", (c) => c.notNull())
    .addColumn("issued_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("issued_by", "uuid", (c) => c.references("users.id"))
    .addColumn("valid_until", "timestamptz")
    .addColumn("revoked_at", "timestamptz")
    .addColumn("revoked_reason", "text")
    .addColumn("superseded_by", "uuid", (c) => c.references("certificates.id"))
    .execute();
  // At most one live certificate per person, track and tier.
  await sql`create unique index certificates_live_key on certificates (user_id, track, tier) where status = 'issued'`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["certificates", "module_progress", "tasks", "course_modules"]) await db.schema.dropTable(t).execute();
}
