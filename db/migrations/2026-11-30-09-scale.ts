import { sql, type Kysely } from "kysely";

// Pages at programme scale (issue 16; docs/PERFORMANCE.md "Pages at scale", decision 026): the indexes
// the EXPLAINs of the staff pages asked for at 100,000 trainees and 1,000,000 submissions, each named
// after what reads it. Lists are read with keyset pagination, so each is an index walk in list order.
//
// Search: people are found by name, phone or e-mail fragments, and certificates by holder or number.
// Chinese names are two or three characters, too short for trigrams, so a GIN index holds every
// 1-, 2- and 3-character piece of the text (search_grams) and a query asks for the pieces of what was
// typed (search_query_grams); a LIKE on the column then checks each candidate. Plain SQL functions:
// no extension, so embedded PGlite runs the same migration.

const grams = `
  select coalesce(array_agg(distinct g), '{}') from (
    select substr(t, i, n) as g
    from (select lower(coalesce($1, '')) as t) s, generate_series(1, char_length(s.t)) i, generate_series(1, 3) n
    where i + n - 1 <= char_length(s.t)
  ) pieces`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`create function search_grams(text) returns text[] language sql immutable parallel safe as $$ ${grams} $$`).execute(db);
  // The longest pieces of the query that the text's pieces hold: 3 characters, or all of a shorter query.
  await sql
    .raw(
      `create function search_query_grams(text) returns text[] language sql immutable parallel safe as $$
        select coalesce(array_agg(distinct substr(t, i, least(3, char_length(t)))), '{}')
        from (select lower(coalesce($1, '')) as t) s, generate_series(1, greatest(char_length(s.t) - 2, 1)) i
        where char_length(s.t) > 0 $$`,
    )
    .execute(db);

  // People: the newest first (/admin/users), by role, and found by a fragment of name, phone or e-mail.
  await sql`create index users_created_idx on users (created_at, id)`.execute(db);
  await sql`create index users_search_idx on users using gin (search_grams(name || ' ' || coalesce(phone, '') || ' ' || coalesce(email, '')))`.execute(db);
  await sql`create index user_roles_role_idx on user_roles (role, user_id)`.execute(db);

  // The mentor queue and the assignment list: open work, oldest first; all reviewed work in that order.
  await sql`create index submissions_open_review_idx on submissions (submitted_at, id) where type in ('work_product', 'field_work') and status in ('submitted', 'resubmitted', 'in_review')`.execute(db);
  await sql`create index submissions_review_idx on submissions (submitted_at, id) where type in ('work_product', 'field_work') and status <> 'draft'`.execute(db);
  // A mentor's current assignments (the queue "mine", open load per mentor).
  await sql`create index submission_assignments_mentor_idx on submission_assignments (mentor_id, submission_id) where released_at is null`.execute(db);
  // A mentor's grades (agreement and turnaround figures on /mentor).
  await sql`create index grades_mentor_idx on grades (mentor_id, created_at)`.execute(db);
  // Decisions by time: the certificate pages catch up on evaluations a quiz pass made stale.
  await sql`create index submissions_decided_idx on submissions (decided_at) where status in ('passed', 'not_passed')`.execute(db);

  // Certificates: newest first, a holder's, and found by name on the certificate or number.
  await sql`create index certificates_issued_idx on certificates (issued_at, id)`.execute(db);
  await sql`create index certificates_user_idx on certificates (user_id)`.execute(db);
  await sql`create index certificates_search_idx on certificates using gin (search_grams(name_on_certificate || ' ' || number))`.execute(db);
  // Eligible and not yet issued, in evaluation order.
  await sql`create index eligibility_eligible_idx on eligibility (evaluated_at, user_id, tier) where eligible`.execute(db);
  // Evaluations made under an older rule (a content change re-evaluates them, a page at a time).
  await sql`create index eligibility_rule_idx on eligibility (tier, rule_version)`.execute(db);

  // Audit log by action group, newest first; an admin's exports; showcase by decision and nomination.
  await sql`create index audit_events_action_idx on audit_events (action text_pattern_ops, id)`.execute(db);
  await sql`create index exports_creator_idx on exports (created_by, created_at, id)`.execute(db);
  await sql`create index showcase_items_decided_idx on showcase_items (status, decided_at, submission_id)`.execute(db);
  await sql`create index showcase_items_nominated_idx on showcase_items (nominated_at, submission_id)`.execute(db);
  // Region pickers list the top levels of the tree only.
  await sql`create index org_units_level_idx on org_units (level) where archived_at is null`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const index of [
    "org_units_level_idx",
    "showcase_items_nominated_idx",
    "showcase_items_decided_idx",
    "exports_creator_idx",
    "audit_events_action_idx",
    "eligibility_rule_idx",
    "eligibility_eligible_idx",
    "certificates_search_idx",
    "certificates_user_idx",
    "certificates_issued_idx",
    "submissions_decided_idx",
    "grades_mentor_idx",
    "submission_assignments_mentor_idx",
    "submissions_review_idx",
    "submissions_open_review_idx",
    "user_roles_role_idx",
    "users_search_idx",
    "users_created_idx",
  ]) {
    await sql`drop index ${sql.ref(index)}`.execute(db);
  }
  await sql`drop function search_query_grams(text)`.execute(db);
  await sql`drop function search_grams(text)`.execute(db);
}
