import { sql, type Kysely } from "kysely";

// Issue 17, attendance rules and the cohort view (docs/decisions/023-cohorts-sessions-attendance.md).
// Attendance rules live in content/program.yaml and need no table; what does is the coordinator's
// message to a cohort ("给本期学员发通知"): one row per message, its id made by the page that offers
// the form, so a second click or a replayed post finds the row and sends nothing again. Each member's
// in-app notification is `cohort-message-<id>-<userId>`, one row however often its job runs.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("cohort_messages")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("cohort_id", "uuid", (c) => c.notNull().references("cohorts.id"))
    .addColumn("title", "text", (c) => c.notNull().check(sql`char_length(title) between 1 and 50`))
    .addColumn("body", "text", (c) => c.notNull().check(sql`char_length(body) between 1 and 1000`))
    .addColumn("sent_by", "uuid", (c) => c.references("users.id"))
    .addColumn("recipients", "integer", (c) => c.notNull().check(sql`recipients >= 0`))
    .addColumn("sent_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("cohort_messages_cohort_idx").on("cohort_messages").columns(["cohort_id", "sent_at"]).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("cohort_messages").execute();
}
