import type { Kysely } from "kysely";
import {
  answerErrors,
  parseQuizAnswers,
  publicQuestions,
  quizScoringJobId,
  readQuizResult,
  reviewOf,
  type ReviewedQuestion,
  type PublicQuestion,
  type QuestionResult,
  type QuizAnswers,
  type QuizErrorKey,
  type QuizTask,
} from "~/domain/quiz-scoring";
import { checkTransition, submitMove } from "~/domain/submission-lifecycle";
import { addToOutbox, type OutboxJob } from "~/models/outbox.server";
import { insertQuizAttempt, listQuizAttempts } from "~/models/quiz-attempts.server";
import { lockOrCreateDraft, moveSubmission } from "~/models/submissions.server";
import type { Db } from "~/models/types";
import { dispatchAfterCommit } from "~/services/dispatch.server";
import type { Database, SubmissionStatus, TierColumn, TrackColumn } from "../../db/schema";

// Quizzes: a trainee's attempt is stored and queued for the scoring worker in one transaction.

export type QuizSubmitProblem = "invalid" | "notAllowed" | "scoring" | "passed" | "noAttemptsLeft";
export type QuizSubmitOutcome =
  | { ok: true; submissionId: string; attempt: number }
  /** With "invalid": message keys by question id, and the raw choices (when read from a form) to keep. */
  | { ok: false; problem: QuizSubmitProblem; errors?: Record<string, QuizErrorKey>; chosen?: Record<string, string[]> };

interface QuizAttemptBase {
  user: { id: string };
  /** The quiz as declared at `taskVersion` (the current version the trainee was shown). */
  task: QuizTask;
  taskVersion: number;
  moduleId: string;
  track: TrackColumn;
  tier: TierColumn;
}
/** Either answers parsed with parseQuizAnswers, or the posted form (`q.<questionId>` fields) to parse here. */
export type QuizAttemptInput = QuizAttemptBase & ({ answers: QuizAnswers; form?: never } | { form: Iterable<readonly [string, unknown]>; answers?: never });

/** Thrown inside the transaction to roll back an attempt that lost a race. */
class AttemptAlreadyTaken extends Error {}

/** The move a submit makes from this status, or why there is none. */
function decideSubmit(status: SubmissionStatus, attemptsUsed: number, attemptLimit: number): { to: SubmissionStatus } | { problem: QuizSubmitProblem } {
  if (status === "submitted" || status === "resubmitted") return { problem: "scoring" };
  if (status === "passed") return { problem: "passed" };
  const to = submitMove(status);
  if (!to) return { problem: "notAllowed" };
  const problem = checkTransition({ type: "quiz", from: status, to, by: "trainee", attemptsUsed, attemptLimit });
  if (problem) return { problem: problem === "noAttemptsLeft" ? "noAttemptsLeft" : "notAllowed" };
  return { to };
}

/**
 * Stores one attempt: the submission (created on the first try), the attempt, the status event and
 * the scoring job in the outbox, in one transaction; the job is enqueued after commit. The row lock
 * makes concurrent submits take turns, so a double-clicked submit finds the first attempt being scored.
 */
export async function submitQuizAttempt(db: Kysely<Database>, input: QuizAttemptInput): Promise<QuizSubmitOutcome> {
  let given: QuizAnswers;
  if (input.form) {
    const parsed = parseQuizAnswers(input.task, input.form);
    if (!parsed.ok) return { ok: false, problem: "invalid", errors: parsed.errors, chosen: parsed.chosen };
    given = parsed.answers;
  } else {
    const errors = answerErrors(input.task, input.answers);
    if (Object.keys(errors).length) return { ok: false, problem: "invalid", errors };
    given = input.answers;
  }
  const answers = Object.fromEntries(input.task.questions.map((q) => [q.id, given[q.id]]));
  const jobs: OutboxJob[] = [];
  try {
    const outcome = await db.transaction().execute(async (trx): Promise<QuizSubmitOutcome> => {
      // Round trips are what a submit costs on a busy day (issue #16): the draft is made and locked in two,
      // and the attempt counted and the task version kept in the move's own update.
      const current = await lockOrCreateDraft(trx, {
        userId: input.user.id,
        taskId: input.task.id,
        taskVersion: input.taskVersion,
        moduleId: input.moduleId,
        track: input.track,
        tier: input.tier,
        type: "quiz",
      });
      if (!current || current.type !== "quiz") return { ok: false, problem: "notAllowed" };
      const decision = decideSubmit(current.status, current.attempts_used, input.task.attemptLimit);
      if ("problem" in decision) return { ok: false, problem: decision.problem };
      // The row is locked: attempts_used + 1 is this attempt's number until commit.
      const attempt = current.attempts_used + 1;
      if (!(await insertQuizAttempt(trx, { submissionId: current.id, attempt, answers }))) throw new AttemptAlreadyTaken();
      const moved = await moveSubmission(trx, {
        submissionId: current.id,
        from: current.status,
        to: decision.to,
        actorId: input.user.id,
        countAttempt: { taskVersion: input.taskVersion },
      });
      if (!moved) throw new AttemptAlreadyTaken();
      const job: OutboxJob = {
        jobId: quizScoringJobId(current.id, attempt),
        queue: "scoring",
        name: "score-quiz",
        payload: { submissionId: current.id, attempt },
      };
      await addToOutbox(trx, job);
      jobs.push(job);
      return { ok: true, submissionId: current.id, attempt };
    });
    if (jobs.length) await dispatchAfterCommit(jobs);
    return outcome;
  } catch (error) {
    if (error instanceof AttemptAlreadyTaken) return { ok: false, problem: "scoring" };
    throw error;
  }
}

export interface ScoredAttemptView {
  attempt: number;
  score: number;
  passed: boolean;
  /** ISO time. */
  scoredAt: string;
  results: ReviewedQuestion[];
}

/** Everything QuizForm needs; spread it into <QuizForm {...view} />. */
export interface QuizViewData {
  taskId: string;
  questions: PublicQuestion[];
  /** Scored attempts only, oldest first: the key and explanations appear here and nowhere else. */
  attempts: ScoredAttemptView[];
  attemptsUsed: number;
  attemptLimit: number;
  passMark: number;
  /** Null before the first attempt. */
  status: SubmissionStatus | null;
  canAttempt: boolean;
}

export interface QuizViewSubmission {
  id: string;
  user_id: string;
  status: SubmissionStatus;
  attempts_used: number;
}

export async function quizView(
  db: Db,
  input: { userId: string; task: QuizTask; submission: QuizViewSubmission | null | undefined },
): Promise<QuizViewData> {
  const submission = input.submission && input.submission.user_id === input.userId ? input.submission : null;
  const rows = submission ? await listQuizAttempts(db, submission.id) : [];
  const status = submission?.status ?? null;
  const attemptsUsed = submission?.attempts_used ?? 0;
  const canAttempt = status === null || status === "draft" || (status === "not_passed" && attemptsUsed < input.task.attemptLimit);
  const settled = status === "passed" || (status === "not_passed" && !canAttempt);
  const attempts: ScoredAttemptView[] = [];
  for (const row of rows) {
    const result = row.scored_at && row.score !== null ? readQuizResult(row.result) : null;
    if (!result || !row.scored_at || row.score === null) continue;
    attempts.push({ attempt: row.attempt, score: row.score, passed: result.passed, scoredAt: new Date(row.scored_at).toISOString(), results: reviewOf(result.results, settled) });
  }
  return {
    taskId: input.task.id,
    questions: publicQuestions(input.task),
    attempts,
    attemptsUsed,
    attemptLimit: input.task.attemptLimit,
    passMark: input.task.passMark,
    status,
    canAttempt,
  };
}
