import { sql, type Kysely } from "kysely";

// The 百千万 figures kept as summaries (docs/decisions/020-outcome-summaries.md).
//
// outcome_figures holds, for every org unit and each of its ancestors, the amount one kind of source row
// contributes per calendar month (Asia/Shanghai): a region's figure is a handful of rows read by primary
// key, never a scan of the source rows under it. A measure is one of
//   people:<audience type>   passed field work, sum of people reached, at the submission's unit, by activity month
//   certified:<tier>         live (issued) certificates, at the holder's current unit, by month issued
//   milestone:<kind>         standing milestones, at the site, by month marked (the unit's track)
//   showcase                 approved showcase items with consent, at the author's current unit, by month decided
//
// Triggers on the source tables keep them in the same transaction as every write, whichever code path
// (or script) makes it: a grade decision moving a submission to or from 已通过, a certificate issued,
// revoked or superseded, a showcase decision, a milestone, a person moved to another unit, a unit moved
// in the tree. The nightly check (app/models/outcome-figures.server.ts) recomputes them from the source
// rows, records any drift in outcome_checks and repairs it. Every decision updates a few rows in place
// (the root's every time), so the table leaves room for HOT updates (fillfactor 80).

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table outcome_figures (
      org_unit_id uuid not null references org_units(id),
      track text not null,
      measure text not null,
      month date not null,
      value bigint not null,
      -- The value rides in the index: a region's rows are read by an index-only scan, not one heap page each.
      primary key (org_unit_id, track, measure, month) include (value)
    ) with (fillfactor = 80)
  `.execute(db);

  await sql`
    create table outcome_checks (
      id bigint generated always as identity primary key,
      started_at timestamptz not null default now(),
      finished_at timestamptz not null default now(),
      rows_checked integer not null,
      drifted integer not null,
      sample jsonb not null default '[]'
    )
  `.execute(db);

  // Adds value to the unit's rows and every ancestor's (the path lists them root first, so concurrent
  // writers lock the rows in the same order).
  await sql`
    create function outcome_figures_add(p_unit uuid, p_track text, p_measure text, p_month date, p_value bigint) returns void
    language sql as $$
      insert into outcome_figures (org_unit_id, track, measure, month, value)
      select a.id::uuid, p_track, p_measure, p_month, p_value
      from org_units o, unnest(string_to_array(trim(both '/' from o.path), '/')) with ordinality as a(id, n)
      where o.id = p_unit and o.path like '/%' and p_track is not null and p_month is not null and p_value <> 0
      order by a.n
      on conflict (org_unit_id, track, measure, month) do update set value = outcome_figures.value + excluded.value
    $$
  `.execute(db);

  // The calendar month of a moment in China (UTC+8 all year).
  await sql`
    create function outcome_month(p_at timestamptz) returns date
    language sql immutable as $$ select date_trunc('month', (p_at at time zone 'UTC') + interval '8 hours')::date $$
  `.execute(db);

  // Field work: passed, at the submission's unit. Also a submission's own showcase contribution when its
  // consent or track changes under an approved item.
  await sql`
    create function outcome_submission_changed() returns trigger
    language plpgsql as $$
    declare
      shown record;
    begin
      if tg_op in ('UPDATE', 'DELETE') and old.type = 'field_work' and old.status = 'passed' and old.audience_type is not null then
        perform outcome_figures_add(old.org_unit_id, old.track, 'people:' || old.audience_type, date_trunc('month', old.activity_date)::date, -coalesce(old.people_reached, 0));
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.type = 'field_work' and new.status = 'passed' and new.audience_type is not null then
        perform outcome_figures_add(new.org_unit_id, new.track, 'people:' || new.audience_type, date_trunc('month', new.activity_date)::date, coalesce(new.people_reached, 0));
      end if;
      if tg_op = 'UPDATE' and (old.showcase_consent, old.track, old.user_id) is distinct from (new.showcase_consent, new.track, new.user_id) then
        for shown in select si.decided_at from showcase_items si where si.submission_id = new.id and si.status = 'approved' loop
          if old.showcase_consent then
            perform outcome_figures_add((select org_unit_id from users where id = old.user_id), old.track, 'showcase', outcome_month(shown.decided_at), -1);
          end if;
          if new.showcase_consent then
            perform outcome_figures_add((select org_unit_id from users where id = new.user_id), new.track, 'showcase', outcome_month(shown.decided_at), 1);
          end if;
        end loop;
      end if;
      return null;
    end $$
  `.execute(db);
  await sql`create trigger outcome_submission_inserted after insert on submissions for each row when (new.type = 'field_work' and new.status = 'passed') execute function outcome_submission_changed()`.execute(db);
  await sql`
    create trigger outcome_submission_updated after update on submissions for each row
    when (
      ((old.status = 'passed' or new.status = 'passed') and (old.status, old.type, old.org_unit_id, old.track, old.audience_type, old.people_reached, old.activity_date) is distinct from (new.status, new.type, new.org_unit_id, new.track, new.audience_type, new.people_reached, new.activity_date))
      or (old.showcase_consent, old.track, old.user_id) is distinct from (new.showcase_consent, new.track, new.user_id)
    )
    execute function outcome_submission_changed()
  `.execute(db);
  await sql`create trigger outcome_submission_deleted after delete on submissions for each row when (old.status = 'passed') execute function outcome_submission_changed()`.execute(db);

  // Certificates: a live one counts at its holder's current unit, in the month it was issued.
  await sql`
    create function outcome_certificate_changed() returns trigger
    language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') and old.status = 'issued' then
        perform outcome_figures_add((select org_unit_id from users where id = old.user_id), old.track, 'certified:' || old.tier, outcome_month(old.issued_at), -1);
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.status = 'issued' then
        perform outcome_figures_add((select org_unit_id from users where id = new.user_id), new.track, 'certified:' || new.tier, outcome_month(new.issued_at), 1);
      end if;
      return null;
    end $$
  `.execute(db);
  await sql`create trigger outcome_certificate_inserted after insert on certificates for each row when (new.status = 'issued') execute function outcome_certificate_changed()`.execute(db);
  await sql`
    create trigger outcome_certificate_updated after update on certificates for each row
    when ((old.status, old.user_id, old.track, old.tier, old.issued_at) is distinct from (new.status, new.user_id, new.track, new.tier, new.issued_at))
    execute function outcome_certificate_changed()
  `.execute(db);
  await sql`create trigger outcome_certificate_deleted after delete on certificates for each row when (old.status = 'issued') execute function outcome_certificate_changed()`.execute(db);

  // Showcase: an approved item of consented work counts at its author's current unit, in the month decided.
  await sql`
    create function outcome_showcase_changed() returns trigger
    language plpgsql as $$
    declare
      s record;
    begin
      if tg_op in ('UPDATE', 'DELETE') and old.status = 'approved' then
        select sub.track, sub.showcase_consent, u.org_unit_id into s from submissions sub join users u on u.id = sub.user_id where sub.id = old.submission_id;
        if found and s.showcase_consent then
          perform outcome_figures_add(s.org_unit_id, s.track, 'showcase', outcome_month(old.decided_at), -1);
        end if;
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.status = 'approved' then
        select sub.track, sub.showcase_consent, u.org_unit_id into s from submissions sub join users u on u.id = sub.user_id where sub.id = new.submission_id;
        if found and s.showcase_consent then
          perform outcome_figures_add(s.org_unit_id, s.track, 'showcase', outcome_month(new.decided_at), 1);
        end if;
      end if;
      return null;
    end $$
  `.execute(db);
  await sql`
    create trigger outcome_showcase_changed after insert or update or delete on showcase_items for each row
    execute function outcome_showcase_changed()
  `.execute(db);

  // Milestones: a standing one counts at its site, for the site's track, from the month it was marked.
  await sql`
    create function outcome_milestone_changed() returns trigger
    language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') and old.withdrawn_at is null then
        perform outcome_figures_add(old.org_unit_id, (select track from org_units where id = old.org_unit_id), 'milestone:' || old.milestone, outcome_month(old.marked_at), -1);
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.withdrawn_at is null then
        perform outcome_figures_add(new.org_unit_id, (select track from org_units where id = new.org_unit_id), 'milestone:' || new.milestone, outcome_month(new.marked_at), 1);
      end if;
      return null;
    end $$
  `.execute(db);
  await sql`create trigger outcome_milestone_changed after insert or update or delete on org_milestones for each row execute function outcome_milestone_changed()`.execute(db);

  // A person moved to another unit takes their certificates and showcased work with them.
  await sql`
    create function outcome_user_moved() returns trigger
    language plpgsql as $$
    declare
      r record;
    begin
      for r in
        select c.track, 'certified:' || c.tier as measure, outcome_month(c.issued_at) as month, count(*) as n
        from certificates c where c.user_id = new.id and c.status = 'issued' group by 1, 2, 3
        union all
        select s.track, 'showcase', outcome_month(si.decided_at), count(*)
        from showcase_items si join submissions s on s.id = si.submission_id
        where s.user_id = new.id and si.status = 'approved' and s.showcase_consent group by 1, 2, 3
      loop
        perform outcome_figures_add(old.org_unit_id, r.track, r.measure, r.month, -r.n);
        perform outcome_figures_add(new.org_unit_id, r.track, r.measure, r.month, r.n);
      end loop;
      return null;
    end $$
  `.execute(db);
  await sql`create trigger outcome_user_moved after update of org_unit_id on users for each row when (old.org_unit_id is distinct from new.org_unit_id) execute function outcome_user_moved()`.execute(db);

  // A unit moved in the tree: its own rows already hold its subtree's totals, so they leave the old
  // ancestors and join the new ones. Only the top of a moved subtree is handled (its parent did not move
  // in the same statement); the rows below it keep their ids, so nothing else changes. A milestone's
  // track follows its unit's track.
  await sql`
    create function outcome_units_changed() returns trigger
    language plpgsql as $$
    begin
      insert into outcome_figures (org_unit_id, track, measure, month, value)
      select x.id::uuid, f.track, f.measure, f.month, sum(x.sign * f.value)
      from new_units n
      join old_units o on o.id = n.id
      join outcome_figures f on f.org_unit_id = n.id
      cross join lateral (
        select a, -1 from unnest(string_to_array(trim(both '/' from o.path), '/')) a
        union all
        select a, 1 from unnest(string_to_array(trim(both '/' from n.path), '/')) a
      ) as x(id, sign)
      where o.path <> n.path and o.path like '/%' and n.path like '/%' and x.id <> n.id::text
        and not exists (select 1 from new_units p join old_units op on op.id = p.id where p.id = n.parent_id and op.path <> p.path)
      group by 1, 2, 3, 4
      on conflict (org_unit_id, track, measure, month) do update set value = outcome_figures.value + excluded.value;

      -- A site whose track changed: its milestones count for the new track.
      perform outcome_figures_add(n.id, o.track, 'milestone:' || ms.milestone, outcome_month(ms.marked_at), -1),
              outcome_figures_add(n.id, n.track, 'milestone:' || ms.milestone, outcome_month(ms.marked_at), 1)
      from new_units n join old_units o on o.id = n.id join org_milestones ms on ms.org_unit_id = n.id and ms.withdrawn_at is null
      where o.track is distinct from n.track;
      return null;
    end $$
  `.execute(db);
  await sql`
    create trigger outcome_units_changed after update on org_units
    referencing old table as old_units new table as new_units
    for each statement execute function outcome_units_changed()
  `.execute(db);

  // Backfill from the source rows: each row's own unit, rolled up to every ancestor.
  await sql`
    insert into outcome_figures (org_unit_id, track, measure, month, value)
    select a.id::uuid, own.track, own.measure, own.month, sum(own.value)
    from (
      select o.path, s.track, 'people:' || s.audience_type as measure, date_trunc('month', s.activity_date)::date as month, coalesce(s.people_reached, 0)::bigint as value
      from submissions s join org_units o on o.id = s.org_unit_id
      where s.type = 'field_work' and s.status = 'passed' and s.audience_type is not null and s.activity_date is not null
      union all
      select o.path, c.track, 'certified:' || c.tier, outcome_month(c.issued_at), 1
      from certificates c join users u on u.id = c.user_id join org_units o on o.id = u.org_unit_id
      where c.status = 'issued'
      union all
      select o.path, o.track, 'milestone:' || ms.milestone, outcome_month(ms.marked_at), 1
      from org_milestones ms join org_units o on o.id = ms.org_unit_id
      where ms.withdrawn_at is null and o.track is not null
      union all
      select o.path, s.track, 'showcase', outcome_month(si.decided_at), 1
      from showcase_items si join submissions s on s.id = si.submission_id join users u on u.id = s.user_id join org_units o on o.id = u.org_unit_id
      where si.status = 'approved' and s.showcase_consent and si.decided_at is not null
    ) own
    cross join lateral unnest(string_to_array(trim(both '/' from own.path), '/')) as a(id)
    where own.path like '/%'
    group by 1, 2, 3, 4
  `.execute(db);

  // The drill-down lists (oldest first, keyset) read the source rows by these: the whole programme walks
  // the dates in order, a region probes each unit of its subtree (EXPLAIN at 1,000,000 submissions).
  await sql`create index submissions_outcome_people_idx on submissions (track, activity_date, id) include (org_unit_id, audience_type, people_reached) where type = 'field_work' and status = 'passed'`.execute(db);
  await sql`create index submissions_outcome_unit_idx on submissions (org_unit_id, track, activity_date, id) include (audience_type, people_reached) where type = 'field_work' and status = 'passed'`.execute(db);
  await sql`create index certificates_outcome_idx on certificates (track, tier, issued_at, id) where status = 'issued'`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index certificates_outcome_idx`.execute(db);
  await sql`drop index submissions_outcome_unit_idx`.execute(db);
  await sql`drop index submissions_outcome_people_idx`.execute(db);
  await sql`drop trigger outcome_units_changed on org_units`.execute(db);
  await sql`drop trigger outcome_user_moved on users`.execute(db);
  await sql`drop trigger outcome_milestone_changed on org_milestones`.execute(db);
  await sql`drop trigger outcome_showcase_changed on showcase_items`.execute(db);
  for (const t of ["inserted", "updated", "deleted"]) {
    await sql.raw(`drop trigger outcome_certificate_${t} on certificates`).execute(db);
    await sql.raw(`drop trigger outcome_submission_${t} on submissions`).execute(db);
  }
  for (const f of ["outcome_units_changed()", "outcome_user_moved()", "outcome_milestone_changed()", "outcome_showcase_changed()", "outcome_certificate_changed()", "outcome_submission_changed()", "outcome_month(timestamptz)", "outcome_figures_add(uuid, text, text, date, bigint)"]) {
    await sql.raw(`drop function ${f}`).execute(db);
  }
  await sql`drop table outcome_checks`.execute(db);
  await sql`drop table outcome_figures`.execute(db);
}
