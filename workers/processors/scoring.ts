import { UnrecoverableError, type Job } from "bullmq";
import type { Kysely } from "kysely";
import { z } from "zod";
import { quizTaskSchema } from "../../app/catalog/schema";
import { quizScoringJobId, readStoredAnswers, scoreQuiz, storedQuizResult } from "../../app/domain/quiz-scoring";
import { checkTransition } from "../../app/domain/submission-lifecycle";
import { markCompleted, markCompletedMany } from "../../app/models/outbox.server";
import { findQuizAttempt, findQuizAttemptsOf, recordQuizScore, recordQuizScores, taskDefinitionAt, taskDefinitionsAt } from "../../app/models/quiz-attempts.server";
import { decideSubmissions, lockSubmission, lockSubmissions, moveSubmission } from "../../app/models/submissions.server";
import type { Database, SubmissionStatus } from "../../db/schema";
import { JobBatcher, type JobBatcherOptions } from "../../app/runtime/job-batcher";

export const scoreQuizJob = z.object({
  submissionId: z.uuid(),
  attempt: z.number().int().min(1),
});
export type ScoreQuizJob = z.infer<typeof scoreQuizJob>;

export type ScoreQuizOutcome =
  | { submissionId: string; attempt: number; scored: true; score: number; passed: boolean }
  | { submissionId: string; attempt: number; scored: false; reason: "alreadyScored" };

/**
 * Scores one quiz attempt against the task version the trainee answered (never the current content)
 * and decides the submission, in one transaction. Idempotent: an attempt is scored once.
 */
export async function scoreQuizAttempt(db: Kysely<Database>, data: ScoreQuizJob): Promise<ScoreQuizOutcome> {
  const jobId = quizScoringJobId(data.submissionId, data.attempt);
  return db.transaction().execute(async (trx): Promise<ScoreQuizOutcome> => {
    // Same lock order as the submit (submission first), so a retake and a late job cannot deadlock.
    const submission = await lockSubmission(trx, data.submissionId);
    if (!submission || submission.type !== "quiz") throw new UnrecoverableError(`no quiz submission ${data.submissionId}`);
    const attempt = await findQuizAttempt(trx, data.submissionId, data.attempt);
    if (!attempt) throw new UnrecoverableError(`no attempt ${data.attempt} of submission ${data.submissionId}`);
    if (attempt.scored_at) {
      await markCompleted(trx, jobId);
      return { submissionId: data.submissionId, attempt: data.attempt, scored: false, reason: "alreadyScored" };
    }

    const stored = await taskDefinitionAt(trx, submission.task_id, submission.task_version);
    const task = quizTaskSchema.safeParse(stored?.definition);
    if (!task.success) throw new UnrecoverableError(`task ${submission.task_id} v${submission.task_version} is not a valid quiz`);
    const scored = scoreQuiz(task.data, readStoredAnswers(attempt.answers));
    const to = scored.passed ? "passed" : "not_passed";
    if (checkTransition({ type: "quiz", from: submission.status, to, by: "system" })) {
      // An unscored attempt on a submission that is not awaiting scoring: a bug, not something to retry into.
      throw new UnrecoverableError(`submission ${submission.id} is ${submission.status}; cannot score attempt ${data.attempt}`);
    }
    const result = storedQuizResult(scored, task.data, submission.task_version);
    if (!(await recordQuizScore(trx, { id: attempt.id, score: scored.score, result: { ...result } }))) {
      return { submissionId: data.submissionId, attempt: data.attempt, scored: false, reason: "alreadyScored" };
    }
    const moved = await moveSubmission(trx, { submissionId: submission.id, from: submission.status, to, actorId: null, score: scored.score });
    if (!moved) throw new Error(`submission ${submission.id} changed while it was locked`);
    await markCompleted(trx, jobId);
    return { submissionId: data.submissionId, attempt: data.attempt, scored: true, score: scored.score, passed: scored.passed };
  });
}

/**
 * Quizzes as declared at a version, parsed, by "taskId/version". A version never changes once written,
 * so a scoring worker keeps the ones it has read instead of reading and parsing one per batch.
 */
export type DeclaredQuizzes = Map<string, ReturnType<typeof quizTaskSchema.safeParse>>;
const declaredQuizzesKept = 500;

/**
 * Scores a batch of attempts in one transaction (decision 021): one statement locks the submissions,
 * one reads the attempts, one the task versions not kept from before; one writes the scores, one the decisions, one the
 * status events and one marks the jobs done. Each job keeps its own outcome, as scoreQuizAttempt
 * gives it: an attempt is scored once, against the version answered, and a job that cannot succeed
 * fails alone (the others are still scored).
 */
export async function scoreQuizAttempts(db: Kysely<Database>, jobs: ScoreQuizJob[], declared: DeclaredQuizzes = new Map()): Promise<Array<ScoreQuizOutcome | Error>> {
  return db.transaction().execute(async (trx) => {
    const outcomes: Array<ScoreQuizOutcome | Error | undefined> = new Array(jobs.length);
    const submissions = new Map((await lockSubmissions(trx, [...new Set(jobs.map((j) => j.submissionId))])).map((s) => [s.id, s]));
    const attempts = new Map((await findQuizAttemptsOf(trx, [...submissions.keys()])).map((a) => [`${a.submission_id}/${a.attempt}`, a]));
    const wanted = new Map([...submissions.values()].map((s) => [`${s.task_id}/${s.task_version}`, { taskId: s.task_id, version: s.task_version }]));
    const missing = [...wanted].filter(([key]) => !declared.has(key)).map(([, v]) => v);
    for (const t of await taskDefinitionsAt(trx, missing)) {
      if (declared.size >= declaredQuizzesKept) declared.delete(declared.keys().next().value!);
      declared.set(`${t.id}/${t.version}`, quizTaskSchema.safeParse(t.definition));
    }

    const scores: Array<{ index: number; attemptId: string; submissionId: string; from: SubmissionStatus; to: "passed" | "not_passed"; score: number; passed: boolean; result: Record<string, unknown> }> = [];
    const deciding = new Set<string>();
    const decidingSubmissions = new Set<string>();
    const done: string[] = [];
    jobs.forEach((data, index) => {
      const submission = submissions.get(data.submissionId);
      if (!submission || submission.type !== "quiz") return void (outcomes[index] = new UnrecoverableError(`no quiz submission ${data.submissionId}`));
      const attempt = attempts.get(`${data.submissionId}/${data.attempt}`);
      if (!attempt) return void (outcomes[index] = new UnrecoverableError(`no attempt ${data.attempt} of submission ${data.submissionId}`));
      if (attempt.scored_at || deciding.has(`${data.submissionId}/${data.attempt}`)) {
        // Scored before, or earlier in this batch (a repeated job).
        done.push(quizScoringJobId(data.submissionId, data.attempt));
        return void (outcomes[index] = { submissionId: data.submissionId, attempt: data.attempt, scored: false, reason: "alreadyScored" });
      }
      // Two unscored attempts of one submission cannot both be awaiting scoring: the later one waits for a retry.
      if (decidingSubmissions.has(data.submissionId)) return void (outcomes[index] = new Error(`submission ${data.submissionId} is being scored`));
      const task = declared.get(`${submission.task_id}/${submission.task_version}`);
      if (!task?.success) return void (outcomes[index] = new UnrecoverableError(`task ${submission.task_id} v${submission.task_version} is not a valid quiz`));
      const scored = scoreQuiz(task.data, readStoredAnswers(attempt.answers));
      const to = scored.passed ? "passed" : "not_passed";
      if (checkTransition({ type: "quiz", from: submission.status, to, by: "system" })) {
        return void (outcomes[index] = new UnrecoverableError(`submission ${submission.id} is ${submission.status}; cannot score attempt ${data.attempt}`));
      }
      deciding.add(`${data.submissionId}/${data.attempt}`);
      decidingSubmissions.add(data.submissionId);
      const result = storedQuizResult(scored, task.data, submission.task_version);
      scores.push({ index, attemptId: attempt.id, submissionId: submission.id, from: submission.status, to, score: scored.score, passed: scored.passed, result: { ...result } });
    });

    const recorded = await recordQuizScores(trx, scores.map((s) => ({ id: s.attemptId, score: s.score, result: s.result })));
    const decided = scores.filter((s) => recorded.has(s.attemptId));
    const moved = await decideSubmissions(trx, decided.map((s) => ({ submissionId: s.submissionId, from: s.from, to: s.to, score: s.score })));
    if (moved.size !== decided.length) throw new Error("a submission changed while it was locked");
    for (const s of scores) {
      const { submissionId, attempt } = jobs[s.index]!;
      done.push(quizScoringJobId(submissionId, attempt));
      outcomes[s.index] = recorded.has(s.attemptId)
        ? { submissionId, attempt, scored: true, score: s.score, passed: s.passed }
        : { submissionId, attempt, scored: false, reason: "alreadyScored" };
    }
    await markCompletedMany(trx, done);
    return outcomes.map((o) => o ?? new Error("not scored"));
  });
}

/** Scoring jobs gathered per batch. */
export const scoringBatching: JobBatcherOptions = { maxSize: 64, lingerMs: 40 };

/** The "scoring" queue: job "score-quiz" with { submissionId, attempt }, scored in batches. */
export function scoringProcessor(db: Kysely<Database>, batching: JobBatcherOptions = scoringBatching) {
  const declared: DeclaredQuizzes = new Map();
  const batcher = new JobBatcher<ScoreQuizJob, ScoreQuizOutcome>((jobs) => scoreQuizAttempts(db, jobs, declared), batching);
  return async (job: Job) => {
    if (job.name !== "score-quiz") throw new UnrecoverableError(`unknown scoring job "${job.name}"`);
    const data = scoreQuizJob.safeParse(job.data);
    if (!data.success) throw new UnrecoverableError(`invalid score-quiz data: ${data.error.message}`);
    return batcher.add(data.data);
  };
}
