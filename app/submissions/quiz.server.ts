import type { Kysely } from "kysely";
import { quizTaskSchema } from "~/catalog/schema";
import {
  answerErrors,
  parseQuizAnswers,
  publicQuestions,
  quizScoringJobId,
  quizScoringJobIdPrefix,
  needsDeclaration,
  readQuizResult,
  readStoredQuizResult,
  reviewOf,
  type ReviewedQuestion,
  type PublicQuestion,
  type QuestionResult,
  type QuizAnswers,
  type QuizErrorKey,
  type QuizTask,
} from "~/domain/quiz-scoring";
import { checkTransition, submitMove, submitMovesOf } from "~/domain/submission-lifecycle";
import { handInQuizAttempt, listQuizAttempts, taskDefinitionsAt } from "~/models/quiz-attempts.server";
import { findSubmission } from "~/models/submissions.server";
import type { Db } from "~/models/types";
import { dispatchAfterCommit } from "~/services/dispatch.server";
import type { Database, SubmissionStatus, TierColumn, TrackColumn } from "../../db/schema";

// Quizzes: a trainee's attempt is stored and queued for the scoring worker in one statement.

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

/** Why a submit from this status cannot be taken, or null when it can. */
function submitProblem(status: SubmissionStatus, attemptsUsed: number, attemptLimit: number): QuizSubmitProblem | null {
  if (status === "submitted" || status === "resubmitted") return "scoring";
  if (status === "passed") return "passed";
  const to = submitMove(status);
  if (!to) return "notAllowed";
  const problem = checkTransition({ type: "quiz", from: status, to, by: "trainee", attemptsUsed, attemptLimit });
  if (problem) return problem === "noAttemptsLeft" ? "noAttemptsLeft" : "notAllowed";
  return null;
}

const quizSubmitMoves = submitMovesOf("quiz");
/** The scoring job of an attempt: written with the hand-in, enqueued after it. */
const scoringJob = { queue: "scoring", name: "score-quiz", idPrefix: quizScoringJobIdPrefix } as const;

/**
 * Stores one attempt: the submission (created on the first try), the attempt, the status event and
 * the scoring job in the outbox, in one statement (handInQuizAttempt); the job is enqueued after
 * commit. When the submission is in no state to take it, the trainee is told why: being scored,
 * passed, no attempts left. A double-clicked submit waits for the first and then finds it being scored.
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
  const key = { userId: input.user.id, taskId: input.task.id, taskVersion: input.taskVersion, moduleId: input.moduleId, track: input.track, tier: input.tier };
  const handedIn = await handInQuizAttempt(db, {
    key,
    moves: quizSubmitMoves,
    attemptLimit: input.task.attemptLimit,
    answers,
    actorId: input.user.id,
    job: scoringJob,
  });
  if (handedIn === "taken") return { ok: false, problem: "scoring" };
  if (handedIn) {
    const { submissionId, attempt } = handedIn;
    await dispatchAfterCommit([{ jobId: quizScoringJobId(submissionId, attempt), queue: scoringJob.queue, name: scoringJob.name, payload: { submissionId, attempt } }]);
    return { ok: true, submissionId, attempt };
  }
  const current = await findSubmission(db, input.user.id, input.task.id);
  if (!current || current.type !== "quiz") return { ok: false, problem: "notAllowed" };
  const problem = submitProblem(current.status, current.attempts_used, input.task.attemptLimit);
  // Able to take one now, not a moment ago: the attempt before was being scored and its score has just
  // landed. These answers are not taken as the next attempt (a double click would spend one); the page
  // shows the score, and the trainee decides.
  return { ok: false, problem: problem ?? "scoring" };
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
  const stored = rows.map((row) => ({ row, result: row.scored_at && row.score !== null ? readStoredQuizResult(row.result) : null }));
  // The questions of each attempt as declared at the version answered (usually one version, often the current one).
  const versions = [...new Set(stored.flatMap((s) => (s.result && needsDeclaration(s.result) ? [s.result.taskVersion] : [])))];
  const declared = new Map(
    (await taskDefinitionsAt(db, versions.map((version) => ({ taskId: input.task.id, version })))).map((t) => [t.version, quizTaskSchema.safeParse(t.definition).data ?? null]),
  );
  const attempts: ScoredAttemptView[] = [];
  for (const { row, result: storedResult } of stored) {
    const result = storedResult ? readQuizResult(storedResult, declared.get(storedResult.taskVersion) ?? null) : null;
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
