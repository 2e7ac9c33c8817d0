import { sql, type Kysely } from "kysely";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("submissions")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("task_id", "text", (c) => c.notNull())
    .addColumn("task_version", "integer", (c) => c.notNull())
    .addColumn("module_id", "text", (c) => c.notNull().references("course_modules.id"))
    .addColumn("track", "text", (c) => c.notNull().check(sql`track in ('campus','community')`))
    .addColumn("tier", "text", (c) => c.notNull().check(sql`tier in ('foundation','practitioner','specialist','supervisor')`))
    .addColumn("type", "text", (c) => c.notNull().check(sql`type in ('quiz','work_product','field_work')`))
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("draft").check(sql`status in ('draft','submitted','in_review','returned','resubmitted','passed','not_passed')`),
    )
    // Written work and the narrative parts of field work (plan, reflection).
    .addColumn("body", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    // Field-work figures are data, so outcomes can sum them.
    .addColumn("activity_title", "text")
    .addColumn("activity_date", "date")
    .addColumn("org_unit_id", "uuid", (c) => c.references("org_units.id"))
    .addColumn("place", "text")
    .addColumn("audience_type", "text")
    .addColumn("people_reached", "integer", (c) => c.check(sql`people_reached is null or people_reached between 0 and 100000`))
    .addColumn("duration_minutes", "integer", (c) => c.check(sql`duration_minutes is null or duration_minutes between 1 and 10080`))
    .addColumn("consent_confirmed", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("showcase_consent", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("score", "integer", (c) => c.check(sql`score is null or score between 0 and 100`))
    .addColumn("attempts_used", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("submitted_at", "timestamptz")
    .addColumn("decided_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint("submissions_task_fk", ["task_id", "task_version"], "tasks", ["id", "version"])
    .execute();
  // One submission per trainee and task: a double-clicked "start" or "submit" finds the same row.
  await sql`create unique index submissions_user_task_key on submissions (user_id, task_id)`.execute(db);
  await sql`create index submissions_status_idx on submissions (status, submitted_at)`.execute(db);
  await sql`create index submissions_outcomes_idx on submissions (track, status, activity_date) where type = 'field_work'`.execute(db);

  await db.schema
    .createTable("submission_events")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("submission_id", "uuid", (c) => c.notNull().references("submissions.id"))
    .addColumn("from_status", "text")
    .addColumn("to_status", "text", (c) => c.notNull())
    .addColumn("actor_id", "uuid", (c) => c.references("users.id"))
    .addColumn("note", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("submission_events_sub_idx").on("submission_events").columns(["submission_id", "id"]).execute();

  await db.schema
    .createTable("quiz_attempts")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("submission_id", "uuid", (c) => c.notNull().references("submissions.id"))
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("answers", "jsonb", (c) => c.notNull())
    .addColumn("score", "integer")
    .addColumn("result", "jsonb")
    .addColumn("submitted_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("scored_at", "timestamptz")
    .addUniqueConstraint("quiz_attempts_sub_attempt_key", ["submission_id", "attempt"])
    .execute();

  await db.schema
    .createTable("evidence_files")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("submission_id", "uuid", (c) => c.notNull().references("submissions.id"))
    .addColumn("owner_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('photo','sign_in_sheet','document')`))
    .addColumn("storage_key", "text", (c) => c.notNull().unique())
    .addColumn("thumbnail_key", "text")
    .addColumn("mime_type", "text", (c) => c.notNull().check(sql`mime_type in ('image/jpeg','image/png','image/webp','application/pdf')`))
    .addColumn("size_bytes", "integer", (c) => c.notNull().check(sql`size_bytes > 0`))
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("original_name", "text", (c) => c.notNull())
    .addColumn("width", "integer")
    .addColumn("height", "integer")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("deleted_at", "timestamptz")
    .execute();
  await db.schema.createIndex("evidence_files_sub_idx").on("evidence_files").column("submission_id").execute();

  // Mentors assigned to a submission (written by the routing worker; read for file access).
  await db.schema
    .createTable("submission_assignments")
    .addColumn("submission_id", "uuid", (c) => c.notNull().references("submissions.id"))
    .addColumn("mentor_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("role", "text", (c) => c.notNull().defaultTo("marker").check(sql`role in ('marker','second_marker','moderator')`))
    .addColumn("assigned_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("assigned_by", "uuid", (c) => c.references("users.id"))
    .addColumn("released_at", "timestamptz")
    .addPrimaryKeyConstraint("submission_assignments_pkey", ["submission_id", "mentor_id"])
    .execute();

  // Work for the workers, written in the same transaction as the change that causes it.
  await db.schema
    .createTable("job_outbox")
    .addColumn("job_id", "text", (c) => c.primaryKey())
    .addColumn("queue", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("enqueued_at", "timestamptz")
    .addColumn("completed_at", "timestamptz")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "text")
    .execute();
  await sql`create index job_outbox_pending_idx on job_outbox (created_at) where completed_at is null`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["job_outbox", "submission_assignments", "evidence_files", "quiz_attempts", "submission_events", "submissions"]) {
    await db.schema.dropTable(t).execute();
  }
}
