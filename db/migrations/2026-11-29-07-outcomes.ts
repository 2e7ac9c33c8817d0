import { sql, type Kysely } from "kysely";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  // A school or centre marked 规范化 / 特色 by an admin, with the evidence for it.
  await db.schema
    .createTable("org_milestones")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("org_unit_id", "uuid", (c) => c.notNull().references("org_units.id"))
    .addColumn("milestone", "text", (c) => c.notNull().check(sql`milestone in ('standardised','distinctive')`))
    .addColumn("evidence", "text", (c) => c.notNull().check(sql`length(trim(evidence)) >= 10`))
    .addColumn("marked_by", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("marked_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("withdrawn_at", "timestamptz")
    .execute();
  await sql`create unique index org_milestones_live_key on org_milestones (org_unit_id, milestone) where withdrawn_at is null`.execute(db);

  // A region's own target for an indicator; without a row the target in content/program.yaml applies.
  await db.schema
    .createTable("indicator_targets")
    .addColumn("indicator_id", "text", (c) => c.notNull())
    .addColumn("org_unit_id", "uuid", (c) => c.notNull().references("org_units.id"))
    .addColumn("target", "integer", (c) => c.notNull().check(sql`target >= 0`))
    .addColumn("updated_by", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("indicator_targets_pkey", ["indicator_id", "org_unit_id"])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("indicator_targets").execute();
  await db.schema.dropTable("org_milestones").execute();
}
