import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { catalog } from "~/catalog/catalog.server";
import { mentorFigureInputs } from "~/models/calibration.server";
import { insertGrade, mentorQueue, queueKey, type GradeRole } from "~/models/grades.server";
import { requirePageRequest } from "~/models/keyset.server";
import { createTestApp } from "../support/app";
import { insertSubmission, twoMentorsAndATrainee } from "../support/arrange";

// One mentor's /mentor reads copies kept by triggers (migration 2026-11-30-24): the submission's queue
// status and submitted_at on each assignment, its submitted_at on each grade, and whether another mentor
// marked the same round. Through assignment, grading, double marking, return, resubmission, a decision,
// release, reassignment and a change of kind, every copy must equal the source rows after every step,
// and the page's counts and figures must equal the queries they replaced.

let app: Awaited<ReturnType<typeof createTestApp>>;
let mentors: string[];
let trainee: string;

async function copiesAgainstSource() {
  const assignments = await sql<{ n: number }>`
    select count(*)::int as n from submission_assignments a join submissions s on s.id = a.submission_id
    where a.queue_status is distinct from (case when s.type in ('work_product', 'field_work') then s.status end)
       or a.submitted_at is distinct from s.submitted_at`.execute(app.db);
  const gradeTimes = await sql<{ n: number }>`
    select count(*)::int as n from grades g join submissions s on s.id = g.submission_id where g.submitted_at is distinct from s.submitted_at`.execute(app.db);
  const coMarked = await sql<{ n: number }>`
    select count(*)::int as n from grades g
    where g.co_marked is distinct from (g.role in ('marker', 'second_marker') and exists (
      select 1 from grades o where o.submission_id = g.submission_id and o.round = g.round and o.mentor_id <> g.mentor_id and o.role in ('marker', 'second_marker')))`.execute(app.db);
  return { assignments: assignments.rows[0]!.n, gradeTimes: gradeTimes.rows[0]!.n, coMarked: coMarked.rows[0]!.n };
}

/** The definitions the page used before the copies: grouped submissions, joined grades. */
async function formerFigures(mentorId: string) {
  const counts = await sql<{ status: string; n: number }>`
    select s.status, least(count(*), 101)::int as n from submissions s
    where s.type in ('work_product', 'field_work') and s.status <> 'draft'
      and exists (select 1 from submission_assignments a where a.submission_id = s.id and a.mentor_id = ${mentorId} and a.released_at is null)
    group by s.status`.execute(app.db);
  const turnaround = await sql<{ hours: number }>`
    select extract(epoch from (g.created_at - s.submitted_at)) / 3600.0 as hours from grades g join submissions s on s.id = g.submission_id
    where g.mentor_id = ${mentorId} and g.created_at >= now() - interval '365 days' and s.submitted_at is not null and g.created_at >= s.submitted_at`.execute(app.db);
  const pairs = await sql<{ mine: number; other: number }>`
    select g.total as mine, o.total as other from grades g join grades o on o.submission_id = g.submission_id and o.round = g.round and o.mentor_id <> g.mentor_id
    where g.role in ('marker', 'second_marker') and o.role in ('marker', 'second_marker') and g.mentor_id = ${mentorId}`.execute(app.db);
  // The open load as routing counts it (decision 029): reviewed work only. The page's own count also took an
  // assigned quiz, which routing never makes; the last step (work turned into a quiz) is where they part.
  const open = await sql<{ n: number }>`
    select count(*)::int as n from submission_assignments a join submissions s on s.id = a.submission_id
    where a.released_at is null and a.mentor_id = ${mentorId} and s.type in ('work_product', 'field_work') and s.status in ('submitted', 'resubmitted', 'in_review')`.execute(app.db);
  return {
    counts: Object.fromEntries(counts.rows.map((r) => [r.status, r.n])),
    openLoad: open.rows[0]!.n,
    turnaround: turnaround.rows.map((r) => Number(r.hours)).sort(),
    pairs: pairs.rows.map((p) => [p.mine, p.other]).sort(),
  };
}

async function shownFigures(mentorId: string) {
  const page = requirePageRequest(new URL("http://localhost/mentor"), queueKey, { size: 50 });
  const queue = await mentorQueue(app.db, { viewerId: mentorId, assignedOnly: true }, { status: "open" }, page);
  const [inputs] = await mentorFigureInputs(app.db, mentorId);
  return {
    counts: queue.counts,
    openLoad: inputs!.openLoad,
    turnaround: [...inputs!.turnaroundHours].sort(),
    pairs: inputs!.coMarkerPairs.map((p) => [p.mine, p.other]).sort(),
  };
}

async function expectCopiesHold(step: string) {
  expect(await copiesAgainstSource(), step).toEqual({ assignments: 0, gradeTimes: 0, coMarked: 0 });
  for (const m of mentors) expect(await shownFigures(m), `${step}: ${m}`).toEqual(await formerFigures(m));
}

beforeAll(async () => {
  app = await createTestApp();
  ({ mentors, trainee } = await twoMentorsAndATrainee(app));
});
afterAll(async () => app?.close());

describe("the copies one mentor's queue reads", () => {
  it("equal the submissions and grades after every step, and the page shows what the joins gave", async () => {
    const [a, b] = mentors as [string, string];
    const modules = catalog().modules.filter((m) => m.track === "campus");
    const reviewed = modules.flatMap((m) => m.tasks.filter((t) => t.type !== "quiz").map((task) => ({ module: m, task })));
    const [one, two, three] = await Promise.all(reviewed.slice(0, 3).map(({ module, task }) => insertSubmission(app.db, { userId: trainee, module, task })));
    const assign = (submission: string, mentor: string) => app.db.insertInto("submission_assignments").values({ submission_id: submission, mentor_id: mentor }).execute();
    const status = (submission: string, to: string, extra: { submitted_at?: Date; attempts_used?: number } = {}) =>
      app.db.updateTable("submissions").set({ status: to as "submitted", ...extra }).where("id", "=", submission).execute();
    const grade = (submission: string, mentor: string, role: GradeRole, total: number, round = 1) =>
      insertGrade(app.db, { submissionId: submission, mentorId: mentor, role, taskVersion: one!.version, criteria: [], total, decision: "pass", comment: null, seenVersion: "v", round });
    await expectCopiesHold("nothing assigned");

    await assign(one!.id, a);
    await assign(two!.id, a);
    await assign(three!.id, b);
    await assign(two!.id, b); // double marking: two markers on one piece of work
    await expectCopiesHold("assigned");

    await status(one!.id, "in_review");
    await grade(one!.id, a, "marker", 80);
    await expectCopiesHold("graded alone");
    await status(two!.id, "in_review");
    await grade(two!.id, a, "marker", 70);
    await expectCopiesHold("first marker");
    await grade(two!.id, b, "second_marker", 60);
    await expectCopiesHold("second marker: a pair");
    await grade(two!.id, b, "moderator", 65);
    await expectCopiesHold("a moderator is no marker");

    await status(one!.id, "returned");
    await expectCopiesHold("returned");
    await status(one!.id, "resubmitted", { submitted_at: new Date(Date.now() + 1000), attempts_used: 2 });
    await expectCopiesHold("resubmitted: the earlier round's grade has no turnaround");
    await status(one!.id, "in_review");
    await grade(one!.id, b, "marker", 90, 2);
    await expectCopiesHold("a second round, another mentor, no pair");
    await status(two!.id, "passed");
    await expectCopiesHold("decided");

    await app.db.updateTable("submission_assignments").set({ released_at: new Date() }).where("submission_id", "=", three!.id).execute();
    await expectCopiesHold("released");
    await assign(three!.id, a);
    await expectCopiesHold("reassigned");
    await app.db.updateTable("submission_assignments").set({ submission_id: one!.id }).where("submission_id", "=", three!.id).where("mentor_id", "=", b).execute();
    await expectCopiesHold("an assignment moved to other work");
    await app.db.updateTable("submissions").set({ type: "quiz" }).where("id", "=", three!.id).execute();
    await expectCopiesHold("no longer reviewed work");
  });
});
