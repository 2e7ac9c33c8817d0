import { sql, type Kysely } from "kysely";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  // Every grade a mentor gives is kept (provisional marks of double marking, regrades): none is overwritten.
  await db.schema
    .createTable("grades")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("submission_id", "uuid", (c) => c.notNull().references("submissions.id"))
    .addColumn("mentor_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('marker','second_marker','moderator')`))
    // The task version whose rubric this grade used.
    .addColumn("task_version", "integer", (c) => c.notNull())
    .addColumn("criteria", "jsonb", (c) => c.notNull())
    .addColumn("total", "integer", (c) => c.notNull().check(sql`total between 0 and 100`))
    .addColumn("decision", "text", (c) => c.notNull().check(sql`decision in ('pass','not_pass','return')`))
    .addColumn("comment", "text")
    // The submission's state the mentor saw (updated_at), so a stale form is refused.
    .addColumn("seen_version", "text", (c) => c.notNull())
    .addColumn("round", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One grade per mentor, role and submission round: a double-clicked decision is one grade.
  await sql`create unique index grades_once_key on grades (submission_id, mentor_id, role, round)`.execute(db);

  await db.schema
    .createTable("showcase_items")
    .addColumn("submission_id", "uuid", (c) => c.primaryKey().references("submissions.id"))
    .addColumn("nominated_by", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("nominated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("reason", "text")
    .addColumn("status", "text", (c) => c.notNull().defaultTo("nominated").check(sql`status in ('nominated','approved','rejected')`))
    .addColumn("decided_by", "uuid", (c) => c.references("users.id"))
    .addColumn("decided_at", "timestamptz")
    .execute();

  await db.schema
    .createTable("calibration_anchors")
    .addColumn("submission_id", "uuid", (c) => c.primaryKey().references("submissions.id"))
    .addColumn("reference_total", "integer", (c) => c.notNull().check(sql`reference_total between 0 and 100`))
    .addColumn("reference_criteria", "jsonb", (c) => c.notNull())
    .addColumn("created_by", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["calibration_anchors", "showcase_items", "grades"]) await db.schema.dropTable(t).execute();
}
