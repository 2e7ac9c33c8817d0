import { sql, type Kysely } from "kysely";

// Scheduled reminders (docs/decisions/027-reminders.md):
// - reminders_sent: one row per reminder that went out, keyed by (kind, person, subject, period). The
//   sweep inserts the key before it writes the notification, in one transaction, with ON CONFLICT DO
//   NOTHING: of two workers sweeping at once, the database lets exactly one write each reminder.
// - reminder_switches: a reminder kind switched off for an org unit and everything below it. No row:
//   on (the default). A row on any ancestor of a person's unit turns the kind off for them.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("reminders_sent")
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // What it is about: a submission, certificate, training session or task id ("assignments" for the digest).
    .addColumn("subject", "text", (c) => c.notNull())
    // Which occurrence: the moment an idle stretch began, a Beijing date, a certificate's stage.
    .addColumn("period", "text", (c) => c.notNull())
    .addColumn("notification_id", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("reminders_sent_pkey", ["kind", "user_id", "subject", "period"])
    .execute();
  await sql`create index reminders_sent_created_idx on reminders_sent (created_at)`.execute(db);

  await db.schema
    .createTable("reminder_switches")
    .addColumn("org_unit_id", "uuid", (c) => c.notNull().references("org_units.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("switched_off_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("switched_off_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("reminder_switches_pkey", ["org_unit_id", "kind"])
    .execute();

  // What the sweeps look up by time. Open work by submitted_at (submissions_open_review_idx), sessions by start
  // (training_sessions_starts_idx) and certificates by the end of their validity (certificates_expiring_idx)
  // are indexed already.
  await sql`create index cohort_due_dates_due_on_idx on cohort_due_dates (due_on)`.execute(db);
  await sql`create index submission_assignments_assigned_at_idx on submission_assignments (assigned_at) where released_at is null`.execute(db);
  await sql`create index submissions_idle_draft_idx on submissions (updated_at) where status = 'draft'`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("submissions_idle_draft_idx").execute();
  await db.schema.dropIndex("submission_assignments_assigned_at_idx").execute();
  await db.schema.dropIndex("cohort_due_dates_due_on_idx").execute();
  await db.schema.dropTable("reminder_switches").execute();
  await db.schema.dropTable("reminders_sent").execute();
}
