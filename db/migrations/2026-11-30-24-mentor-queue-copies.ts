import { sql, type Kysely } from "kysely";

// One mentor's /mentor at programme scale (issue 16): assignments stay unreleased after a decision, so a
// mentor's rows grow with their history (3,600 at 100,000 trainees). The queue, its counts, the open load,
// the turnaround and the co-marker pairs each joined every one of them (or every grade) to its submission
// or to the other grades of its round: six queries of 2,000-3,600 index look-ups each.
// Copies kept by triggers, in the writer's transaction, let each of them read one range of the mentor's rows:
// - an assignment keeps its submission's queue status (the status of work products and field work, null
//   for anything else) and submitted_at;
// - a grade keeps its submission's current submitted_at (so "graded after the latest hand-in" reads the
//   grade alone), and whether another mentor marked the same round (a superset of the co-marker pairs:
//   the pairs query still checks the pair).

/**
 * The copies recomputed from the rows (the migration, and generated data loaded with triggers off): one
 * statement each, since the embedded PGlite runs one command per prepared statement.
 */
export const backfillMentorQueueCopiesSql = [
  `update submission_assignments a
  set queue_status = case when s.type in ('work_product', 'field_work') then s.status end, submitted_at = s.submitted_at
  from submissions s
  where s.id = a.submission_id
    and (a.queue_status is distinct from (case when s.type in ('work_product', 'field_work') then s.status end) or a.submitted_at is distinct from s.submitted_at)`,
  `update grades g set submitted_at = s.submitted_at from submissions s where s.id = g.submission_id and g.submitted_at is distinct from s.submitted_at`,
  `update grades g set co_marked = true
  where not g.co_marked and g.role in ('marker', 'second_marker')
    and exists (select 1 from grades o where o.submission_id = g.submission_id and o.round = g.round and o.mentor_id <> g.mentor_id and o.role in ('marker', 'second_marker'))`,
] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table submission_assignments add column queue_status text, add column submitted_at timestamptz`.execute(db);
  await sql`alter table grades add column submitted_at timestamptz, add column co_marked boolean not null default false`.execute(db);
  await sql`
    create function queue_status_of(kind text, status text) returns text language sql immutable as $$
      select case when kind in ('work_product', 'field_work') then status end
    $$`.execute(db);
  // A new assignment (or one moved to another submission) takes the submission's copies.
  await sql`
    create function assignment_copies_submission() returns trigger language plpgsql as $$
    begin
      select queue_status_of(s.type, s.status), s.submitted_at into new.queue_status, new.submitted_at from submissions s where s.id = new.submission_id;
      return new;
    end $$`.execute(db);
  await sql`create trigger assignment_copies before insert or update of submission_id on submission_assignments for each row execute function assignment_copies_submission()`.execute(db);
  // A new grade takes the submission's submitted_at; a marker's grade beside another mentor's in the same
  // round marks both. Grading locks the submission first (recordGrade), so two markers cannot miss each other.
  await sql`
    create function grade_copies_submission() returns trigger language plpgsql as $$
    begin
      select s.submitted_at into new.submitted_at from submissions s where s.id = new.submission_id;
      if new.role in ('marker', 'second_marker') then
        update grades o set co_marked = true
        where o.submission_id = new.submission_id and o.round = new.round and o.mentor_id <> new.mentor_id and o.role in ('marker', 'second_marker') and not o.co_marked;
        new.co_marked := new.co_marked or exists (
          select 1 from grades o where o.submission_id = new.submission_id and o.round = new.round and o.mentor_id <> new.mentor_id and o.role in ('marker', 'second_marker'));
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger grade_copies before insert on grades for each row execute function grade_copies_submission()`.execute(db);
  // A status, kind or hand-in change reaches every assignment and grade of the submission (a few rows).
  await sql`
    create function submission_copies_out() returns trigger language plpgsql as $$
    begin
      update submission_assignments set queue_status = queue_status_of(new.type, new.status), submitted_at = new.submitted_at
      where submission_id = new.id and (queue_status is distinct from queue_status_of(new.type, new.status) or submitted_at is distinct from new.submitted_at);
      if old.submitted_at is distinct from new.submitted_at then
        update grades set submitted_at = new.submitted_at where submission_id = new.id;
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger submission_copies after update of status, type, submitted_at on submissions for each row
    when (old.status is distinct from new.status or old.type is distinct from new.type or old.submitted_at is distinct from new.submitted_at)
    execute function submission_copies_out()`.execute(db);
  // The open load moves only with a release, a mentor or a submission change (decision 029), not with these copies.
  await sql`drop trigger mentor_load_assignment on submission_assignments`.execute(db);
  await sql`create trigger mentor_load_assignment after insert or update of released_at, mentor_id, submission_id or delete on submission_assignments for each row execute function mentor_load_from_assignment()`.execute(db);
  for (const statement of backfillMentorQueueCopiesSql) await sql.raw(statement).execute(db);
  await sql`create index submission_assignments_queue_idx on submission_assignments (mentor_id, queue_status, submitted_at) where released_at is null`.execute(db);
  await sql`create index grades_co_marked_idx on grades (mentor_id) where co_marked`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger mentor_load_assignment on submission_assignments`.execute(db);
  await sql`create trigger mentor_load_assignment after insert or update or delete on submission_assignments for each row execute function mentor_load_from_assignment()`.execute(db);
  await sql`drop trigger submission_copies on submissions`.execute(db);
  await sql`drop trigger grade_copies on grades`.execute(db);
  await sql`drop trigger assignment_copies on submission_assignments`.execute(db);
  await sql`drop function submission_copies_out(), grade_copies_submission(), assignment_copies_submission(), queue_status_of(text, text)`.execute(db);
  await sql`drop index submission_assignments_queue_idx`.execute(db);
  await sql`drop index grades_co_marked_idx`.execute(db);
  await sql`alter table grades drop column submitted_at, drop column co_marked`.execute(db);
  await sql`alter table submission_assignments drop column queue_status, drop column submitted_at`.execute(db);
}
