import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { catalog } from "~/catalog/catalog.server";
import { mentorCandidates } from "~/models/assignments.server";
import { createTestApp } from "../support/app";
import { insertSubmission, twoMentorsAndATrainee } from "../support/arrange";

// Each mentor's open load is kept by triggers (migration 2026-11-30-22). Through assignment, release,
// reassignment, decisions, returns, resubmissions and a deleted assignment, the kept figure must equal
// a count from the rows, for every mentor, after every step.

let app: Awaited<ReturnType<typeof createTestApp>>;
let mentors: string[];
let trainee: string;

/** The definition the figure replaced: open work products and field work, current assignments. */
async function recounted(): Promise<Record<string, number>> {
  const rows = await sql<{ mentor_id: string; n: number }>`
    select a.mentor_id, count(*)::int as n from submissions s join submission_assignments a on a.submission_id = s.id and a.released_at is null
    where s.type in ('work_product', 'field_work') and s.status in ('submitted', 'resubmitted', 'in_review') and a.mentor_id in (${sql.join(mentors)})
    group by a.mentor_id`.execute(app.db);
  return Object.fromEntries(mentors.map((m) => [m, rows.rows.find((r) => r.mentor_id === m)?.n ?? 0]));
}

async function kept(): Promise<Record<string, number>> {
  const candidates = await mentorCandidates(app.db);
  return Object.fromEntries(mentors.map((m) => [m, candidates.find((c) => c.mentorId === m)?.openLoad ?? -1]));
}

async function expectKeptEqualsRecount(step: string, expected: number[]) {
  const truth = await recounted();
  expect(mentors.map((m) => truth[m]), `${step}: recount`).toEqual(expected);
  expect(await kept(), step).toEqual(truth);
}

beforeAll(async () => {
  app = await createTestApp();
  ({ mentors, trainee } = await twoMentorsAndATrainee(app));
});
afterAll(async () => app?.close());

describe("a mentor's open load", () => {
  it("moves with every assignment and status change and always equals a count from the rows", async () => {
    const [a, b] = mentors as [string, string];
    const modules = catalog().modules.filter((m) => m.track === "campus");
    const reviewed = modules.flatMap((m) => m.tasks.filter((t) => t.type !== "quiz").map((task) => ({ module: m, task })));
    const quiz = modules.flatMap((m) => m.tasks.filter((t) => t.type === "quiz").map((task) => ({ module: m, task })))[0]!;
    const [one, two, three] = await Promise.all(reviewed.slice(0, 3).map(({ module, task }) => insertSubmission(app.db, { userId: trainee, module, task })));
    const q = await insertSubmission(app.db, { userId: trainee, module: quiz.module, task: quiz.task });
    const assign = (submission: string, mentor: string) => app.db.insertInto("submission_assignments").values({ submission_id: submission, mentor_id: mentor }).execute();
    const status = (submission: string, to: string) => app.db.updateTable("submissions").set({ status: to as "submitted" }).where("id", "=", submission).execute();
    await expectKeptEqualsRecount("nothing assigned", [0, 0]);

    await assign(one!.id, a);
    await assign(two!.id, a);
    await assign(three!.id, b);
    await assign(q.id, b); // quizzes are scored, never counted
    await expectKeptEqualsRecount("assigned", [2, 1]);

    await status(one!.id, "in_review");
    await expectKeptEqualsRecount("in review stays open", [2, 1]);
    await status(one!.id, "returned");
    await expectKeptEqualsRecount("returned closes", [1, 1]);
    await status(one!.id, "resubmitted");
    await expectKeptEqualsRecount("resubmitted opens again", [2, 1]);
    await status(two!.id, "passed");
    await expectKeptEqualsRecount("passed closes", [1, 1]);

    await app.db.updateTable("submission_assignments").set({ released_at: new Date() }).where("submission_id", "=", three!.id).execute();
    await expectKeptEqualsRecount("released", [1, 0]);
    await assign(three!.id, a);
    await expectKeptEqualsRecount("reassigned to another mentor", [2, 0]);
    await app.db.updateTable("submission_assignments").set({ released_at: null }).where("submission_id", "=", three!.id).where("mentor_id", "=", b).execute();
    await expectKeptEqualsRecount("a release undone", [2, 1]);
    await app.db.updateTable("submission_assignments").set({ mentor_id: b }).where("submission_id", "=", one!.id).where("mentor_id", "=", a).execute();
    await expectKeptEqualsRecount("an assignment moved to another mentor", [1, 2]);
    await app.db.deleteFrom("submission_assignments").where("submission_id", "=", three!.id).execute();
    await expectKeptEqualsRecount("assignments deleted", [0, 1]);
    await status(two!.id, "resubmitted");
    await expectKeptEqualsRecount("a decided one reopened", [1, 1]);
  });
});
