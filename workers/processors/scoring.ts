import { UnrecoverableError, type Job } from "bullmq";
import type { Kysely } from "kysely";
import { z } from "zod";
import { quizTaskSchema } from "../../app/catalog/schema";
import { quizScoringJobId, readStoredAnswers, scoreQuiz, storedQuizResult } from "../../app/domain/quiz-scoring";
import { checkTransition } from "../../app/domain/submission-lifecycle";
import { markCompleted } from "../../app/models/outbox.server";
import { findQuizAttempt, recordQuizScore, taskDefinitionAt } from "../../app/models/quiz-attempts.server";
import { lockSubmission, moveSubmission } from "../../app/models/submissions.server";
import type { Database } from "../../db/schema";

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

/** The "scoring" queue: job "score-quiz" with { submissionId, attempt }. */
export function scoringProcessor(db: Kysely<Database>) {
  return async (job: Job) => {
    if (job.name !== "score-quiz") throw new UnrecoverableError(`unknown scoring job "${job.name}"`);
    const data = scoreQuizJob.safeParse(job.data);
    if (!data.success) throw new UnrecoverableError(`invalid score-quiz data: ${data.error.message}`);
    return scoreQuizAttempt(db, data.data);
  };
}
