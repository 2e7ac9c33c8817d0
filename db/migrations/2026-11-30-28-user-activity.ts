import { sql, type Kysely } from "kysely";

// A person's last activity moves to a narrow table of its own (issue 16, goal 3). On the users row it
// was indexed, so every move rewrote the row with all nine of its indexes, the people search's grams
// included: most of what a trainee's first quiz of the hour cost PostgreSQL (0.9 of 2 ms). Here a move
// touches two small b-trees. Every person has a row from the moment their account exists (created then,
// as before when they had no activity), so "stalled" stays one index range, now on this table.
// The backfill below reads every source as before; from now on the triggers note only the trainee's own writes.

/** Recomputes every person's last activity from the source rows (the migration, and generated data). */
export const backfillUserActivitySql = `
  insert into user_activity (user_id, last_active_at)
  select u.id, greatest(u.created_at, a.at)
  from users u left join (
    select user_id, max(at) as at from (
      select user_id, max(read_at) as at from module_progress group by user_id
      union all select user_id, max(updated_at) from submissions group by user_id
      union all select s.user_id, max(q.submitted_at) from quiz_attempts q join submissions s on s.id = q.submission_id group by s.user_id
    ) x group by user_id
  ) a on a.user_id = u.id
  on conflict (user_id) do update set last_active_at = excluded.last_active_at where user_activity.last_active_at is distinct from excluded.last_active_at`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table user_activity (user_id uuid primary key references users(id) on delete cascade, last_active_at timestamptz not null)`.execute(db);
  await sql`insert into user_activity (user_id, last_active_at) select id, coalesce(last_active_at, created_at) from users`.execute(db);
  await sql`create index user_activity_last_active_idx on user_activity (last_active_at)`.execute(db);
  // A new account's row starts at its creation; an account whose creation is rewritten (imported history,
  // test fixtures) and has had no activity since follows it, as coalesce(last_active_at, created_at) did.
  await sql`
    create function user_activity_of_account() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        insert into user_activity (user_id, last_active_at) values (new.id, new.created_at) on conflict (user_id) do nothing;
      else
        update user_activity set last_active_at = new.created_at where user_id = new.id and last_active_at = old.created_at;
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger user_activity_account after insert or update of created_at on users for each row execute function user_activity_of_account()`.execute(db);
  // At most once an hour, as decided in 2026-11-30-27. In PL/pgSQL, whose statement plans are kept per
  // connection: a SQL function's UPDATE was planned anew on every call (0.1 ms, twice per quiz hand-in).
  await sql`
    create or replace function note_user_active(uid uuid, at timestamptz) returns void language plpgsql as $$
    begin
      update user_activity set last_active_at = at where user_id = uid and at is not null and last_active_at < at - interval '1 hour';
    end $$`.execute(db);
  // What counts is the trainee's own doing, as "stalled" is defined: a quiz attempt is always handed in with
  // its submission row (one statement), so the attempt's own trigger noted the same moment twice; and a
  // decision (a score, a mentor's review) is not the trainee's activity. A trainee's writes leave the row a
  // draft, handed in, or returned and being corrected. The WHEN clauses cost no function call.
  await sql`drop trigger user_active_attempt on quiz_attempts`.execute(db);
  await sql`drop function user_active_from_attempt()`.execute(db);
  await sql`drop trigger user_active_submission on submissions`.execute(db);
  await sql`create trigger user_active_submission_added after insert on submissions for each row execute function user_active_from_submission()`.execute(db);
  await sql`
    create trigger user_active_submission_changed after update on submissions for each row
    when (new.status in ('draft', 'submitted', 'resubmitted') or (old.status = 'returned' and new.status = 'returned'))
    execute function user_active_from_submission()`.execute(db);
  await sql`drop index users_last_active_idx`.execute(db);
  await sql`alter table users drop column last_active_at`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table users add column last_active_at timestamptz`.execute(db);
  await sql`update users u set last_active_at = a.last_active_at from user_activity a where a.user_id = u.id and a.last_active_at > u.created_at`.execute(db);
  await sql`create index users_last_active_idx on users ((coalesce(last_active_at, created_at))) where status = 'active' and last_sign_in_at is not null`.execute(db);
  await sql`
    create or replace function note_user_active(uid uuid, at timestamptz) returns void language sql as $$
      update users set last_active_at = at where id = uid and at is not null and (last_active_at is null or last_active_at < at - interval '1 hour')
    $$`.execute(db);
  await sql`drop trigger user_active_submission_added on submissions`.execute(db);
  await sql`drop trigger user_active_submission_changed on submissions`.execute(db);
  await sql`create trigger user_active_submission after insert or update on submissions for each row execute function user_active_from_submission()`.execute(db);
  await sql`
    create function user_active_from_attempt() returns trigger language plpgsql as $$
    begin perform note_user_active((select user_id from submissions where id = new.submission_id), new.submitted_at); return null; end $$`.execute(db);
  await sql`create trigger user_active_attempt after insert or update of submitted_at on quiz_attempts for each row execute function user_active_from_attempt()`.execute(db);
  await sql`drop trigger user_activity_account on users`.execute(db);
  await sql`drop function user_activity_of_account()`.execute(db);
  await sql`drop table user_activity`.execute(db);
}
