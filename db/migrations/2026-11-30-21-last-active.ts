import { sql, type Kysely } from "kysely";

// "Stalled" on the coordinator's home (issue 16, /admin at programme scale): the figure probed module
// progress, submissions and quiz attempts person by person until 100 were found (0.9 s at 100,000
// trainees). Each person's last activity is now kept on their row, in the writer's own transaction, so
// the figure and its list are one index range. Activity is the same as before: a module read, a
// submission written or changed, a quiz attempt. It only moves forward: a later deleted draft still
// counted as activity when it happened.

/** Recomputes every person's last activity from the source rows (the migration, and generated data). */
export const backfillLastActiveSql = `
  update users u set last_active_at = a.at
  from (
    select user_id, max(at) as at from (
      select user_id, max(read_at) as at from module_progress group by user_id
      union all select user_id, max(updated_at) from submissions group by user_id
      union all select s.user_id, max(q.submitted_at) from quiz_attempts q join submissions s on s.id = q.submission_id group by s.user_id
    ) x group by user_id
  ) a
  where a.user_id = u.id and u.last_active_at is distinct from a.at`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table users add column last_active_at timestamptz`.execute(db);
  await sql`
    create function note_user_active(uid uuid, at timestamptz) returns void language sql as $$
      update users set last_active_at = at where id = uid and at is not null and (last_active_at is null or last_active_at < at)
    $$`.execute(db);
  await sql`create function user_active_from_progress() returns trigger language plpgsql as $$ begin perform note_user_active(new.user_id, new.read_at); return null; end $$`.execute(db);
  await sql`create trigger user_active_progress after insert or update of read_at on module_progress for each row execute function user_active_from_progress()`.execute(db);
  await sql`create function user_active_from_submission() returns trigger language plpgsql as $$ begin perform note_user_active(new.user_id, new.updated_at); return null; end $$`.execute(db);
  await sql`create trigger user_active_submission after insert or update on submissions for each row execute function user_active_from_submission()`.execute(db);
  await sql`
    create function user_active_from_attempt() returns trigger language plpgsql as $$
    begin perform note_user_active((select user_id from submissions where id = new.submission_id), new.submitted_at); return null; end $$`.execute(db);
  await sql`create trigger user_active_attempt after insert or update of submitted_at on quiz_attempts for each row execute function user_active_from_attempt()`.execute(db);
  await sql.raw(backfillLastActiveSql).execute(db);
  // The stalled list and figure: signed-in active people whose last activity (or, with none, their
  // account's creation) is before the window.
  await sql`create index users_last_active_idx on users ((coalesce(last_active_at, created_at))) where status = 'active' and last_sign_in_at is not null`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger user_active_progress on module_progress`.execute(db);
  await sql`drop trigger user_active_submission on submissions`.execute(db);
  await sql`drop trigger user_active_attempt on quiz_attempts`.execute(db);
  await sql`drop function user_active_from_progress(), user_active_from_submission(), user_active_from_attempt(), note_user_active(uuid, timestamptz)`.execute(db);
  await sql`alter table users drop column last_active_at`.execute(db);
}
