import { sql, type Kysely } from "kysely";

// The unread badge counts a user's unread notifications on every page view: a partial index keeps
// that to the unread rows alone, however many read ones the user has.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index notifications_unread_idx on notifications (user_id) where read_at is null`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index notifications_unread_idx`.execute(db);
}
