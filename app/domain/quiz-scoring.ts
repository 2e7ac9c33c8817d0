import { z } from "zod";
import type { QuizQuestion, TaskDefinition } from "~/catalog/schema";

// Quiz answers: reading them from a form, scoring them against the key, and the questions
// without the key for the browser. Pure: no I/O.
export type QuizTask = Extract<TaskDefinition, { type: "quiz" }>;
export type QuizKind = QuizQuestion["kind"];
/** An option index (single), option indexes (multiple) or true/false. */
export type QuizAnswer = number | number[] | boolean;
export type QuizAnswers = Record<string, QuizAnswer>;

/** What the browser may see of a question before the attempt is scored: no answer, no explanation. */
export interface PublicQuestion {
  id: string;
  kind: QuizKind;
  prompt: string;
  /** Null for true/false questions. */
  options: string[] | null;
}

export interface QuestionResult {
  questionId: string;
  kind: QuizKind;
  /** The question as it was answered, so a review still reads right after the content changes. */
  prompt: string;
  options: string[] | null;
  correct: boolean;
  /** Null when the question was not answered. */
  given: QuizAnswer | null;
  answer: QuizAnswer;
  explanation: string;
}

export interface QuizScore {
  score: number;
  passed: boolean;
  results: QuestionResult[];
}

export type QuizErrorKey = "quiz.error.single" | "quiz.error.multiple" | "quiz.error.truefalse" | "quiz.error.invalid";

export type ParsedQuizAnswers =
  | { ok: true; answers: QuizAnswers; chosen: Record<string, string[]> }
  | { ok: false; errors: Record<string, QuizErrorKey>; chosen: Record<string, string[]> };

/** The form field of a question. */
export function quizFieldName(questionId: string): string {
  return `q.${questionId}`;
}

/** What every scoring job's id starts with (the hand-in statement writes the id in SQL from it). */
export const quizScoringJobIdPrefix = "score-quiz-";

/** The outbox / BullMQ id of the job that scores one attempt. */
export function quizScoringJobId(submissionId: string, attempt: number): string {
  return `${quizScoringJobIdPrefix}${submissionId}-${attempt}`;
}

export function publicQuestions(task: Pick<QuizTask, "questions">): PublicQuestion[] {
  // Built field by field, so a key added to the schema later does not leak by accident.
  return task.questions.map((q) => ({ id: q.id, kind: q.kind, prompt: q.prompt, options: q.kind === "truefalse" ? null : [...q.options] }));
}

function sortedUnique(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

function isCorrect(question: QuizQuestion, given: QuizAnswer | undefined): boolean {
  if (question.kind === "single") return typeof given === "number" && given === question.answer;
  if (question.kind === "truefalse") return typeof given === "boolean" && given === question.answer;
  // Multiple choice is all or nothing: exactly the right set of options.
  if (!Array.isArray(given)) return false;
  const a = sortedUnique(given);
  const b = sortedUnique(question.answer);
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Scores answers against the key: every question weighs the same; the score is rounded to a whole number. */
/** A question's own part of its result: as declared, with the key in canonical form. */
function asDeclared(q: QuizQuestion): Omit<QuestionResult, "correct" | "given"> {
  return {
    questionId: q.id,
    kind: q.kind,
    prompt: q.prompt,
    options: q.kind === "truefalse" ? null : [...q.options],
    answer: Array.isArray(q.answer) ? sortedUnique(q.answer) : q.answer,
    explanation: q.explanation,
  };
}

export function scoreQuiz(task: Pick<QuizTask, "questions" | "passMark">, answers: Partial<Record<string, QuizAnswer>>): QuizScore {
  const results = task.questions.map((q): QuestionResult => {
    const given = answers[q.id];
    return { ...asDeclared(q), correct: isCorrect(q, given), given: given ?? null };
  });
  const right = results.filter((r) => r.correct).length;
  const score = results.length ? Math.round((right / results.length) * 100) : 0;
  return { score, passed: score >= task.passMark, results };
}

function optionIndex(raw: string, count: number): number | null {
  if (!/^\d{1,2}$/.test(raw)) return null;
  const n = Number(raw);
  return n < count ? n : null;
}

/**
 * Reads `q.<questionId>` fields (FormData, URLSearchParams or [name, value] pairs). Every question must
 * be answered with one of its options; `chosen` echoes the raw choices so the form can keep them.
 */
export function parseQuizAnswers(task: Pick<QuizTask, "questions">, entries: Iterable<readonly [string, unknown]>): ParsedQuizAnswers {
  const raw = new Map<string, string[]>();
  for (const [name, value] of entries) {
    if (!name.startsWith("q.") || typeof value !== "string") continue;
    const id = name.slice(2);
    raw.set(id, [...(raw.get(id) ?? []), value.trim()]);
  }
  const answers: QuizAnswers = {};
  const errors: Record<string, QuizErrorKey> = {};
  const chosen: Record<string, string[]> = {};
  for (const q of task.questions) {
    const values = (raw.get(q.id) ?? []).filter((v) => v !== "");
    chosen[q.id] = values;
    if (values.length === 0) {
      errors[q.id] = `quiz.error.${q.kind}`;
      continue;
    }
    if (q.kind === "truefalse") {
      if (values.length === 1 && (values[0] === "true" || values[0] === "false")) answers[q.id] = values[0] === "true";
      else errors[q.id] = "quiz.error.invalid";
      continue;
    }
    const indexes = values.map((v) => optionIndex(v, q.options.length));
    if (indexes.some((i) => i === null) || (q.kind === "single" && indexes.length !== 1)) {
      errors[q.id] = "quiz.error.invalid";
      continue;
    }
    const valid = indexes as number[];
    answers[q.id] = q.kind === "single" ? valid[0]! : sortedUnique(valid);
  }
  return Object.keys(errors).length ? { ok: false, errors, chosen } : { ok: true, answers, chosen };
}

/** Per-question problems of already parsed answers (empty when every question has a valid answer of its kind). */
export function answerErrors(task: Pick<QuizTask, "questions">, answers: Partial<Record<string, unknown>>): Record<string, QuizErrorKey> {
  const errors: Record<string, QuizErrorKey> = {};
  for (const q of task.questions) {
    const a = answers[q.id];
    if (a === undefined || a === null || (Array.isArray(a) && a.length === 0)) {
      errors[q.id] = `quiz.error.${q.kind}`;
      continue;
    }
    let valid: boolean;
    if (q.kind === "truefalse") valid = typeof a === "boolean";
    else {
      const options = q.options.length;
      const inRange = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v < options;
      valid = q.kind === "single" ? inRange(a) : Array.isArray(a) && a.every(inRange);
    }
    if (!valid) errors[q.id] = "quiz.error.invalid";
  }
  return errors;
}

const quizErrorKeys: readonly string[] = ["quiz.error.single", "quiz.error.multiple", "quiz.error.truefalse", "quiz.error.invalid"] satisfies QuizErrorKey[];
export function isQuizErrorKey(value: unknown): value is QuizErrorKey {
  return typeof value === "string" && quizErrorKeys.includes(value);
}

/** Answers read back from storage (jsonb): anything of the wrong shape counts as unanswered. */
export function readStoredAnswers(stored: unknown): Partial<QuizAnswers> {
  if (!stored || typeof stored !== "object" || Array.isArray(stored)) return {};
  const out: Partial<QuizAnswers> = {};
  for (const [id, v] of Object.entries(stored)) {
    if (typeof v === "number" || typeof v === "boolean") out[id] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === "number")) out[id] = v as number[];
  }
  return out;
}

/** One question of a scored attempt as stored: what was given and whether it was right. */
export interface StoredQuestionResult {
  questionId: string;
  correct: boolean;
  given: QuizAnswer | null;
}

/**
 * What the scorer stores in quiz_attempts.result. The questions themselves (prompt, options, key,
 * explanation) are read from the task as declared at `taskVersion`, kept for good in `tasks`, not
 * copied into every attempt (6 KB each, compressed out of line: issue 16). Results stored before
 * carry each question copied in, and read as they are.
 */
export interface StoredQuizResult {
  taskVersion: number;
  passMark: number;
  passed: boolean;
  results: Array<StoredQuestionResult & Partial<Omit<QuestionResult, "correct" | "given">>>;
}

/** A stored result read against its version: every question as it was answered. */
export interface ReadQuizResult {
  taskVersion: number;
  passMark: number;
  passed: boolean;
  results: QuestionResult[];
}

// Built on first use, not at import: the quiz form imports this module in the browser, which
// should not download a validator it never runs.
function buildStoredResultSchema() {
  const answerShape = z.union([z.number(), z.array(z.number()), z.boolean()]);
  return z.object({
    taskVersion: z.number().int(),
    passMark: z.number(),
    passed: z.boolean(),
    results: z.array(
      z.object({
        questionId: z.string(),
        correct: z.boolean(),
        given: answerShape.nullable(),
        // Results stored before the questions were left to the task's version carry them.
        kind: z.enum(["single", "multiple", "truefalse"]).optional(),
        prompt: z.string().optional(),
        options: z.array(z.string()).nullable().optional(),
        answer: answerShape.optional(),
        explanation: z.string().optional(),
      }),
    ),
  });
}
let storedResultSchema: ReturnType<typeof buildStoredResultSchema> | undefined;

export function storedQuizResult(scored: QuizScore, task: Pick<QuizTask, "passMark">, taskVersion: number): StoredQuizResult {
  return { taskVersion, passMark: task.passMark, passed: scored.passed, results: scored.results.map(({ questionId, correct, given }) => ({ questionId, correct, given })) };
}

/** The stored result, or null when the row holds something else (never trust a jsonb column blindly). */
export function readStoredQuizResult(stored: unknown): StoredQuizResult | null {
  const parsed = (storedResultSchema ??= buildStoredResultSchema()).safeParse(stored);
  return parsed.success ? parsed.data : null;
}

/** Whether reading this result needs the quiz as declared at its version (it was stored without its questions). */
export function needsDeclaration(stored: StoredQuizResult): boolean {
  return stored.results.some((r) => r.prompt === undefined);
}

/**
 * The result with every question as it was answered: from the quiz as declared at the result's
 * version, or from the result itself when it carries its questions. Null when a question cannot be
 * found (the row does not belong to this quiz).
 */
export function readQuizResult(stored: StoredQuizResult, declared: Pick<QuizTask, "questions"> | null): ReadQuizResult | null {
  const results: QuestionResult[] = [];
  for (const r of stored.results) {
    if (r.kind !== undefined && r.prompt !== undefined && r.options !== undefined && r.answer !== undefined && r.explanation !== undefined) {
      results.push({ questionId: r.questionId, kind: r.kind, prompt: r.prompt, options: r.options, answer: r.answer, explanation: r.explanation, correct: r.correct, given: r.given });
      continue;
    }
    const question = declared?.questions.find((q) => q.id === r.questionId);
    if (!question) return null;
    results.push({ ...asDeclared(question), correct: r.correct, given: r.given });
  }
  return { taskVersion: stored.taskVersion, passMark: stored.passMark, passed: stored.passed, results };
}

/** A scored question as the trainee may see it: the key and explanation only once the quiz is settled. */
export type ReviewedQuestion = Omit<QuestionResult, "answer" | "explanation"> & { answer: QuizAnswer | null; explanation: string | null };

/**
 * While retakes remain and the quiz is not passed, a wrong answer shows only that it is wrong: giving
 * the key after attempt 1 would turn attempt 2 into copying. Once passed, or with no attempts left,
 * every answer and explanation shows.
 */
export function reviewOf(results: readonly QuestionResult[], settled: boolean): ReviewedQuestion[] {
  return results.map((r) => (settled || r.correct ? r : { ...r, answer: null, explanation: null }));
}
