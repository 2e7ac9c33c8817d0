import { sql, type Kysely } from "kysely";

// Cohorts (期次/班): one track and tier, run by one org unit (its subtree) in one programme year,
// with start and end dates and optional per-task due dates (docs/decisions/023-cohorts-sessions-attendance.md).
// - memberships keep their history: leaving sets left_at, a person may be in several cohorts over the years;
// - join codes are approved by a coordinator; a code can be used up or revoked.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("cohorts")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("name", "text", (c) => c.notNull().check(sql`char_length(name) between 1 and 100`))
    .addColumn("track", "text", (c) => c.notNull().check(sql`track in ('campus','community')`))
    .addColumn("tier", "text", (c) => c.notNull().check(sql`tier in ('foundation','practitioner','specialist','supervisor')`))
    .addColumn("org_unit_id", "uuid", (c) => c.notNull().references("org_units.id"))
    .addColumn("programme_year", "smallint", (c) => c.notNull().check(sql`programme_year between 1 and 3`))
    .addColumn("starts_on", "date", (c) => c.notNull())
    .addColumn("ends_on", "date", (c) => c.notNull())
    .addColumn("late_work_accepted", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("created_by", "uuid", (c) => c.references("users.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("cohorts_dates_check", sql`ends_on >= starts_on`)
    .execute();
  await db.schema.createIndex("cohorts_org_unit_idx").on("cohorts").columns(["org_unit_id", "starts_on"]).execute();

  await db.schema
    .createTable("cohort_due_dates")
    .addColumn("cohort_id", "uuid", (c) => c.notNull().references("cohorts.id").onDelete("cascade"))
    .addColumn("task_id", "text", (c) => c.notNull())
    .addColumn("due_on", "date", (c) => c.notNull())
    .addPrimaryKeyConstraint("cohort_due_dates_pk", ["cohort_id", "task_id"])
    .execute();

  await db.schema
    .createTable("cohort_members")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("cohort_id", "uuid", (c) => c.notNull().references("cohorts.id").onDelete("cascade"))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("joined_via", "text", (c) => c.notNull().check(sql`joined_via in ('admin','import','code')`))
    .addColumn("added_by", "uuid", (c) => c.references("users.id"))
    .addColumn("joined_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("left_at", "timestamptz")
    .execute();
  // One current membership per person and cohort; earlier (left) ones stay as history.
  await sql`create unique index cohort_members_current_idx on cohort_members (cohort_id, user_id) where left_at is null`.execute(db);
  await sql`create index cohort_members_user_idx on cohort_members (user_id) where left_at is null`.execute(db);

  await db.schema
    .createTable("cohort_join_codes")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("cohort_id", "uuid", (c) => c.notNull().references("cohorts.id").onDelete("cascade"))
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("max_uses", "integer", (c) => c.notNull().check(sql`max_uses between 1 and 1000`))
    .addColumn("used_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("revoked_at", "timestamptz")
    .addColumn("created_by", "uuid", (c) => c.references("users.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("cohort_join_codes_uses_check", sql`used_count between 0 and max_uses`)
    .execute();

  await db.schema
    .createTable("cohort_join_requests")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("cohort_id", "uuid", (c) => c.notNull().references("cohorts.id").onDelete("cascade"))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("code_id", "uuid", (c) => c.notNull().references("cohort_join_codes.id"))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("pending").check(sql`status in ('pending','approved','declined')`))
    .addColumn("requested_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("decided_at", "timestamptz")
    .addColumn("decided_by", "uuid", (c) => c.references("users.id"))
    .execute();
  await sql`create unique index cohort_join_requests_pending_idx on cohort_join_requests (cohort_id, user_id) where status = 'pending'`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("cohort_join_requests").execute();
  await db.schema.dropTable("cohort_join_codes").execute();
  await db.schema.dropTable("cohort_members").execute();
  await db.schema.dropTable("cohort_due_dates").execute();
  await db.schema.dropTable("cohorts").execute();
}
