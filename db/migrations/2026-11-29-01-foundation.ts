import { sql, type Kysely } from "kysely";

// Frozen in time: migrations use Kysely<any> and never import app types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("org_units")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("parent_id", "uuid", (c) => c.references("org_units.id"))
    .addColumn("level", "smallint", (c) => c.notNull().check(sql`level between 1 and 6`))
    .addColumn("kind", "text", (c) =>
      c.notNull().check(sql`kind in ('national','province','city','district','site','group')`),
    )
    .addColumn("name", "text", (c) => c.notNull().check(sql`length(trim(name)) > 0`))
    .addColumn("track", "text", (c) => c.check(sql`track in ('campus','community')`))
    .addColumn("path", "text", (c) => c.notNull().unique())
    .addColumn("archived_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("org_units_parent_idx").on("org_units").column("parent_id").execute();
  await sql`create index org_units_path_idx on org_units (path text_pattern_ops)`.execute(db);

  await db.schema
    .createTable("users")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("name", "text", (c) => c.notNull().check(sql`length(trim(name)) > 0`))
    .addColumn("phone", "text")
    .addColumn("email", "text")
    .addColumn("org_unit_id", "uuid", (c) => c.references("org_units.id"))
    .addColumn("track", "text", (c) => c.check(sql`track in ('campus','community')`))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("active").check(sql`status in ('active','deactivated')`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("users_contact_present", sql`phone is not null or email is not null`)
    .execute();
  await sql`create unique index users_phone_key on users (phone) where phone is not null`.execute(db);
  await sql`create unique index users_email_key on users (lower(email)) where email is not null`.execute(db);
  await db.schema.createIndex("users_org_idx").on("users").column("org_unit_id").execute();

  await db.schema
    .createTable("notifications")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("read_at", "timestamptz")
    .execute();
  await db.schema.createIndex("notifications_user_idx").on("notifications").columns(["user_id", "created_at"]).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("notifications").execute();
  await db.schema.dropTable("users").execute();
  await db.schema.dropTable("org_units").execute();
}
