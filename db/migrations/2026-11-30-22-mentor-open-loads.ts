import { sql, type Kysely } from "kysely";

// Each mentor's open load (issue 16, /admin/assignments and routing at programme scale): counting it
// joined the 50,000 open submissions to 690,000 current assignments on every assignment page (0.6 s).
// The count is now kept per mentor by triggers, in the same transaction as the assignment or status
// change, so it moves exactly with the rows: a retried job changes it only through the rows it writes.
// Open: work products and field work submitted, resubmitted or in review; assignment not released.

/** Recounts every mentor's open load from the rows (the migration, generated data, the consistency test). */
export const recountMentorOpenLoadsSql = `
  with counted as (
    select a.mentor_id, count(*)::int as n
    from submissions s join submission_assignments a on a.submission_id = s.id and a.released_at is null
    where s.type in ('work_product', 'field_work') and s.status in ('submitted', 'resubmitted', 'in_review')
    group by a.mentor_id
  ), cleared as (
    update mentor_open_loads l set open_count = 0 where open_count <> 0 and not exists (select 1 from counted c where c.mentor_id = l.mentor_id)
  )
  insert into mentor_open_loads (mentor_id, open_count) select mentor_id, n from counted
  on conflict (mentor_id) do update set open_count = excluded.open_count where mentor_open_loads.open_count <> excluded.open_count`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table mentor_open_loads (mentor_id uuid primary key references users(id), open_count int not null default 0)`.execute(db);
  await sql`
    create function submission_is_open(kind text, status text) returns boolean language sql immutable as $$
      select kind in ('work_product', 'field_work') and status in ('submitted', 'resubmitted', 'in_review')
    $$`.execute(db);
  await sql`
    create function add_mentor_open_load(mentor uuid, delta int) returns void language sql as $$
      insert into mentor_open_loads (mentor_id, open_count) values (mentor, delta)
      on conflict (mentor_id) do update set open_count = mentor_open_loads.open_count + excluded.open_count
    $$`.execute(db);
  // An assignment counts while it is not released and its submission is open.
  await sql`
    create function mentor_load_from_assignment() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') and old.released_at is null
         and exists (select 1 from submissions s where s.id = old.submission_id and submission_is_open(s.type, s.status)) then
        perform add_mentor_open_load(old.mentor_id, -1);
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.released_at is null
         and exists (select 1 from submissions s where s.id = new.submission_id and submission_is_open(s.type, s.status)) then
        perform add_mentor_open_load(new.mentor_id, 1);
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger mentor_load_assignment after insert or update or delete on submission_assignments for each row execute function mentor_load_from_assignment()`.execute(db);
  // A submission opening or closing moves the load of everyone currently assigned to it.
  await sql`
    create function mentor_load_from_submission() returns trigger language plpgsql as $$
    declare delta int := case when submission_is_open(new.type, new.status) then 1 else -1 end;
    begin
      perform add_mentor_open_load(a.mentor_id, delta) from submission_assignments a where a.submission_id = new.id and a.released_at is null;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger mentor_load_submission after update of status, type on submissions for each row
    when (submission_is_open(old.type, old.status) is distinct from submission_is_open(new.type, new.status))
    execute function mentor_load_from_submission()`.execute(db);
  await sql.raw(recountMentorOpenLoadsSql).execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger mentor_load_submission on submissions`.execute(db);
  await sql`drop trigger mentor_load_assignment on submission_assignments`.execute(db);
  await sql`drop function mentor_load_from_submission(), mentor_load_from_assignment(), add_mentor_open_load(uuid, int), submission_is_open(text, text)`.execute(db);
  await sql`drop table mentor_open_loads`.execute(db);
}
