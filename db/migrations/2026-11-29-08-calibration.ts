import { sql, type Kysely } from "kysely";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  // Practice grades of anchor samples: kept apart from grades so they never touch the submission.
  await db.schema
    .createTable("calibration_grades")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("anchor_submission_id", "uuid", (c) => c.notNull().references("calibration_anchors.submission_id").onDelete("cascade"))
    .addColumn("mentor_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("criteria", "jsonb", (c) => c.notNull())
    .addColumn("total", "integer", (c) => c.notNull().check(sql`total between 0 and 100`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("calibration_grades_once_key", ["anchor_submission_id", "mentor_id"])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("calibration_grades").execute();
}
