import { sql, type Kysely } from "kysely";

// Face-to-face and live sessions, sign-up with a waitlist, attendance (QR or by hand), paper sign-in
// sheets and personal calendar feeds (docs/decisions/023-cohorts-sessions-attendance.md).
// - `training_sessions`: the table `sessions` already holds sign-in sessions;
// - a session belongs to a cohort, or is open to a region (org_unit_id, its subtree); a cohort's
//   session carries its cohort's unit, so reach is always one path check;
// - `checkin_secret` is the HMAC key of the session's rotating QR codes: it never leaves the server;
// - one live enrolment (enrolled or waitlisted) per person and session; cancelled ones stay.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("training_sessions")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("cohort_id", "uuid", (c) => c.references("cohorts.id"))
    .addColumn("org_unit_id", "uuid", (c) => c.notNull().references("org_units.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('training','lecture','group_supervision','forum','live')`))
    .addColumn("title", "text", (c) => c.notNull().check(sql`char_length(title) between 1 and 100`))
    .addColumn("starts_at", "timestamptz", (c) => c.notNull())
    .addColumn("ends_at", "timestamptz", (c) => c.notNull())
    .addColumn("place", "text", (c) => c.check(sql`place is null or char_length(place) between 1 and 200`))
    .addColumn("online_url", "text", (c) => c.check(sql`online_url is null or (char_length(online_url) <= 500 and online_url ~ '^https?://')`))
    .addColumn("capacity", "integer", (c) => c.notNull().check(sql`capacity between 1 and 10000`))
    .addColumn("hours", sql`numeric(4,1)`, (c) => c.check(sql`hours is null or (hours > 0 and hours <= 100)`))
    .addColumn("cancel_by", "timestamptz")
    .addColumn("late_after_minutes", "integer", (c) => c.notNull().defaultTo(10).check(sql`late_after_minutes between 0 and 240`))
    .addColumn("checkin_secret", "text", (c) => c.notNull().check(sql`char_length(checkin_secret) >= 32`))
    .addColumn("created_by", "uuid", (c) => c.references("users.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("training_sessions_times_check", sql`ends_at > starts_at`)
    .addCheckConstraint("training_sessions_where_check", sql`place is not null or online_url is not null`)
    .execute();
  await db.schema.createIndex("training_sessions_unit_idx").on("training_sessions").columns(["org_unit_id", "starts_at"]).execute();
  await db.schema.createIndex("training_sessions_cohort_idx").on("training_sessions").columns(["cohort_id", "starts_at"]).execute();
  await db.schema.createIndex("training_sessions_starts_idx").on("training_sessions").columns(["starts_at", "id"]).execute();

  await db.schema
    .createTable("session_enrolments")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("session_id", "uuid", (c) => c.notNull().references("training_sessions.id").onDelete("cascade"))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('enrolled','waitlisted','cancelled')`))
    .addColumn("enrolled_by", "uuid", (c) => c.references("users.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
    .addColumn("promoted_at", "timestamptz")
    .addColumn("cancelled_at", "timestamptz")
    .execute();
  await sql`create unique index session_enrolments_live_idx on session_enrolments (session_id, user_id) where status <> 'cancelled'`.execute(db);
  await sql`create index session_enrolments_user_idx on session_enrolments (user_id) where status <> 'cancelled'`.execute(db);

  await db.schema
    .createTable("session_attendance")
    .addColumn("session_id", "uuid", (c) => c.notNull().references("training_sessions.id").onDelete("cascade"))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('present','late','absent','excused')`))
    .addColumn("note", "text", (c) => c.check(sql`note is null or char_length(note) <= 500`))
    .addColumn("via", "text", (c) => c.notNull().check(sql`via in ('qr','manual')`))
    .addColumn("marked_by", "uuid", (c) => c.references("users.id"))
    .addColumn("marked_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("session_attendance_pk", ["session_id", "user_id"])
    .execute();
  await sql`create index session_attendance_user_idx on session_attendance (user_id) where status in ('present','late')`.execute(db);

  await db.schema
    .createTable("session_sheets")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("session_id", "uuid", (c) => c.notNull().references("training_sessions.id").onDelete("cascade"))
    .addColumn("storage_key", "text", (c) => c.notNull())
    .addColumn("mime_type", "text", (c) => c.notNull())
    .addColumn("size_bytes", "integer", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("original_name", "text", (c) => c.notNull())
    .addColumn("uploaded_by", "uuid", (c) => c.references("users.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("calendar_feeds")
    .addColumn("user_id", "uuid", (c) => c.primaryKey().references("users.id"))
    .addColumn("token", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("calendar_feeds").execute();
  await db.schema.dropTable("session_sheets").execute();
  await db.schema.dropTable("session_attendance").execute();
  await db.schema.dropTable("session_enrolments").execute();
  await db.schema.dropTable("training_sessions").execute();
}
