import { sql, type Kysely } from "kysely";

// A person's last activity moves at most once an hour (issue 16, goal 3). Each move rewrites their users row
// (last_active_at is indexed, so never in place) with every index of it, the people search's grams included,
// and a quiz submit moved it two or three times (the draft, the hand-in, the score): the benchmark's quizzes
// went 45 % faster without it. "Stalled" is counted in days, so an hour's lag changes no figure that matters.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function note_user_active(uid uuid, at timestamptz) returns void language sql as $$
      update users set last_active_at = at where id = uid and at is not null and (last_active_at is null or last_active_at < at - interval '1 hour')
    $$`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function note_user_active(uid uuid, at timestamptz) returns void language sql as $$
      update users set last_active_at = at where id = uid and at is not null and (last_active_at is null or last_active_at < at)
    $$`.execute(db);
}
