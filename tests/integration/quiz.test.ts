import { UnrecoverableError, type Job } from "bullmq";
import { sql, type Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import { quizTaskSchema } from "~/catalog/schema";
import type { CatalogModule } from "~/catalog/types";
import { quizScoringJobId, quizScoringJobIdPrefix, readStoredQuizResult, type QuizAnswers, type QuizTask } from "~/domain/quiz-scoring";
import { currentTaskVersion, syncCatalog } from "~/models/curriculum.server";
import { submitMovesOf } from "~/domain/submission-lifecycle";
import { handInQuizAttempt } from "~/models/quiz-attempts.server";
import { getOrCreateDraft, getSubmission } from "~/models/submissions.server";
import { enqueue, queue } from "~/queue.server";
import { quizView, submitQuizAttempt } from "~/submissions/quiz.server";
import { scoreQuizAttempts, scoringProcessor, type DeclaredQuizzes } from "../../workers/processors/scoring";
import { startWorkers, type RunningWorkers } from "../../workers/runtime";
import type { Database } from "../../db/schema";
import { createTestApp } from "../support/app";
import { jobCompleted, waitFor } from "../support/wait";
import { rightAnswers, wrongAnswers } from "../support/arrange";

let app: Awaited<ReturnType<typeof createTestApp>>;
let workers: RunningWorkers;

const quizzes = catalog().modules.flatMap((module) =>
  module.tasks.flatMap((task) => (task.type === "quiz" ? [{ module, task: task as QuizTask }] : [])),
);
const main = quizzes[0]!;
const versioned = quizzes[1]!;

beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
  workers = await startWorkers({ db: app.db, redisUrl: app.redis.redisUrl, prefix: app.redis.prefix, concurrency: 2 });
});

afterAll(async () => {
  await workers?.close();
  await app?.close();
});

function scoringWorker() {
  return workers.workers.find((w) => w.name === "scoring")!;
}

async function trainee(module: CatalogModule) {
  return (await app.signIn(["trainee"], { track: module.track })).id;
}

async function submit(userId: string, pick: { module: CatalogModule; task: QuizTask }, answers: QuizAnswers, db: Kysely<Database> = app.db) {
  const version = (await currentTaskVersion(app.db, pick.task.id))!;
  return submitQuizAttempt(db, {
    user: { id: userId },
    task: pick.task,
    taskVersion: version.version,
    moduleId: pick.module.id,
    track: pick.module.track,
    tier: pick.module.tier,
    answers,
  });
}

/** Waits until the worker has decided attempt `attempt` of the submission. */
async function scored(submissionId: string, attempt: number) {
  await waitFor(`attempt ${attempt} scored`, async () => {
    const row = await app.db.selectFrom("quiz_attempts").select("scored_at").where("submission_id", "=", submissionId).where("attempt", "=", attempt).executeTakeFirst();
    return row?.scored_at ? true : undefined;
  });
  return (await getSubmission(app.db, submissionId))!;
}

const attemptsOf = (submissionId: string) =>
  app.db.selectFrom("quiz_attempts").selectAll().where("submission_id", "=", submissionId).orderBy("attempt").execute();
const eventsOf = (submissionId: string) =>
  app.db.selectFrom("submission_events").selectAll().where("submission_id", "=", submissionId).orderBy("id").execute();
const outboxOf = (submissionId: string) =>
  app.db.selectFrom("job_outbox").selectAll().where("job_id", "like", `score-quiz-${submissionId}-%`).orderBy("job_id").execute();

describe("taking a quiz", () => {
  it("a submitted attempt is scored by the worker; the key and explanations reach the page only after scoring", async () => {
    const userId = await trainee(main.module);
    await scoringWorker().pause();
    const outcome = await submit(userId, main, rightAnswers(main.task));
    expect(outcome).toMatchObject({ ok: true, attempt: 1 });
    if (!outcome.ok) return;

    const waiting = (await getSubmission(app.db, outcome.submissionId))!;
    expect(waiting).toMatchObject({ status: "submitted", attempts_used: 1, score: null });
    expect(await outboxOf(outcome.submissionId)).toMatchObject([{ job_id: `score-quiz-${outcome.submissionId}-1`, queue: "scoring", completed_at: null }]);
    const before = await quizView(app.db, { userId, task: main.task, submission: waiting });
    expect(before).toMatchObject({ status: "submitted", attempts: [], attemptsUsed: 1, canAttempt: false });
    const sent = JSON.stringify(before);
    for (const q of main.task.questions) expect(sent).not.toContain(q.explanation);

    scoringWorker().resume();
    const decided = await scored(outcome.submissionId, 1);
    expect(decided).toMatchObject({ status: "passed", score: 100 });
    expect(decided.decided_at).not.toBeNull();
    const [attempt] = await attemptsOf(outcome.submissionId);
    expect(attempt).toMatchObject({ score: 100 });
    expect(readStoredQuizResult(attempt!.result)?.results.every((r) => r.correct)).toBe(true);
    expect((await outboxOf(outcome.submissionId))[0]!.completed_at).not.toBeNull();
    const events = await eventsOf(outcome.submissionId);
    expect(events.map((e) => [e.from_status, e.to_status, e.actor_id])).toEqual([
      ["draft", "submitted", userId],
      ["submitted", "passed", null],
    ]);

    const after = await quizView(app.db, { userId, task: main.task, submission: decided });
    expect(after).toMatchObject({ status: "passed", canAttempt: false, attempts: [{ attempt: 1, score: 100, passed: true }] });
    expect(after.attempts[0]!.results.map((r) => r.explanation)).toEqual(main.task.questions.map((q) => q.explanation));
    // Someone else's submission shows nothing.
    expect((await quizView(app.db, { userId: await trainee(main.module), task: main.task, submission: decided })).attempts).toEqual([]);

    expect(await submit(userId, main, rightAnswers(main.task))).toEqual({ ok: false, problem: "passed" });
  });

  it("wrong answers are not passed with their score; a retake is attempt 2 and can pass", async () => {
    const userId = await trainee(main.module);
    const first = await submit(userId, main, wrongAnswers(main.task));
    if (!first.ok) throw new Error(first.problem);
    expect(await scored(first.submissionId, 1)).toMatchObject({ status: "not_passed", score: 0 });

    const second = await submit(userId, main, rightAnswers(main.task));
    expect(second).toEqual({ ok: true, submissionId: first.submissionId, attempt: 2 });
    expect(await scored(first.submissionId, 2)).toMatchObject({ status: "passed", score: 100, attempts_used: 2 });
    expect((await eventsOf(first.submissionId)).map((e) => e.to_status)).toEqual(["submitted", "not_passed", "resubmitted", "passed"]);
  });

  it("hands an attempt in with one statement, a first one, one after a saved draft and a retake alike, and tells the scorer", async () => {
    // Round trips are what a submit costs on a busy day (issue 16): each of these is one statement.
    let statements = 0;
    const counted = app.db.withPlugin({ transformQuery: ({ node }) => (statements++, node), transformResult: async ({ result }) => result });
    const fresh = await trainee(main.module);
    const first = await submit(fresh, main, wrongAnswers(main.task), counted);
    if (!first.ok) throw new Error(first.problem);
    expect(statements).toBe(1);
    expect(await outboxOf(first.submissionId)).toMatchObject([{ job_id: quizScoringJobId(first.submissionId, 1), queue: "scoring", name: "score-quiz", payload: { submissionId: first.submissionId, attempt: 1 } }]);
    await scored(first.submissionId, 1);
    statements = 0;
    expect(await submit(fresh, main, rightAnswers(main.task), counted)).toEqual({ ok: true, submissionId: first.submissionId, attempt: 2 });
    expect(statements).toBe(1);
    await scored(first.submissionId, 2);
    expect((await eventsOf(first.submissionId)).map((e) => [e.from_status, e.to_status, e.actor_id])).toEqual([
      ["draft", "submitted", fresh],
      ["submitted", "not_passed", null],
      ["not_passed", "resubmitted", fresh],
      ["resubmitted", "passed", null],
    ]);

    // A draft made before (opening the quiz does not, but a saved work product's path does the same) is handed in, not duplicated.
    const drafted = await trainee(main.module);
    const version = (await currentTaskVersion(app.db, main.task.id))!.version;
    const draft = await getOrCreateDraft(app.db, { userId: drafted, taskId: main.task.id, taskVersion: version, moduleId: main.module.id, track: main.module.track, tier: main.module.tier, type: "quiz" });
    statements = 0;
    expect(await submit(drafted, main, rightAnswers(main.task), counted)).toEqual({ ok: true, submissionId: draft.id, attempt: 1 });
    expect(statements).toBe(1);
    expect((await eventsOf(draft.id)).map((e) => [e.from_status, e.to_status])).toEqual([["draft", "submitted"]]);
    expect(await scored(draft.id, 1)).toMatchObject({ status: "passed", attempts_used: 1 });
  });

  it("the hand-in is a statement PostgreSQL parses and plans once per connection, not on every submit", async () => {
    const userIds = [await trainee(main.module), await trainee(main.module)];
    const version = (await currentTaskVersion(app.db, main.task.id))!.version;
    const prepared = await app.db.transaction().execute(async (trx) => {
      for (const userId of userIds) {
        const outcome = await handInQuizAttempt(trx, {
          key: { userId, taskId: main.task.id, taskVersion: version, moduleId: main.module.id, track: main.module.track, tier: main.module.tier },
          moves: submitMovesOf("quiz"),
          attemptLimit: main.task.attemptLimit,
          answers: rightAnswers(main.task),
          actorId: userId,
          job: { queue: "scoring", name: "score-quiz", idPrefix: quizScoringJobIdPrefix },
        });
        expect(outcome).toMatchObject({ attempt: 1 });
      }
      // This connection's prepared statements: the hand-in once, for both submits.
      return (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(trx)).rows.filter((r) => r.statement.includes("insert into quiz_attempts"));
    });
    expect(prepared).toHaveLength(1);
  });

  it("refuses answers that do not answer every question", async () => {
    const userId = await trainee(main.module);
    const answers = rightAnswers(main.task);
    delete answers[main.task.questions[0]!.id];
    const outcome = await submit(userId, main, answers);
    expect(outcome).toMatchObject({ ok: false, problem: "invalid", errors: { [main.task.questions[0]!.id]: `quiz.error.${main.task.questions[0]!.kind}` } });
    expect(await app.db.selectFrom("submissions").select("id").where("user_id", "=", userId).execute()).toEqual([]);
  });

  it("a double submit makes one attempt and one scoring job", async () => {
    const userId = await trainee(main.module);
    await scoringWorker().pause();
    const outcomes = await Promise.all([submit(userId, main, rightAnswers(main.task)), submit(userId, main, rightAnswers(main.task))]);
    const ok = outcomes.filter((o) => o.ok);
    expect(ok).toHaveLength(1);
    expect(outcomes.find((o) => !o.ok)).toEqual({ ok: false, problem: "scoring" });
    const submissionId = ok[0]!.ok ? ok[0]!.submissionId : "";
    expect(await attemptsOf(submissionId)).toHaveLength(1);
    expect(await outboxOf(submissionId)).toHaveLength(1);
    expect((await getSubmission(app.db, submissionId))!.attempts_used).toBe(1);
    expect((await eventsOf(submissionId)).map((e) => e.to_status)).toEqual(["submitted"]);
    scoringWorker().resume();
    expect(await scored(submissionId, 1)).toMatchObject({ status: "passed" });
  });

  it("the attempt limit is enforced", async () => {
    const userId = await trainee(main.module);
    let submissionId = "";
    for (let attempt = 1; attempt <= main.task.attemptLimit; attempt += 1) {
      const outcome = await submit(userId, main, wrongAnswers(main.task));
      expect(outcome).toMatchObject({ ok: true, attempt });
      if (!outcome.ok) return;
      submissionId = outcome.submissionId;
      expect(await scored(submissionId, attempt)).toMatchObject({ status: "not_passed" });
    }
    expect(await submit(userId, main, rightAnswers(main.task))).toEqual({ ok: false, problem: "noAttemptsLeft" });
    expect(await attemptsOf(submissionId)).toHaveLength(main.task.attemptLimit);
    const submission = (await getSubmission(app.db, submissionId))!;
    expect(submission).toMatchObject({ status: "not_passed", attempts_used: main.task.attemptLimit });
    expect(await quizView(app.db, { userId, task: main.task, submission })).toMatchObject({ canAttempt: false, attemptsUsed: main.task.attemptLimit });
  }, 40_000);

  it("keeps the key of wrong answers from the page while retakes remain, and shows it all once none remain", async () => {
    const userId = await trainee(main.module);
    let submissionId = "";
    for (let attempt = 1; attempt <= main.task.attemptLimit; attempt += 1) {
      const outcome = await submit(userId, main, wrongAnswers(main.task));
      if (!outcome.ok) throw new Error(outcome.problem);
      submissionId = outcome.submissionId;
      const submission = await scored(submissionId, attempt);
      const view = await quizView(app.db, { userId, task: main.task, submission });
      const sent = JSON.stringify(view);
      const last = attempt === main.task.attemptLimit;
      for (const q of main.task.questions) expect(sent.includes(q.explanation), `attempt ${attempt}, ${q.id}`).toBe(last);
      expect(view.attempts.at(-1)!.results.every((r) => (r.answer === null) === !last)).toBe(true);
    }
  }, 40_000);
});

describe("the scoring job", () => {
  it("run again (through the queue or directly) changes nothing", async () => {
    const userId = await trainee(main.module);
    const outcome = await submit(userId, main, wrongAnswers(main.task));
    if (!outcome.ok) throw new Error(outcome.problem);
    await scored(outcome.submissionId, 1);
    const snapshot = async () => ({
      submission: await getSubmission(app.db, outcome.submissionId),
      attempts: await attemptsOf(outcome.submissionId),
      events: await eventsOf(outcome.submissionId),
      outbox: await outboxOf(outcome.submissionId),
    });
    const before = await snapshot();
    expect(before.submission).toMatchObject({ status: "not_passed", score: 0 });

    const againId = `score-quiz-${outcome.submissionId}-1-again`;
    await enqueue("scoring", "score-quiz", { submissionId: outcome.submissionId, attempt: 1 }, againId);
    const job = await queue("scoring").getJob(againId);
    const state = await waitFor("the job settled", async () => {
      const s = await job?.getState();
      return s === "completed" || s === "failed" ? s : undefined;
    });
    expect(state).toBe("completed");
    const direct = await scoringProcessor(app.db)({ name: "score-quiz", data: { submissionId: outcome.submissionId, attempt: 1 } } as Job);
    expect(direct).toMatchObject({ scored: false, reason: "alreadyScored" });
    expect(await snapshot()).toEqual(before);
  });

  it("a scorer reads a quiz version once and keeps it for later batches (a version never changes)", async () => {
    await scoringWorker().pause();
    try {
      const outcomes = [];
      for (let i = 0; i < 2; i += 1) {
        const outcome = await submit(await trainee(main.module), main, rightAnswers(main.task));
        if (!outcome.ok) throw new Error(outcome.problem);
        outcomes.push(outcome);
      }
      const tasksRead: string[] = [];
      const watched = app.db.withPlugin({
        transformQuery: ({ node }) => (node.kind === "SelectQueryNode" && JSON.stringify(node.from).includes('"tasks"') && tasksRead.push("tasks"), node),
        transformResult: async ({ result }) => result,
      });
      const declared: DeclaredQuizzes = new Map();
      for (const outcome of outcomes) {
        const [scoredOne] = await scoreQuizAttempts(watched, [{ submissionId: outcome.submissionId, attempt: 1 }], declared);
        expect(scoredOne).toMatchObject({ scored: true, passed: true });
      }
      expect(tasksRead).toEqual(["tasks"]);
    } finally {
      scoringWorker().resume();
    }
  });

  it("two copies of the job running at once score the attempt once", async () => {
    const userId = await trainee(main.module);
    await scoringWorker().pause();
    const outcome = await submit(userId, main, rightAnswers(main.task));
    if (!outcome.ok) throw new Error(outcome.problem);
    const job = { name: "score-quiz", data: { submissionId: outcome.submissionId, attempt: 1 } } as Job;
    const runs = await Promise.all([scoringProcessor(app.db)(job), scoringProcessor(app.db)(job)]);
    expect(runs.map((r) => r.scored).sort()).toEqual([false, true]);
    expect((await eventsOf(outcome.submissionId)).map((e) => e.to_status)).toEqual(["submitted", "passed"]);
    scoringWorker().resume();
    // The queued job still runs, finds the attempt scored and completes without a change.
    const queued = await queue("scoring").getJob(`score-quiz-${outcome.submissionId}-1`);
    expect(await jobCompleted(queued)).toBe(true);
    expect(await eventsOf(outcome.submissionId)).toHaveLength(2);
  });

  it("a batch scores each attempt once with its own outcome: a repeated job and a bad one change nothing else", async () => {
    await scoringWorker().pause();
    try {
      const people = await Promise.all([trainee(main.module), trainee(main.module), trainee(main.module)]);
      const submitted = [];
      for (const [i, userId] of people.entries()) {
        const outcome = await submit(userId, main, i === 1 ? wrongAnswers(main.task) : rightAnswers(main.task));
        if (!outcome.ok) throw new Error(outcome.problem);
        submitted.push(outcome.submissionId);
      }
      const missing = "00000000-0000-4000-8000-000000000000";
      const jobs = [
        { submissionId: submitted[0]!, attempt: 1 },
        { submissionId: submitted[1]!, attempt: 1 },
        { submissionId: missing, attempt: 1 },
        { submissionId: submitted[2]!, attempt: 1 },
        { submissionId: submitted[0]!, attempt: 1 },
      ];
      const outcomes = await scoreQuizAttempts(app.db, jobs);
      expect(outcomes[0]).toMatchObject({ scored: true, passed: true });
      expect(outcomes[1]).toMatchObject({ scored: true, passed: false });
      expect(outcomes[2]).toBeInstanceOf(UnrecoverableError);
      expect(outcomes[3]).toMatchObject({ scored: true, passed: true });
      expect(outcomes[4]).toMatchObject({ scored: false, reason: "alreadyScored" });
      for (const [i, id] of submitted.entries()) {
        expect((await getSubmission(app.db, id))!.status).toBe(i === 1 ? "not_passed" : "passed");
        expect((await eventsOf(id)).map((e) => e.to_status)).toEqual(["submitted", i === 1 ? "not_passed" : "passed"]);
        expect((await attemptsOf(id)).filter((a) => a.scored_at)).toHaveLength(1);
        expect((await outboxOf(id))[0]!.completed_at).not.toBeNull();
      }
      // The same batch again: nothing new.
      const again = await scoreQuizAttempts(app.db, jobs.filter((j) => j.submissionId !== missing));
      expect(again.every((o) => !(o instanceof Error) && o.scored === false)).toBe(true);
      for (const id of submitted) expect(await eventsOf(id)).toHaveLength(2);
    } finally {
      scoringWorker().resume();
    }
  });

  it("scores against the version the trainee answered, even after the content changed", async () => {
    const v1 = (await currentTaskVersion(app.db, versioned.task.id))!;
    const keptKey = await trainee(versioned.module);
    const failing = await trainee(versioned.module);
    await scoringWorker().pause();
    const right = await submit(keptKey, versioned, rightAnswers(versioned.task));
    const wrong = await submit(failing, versioned, wrongAnswers(versioned.task));
    if (!right.ok || !wrong.ok) throw new Error("submit refused");

    // New content: every answer in the key changes.
    const changed = quizTaskSchema.parse({ ...versioned.task, questions: versioned.task.questions.map((q) => ({ ...q, answer: wrongAnswers(versioned.task)[q.id] })) });
    if (changed.type !== "quiz") throw new Error("not a quiz");
    await app.db.updateTable("tasks").set({ is_current: false }).where("id", "=", versioned.task.id).where("is_current", "=", true).execute();
    await app.db
      .insertInto("tasks")
      .values({ id: changed.id, version: v1.version + 1, module_id: v1.module_id, type: "quiz", title: changed.title, definition: JSON.stringify(changed), version_hash: "changed-key", is_current: true })
      .execute();

    scoringWorker().resume();
    expect(await scored(right.submissionId, 1)).toMatchObject({ status: "passed", score: 100, task_version: v1.version });
    expect(await scored(wrong.submissionId, 1)).toMatchObject({ status: "not_passed", score: 0 });
    expect(readStoredQuizResult((await attemptsOf(right.submissionId))[0]!.result)?.taskVersion).toBe(v1.version);

    // A retake answers the new version, so it is scored against the new key.
    const retake = await submitQuizAttempt(app.db, {
      user: { id: failing },
      task: changed,
      taskVersion: v1.version + 1,
      moduleId: versioned.module.id,
      track: versioned.module.track,
      tier: versioned.module.tier,
      answers: rightAnswers(changed),
    });
    expect(retake).toMatchObject({ ok: true, attempt: 2 });
    expect(await scored(wrong.submissionId, 2)).toMatchObject({ status: "passed", score: 100, task_version: v1.version + 1 });

    // The page reviews each attempt against the version it answered: the first trainee's passed attempt
    // shows the key they were marked by, not the changed one; the retake shows the new key.
    const keyOf = (task: QuizTask) => Object.fromEntries(task.questions.map((q) => [q.id, q.answer]));
    const keptView = await quizView(app.db, { userId: keptKey, task: changed, submission: await getSubmission(app.db, right.submissionId) });
    expect(Object.fromEntries(keptView.attempts[0]!.results.map((r) => [r.questionId, r.answer]))).toEqual(keyOf(versioned.task));
    const retakeView = await quizView(app.db, { userId: failing, task: changed, submission: await getSubmission(app.db, wrong.submissionId) });
    expect(retakeView.attempts.map((a) => a.passed)).toEqual([false, true]);
    expect(Object.fromEntries(retakeView.attempts[1]!.results.map((r) => [r.questionId, r.answer]))).toEqual(keyOf(changed));
    expect(Object.fromEntries(retakeView.attempts[0]!.results.map((r) => [r.questionId, r.answer]))).toEqual(keyOf(versioned.task));
  });
});
