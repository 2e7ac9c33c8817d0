import type { SubmissionStatus, TaskType } from "../../db/schema";

// The life of a submission, as a table of allowed moves. Every move is recorded (who, when, note).
export type Actor = "trainee" | "mentor" | "system";

interface Move {
  from: SubmissionStatus;
  to: SubmissionStatus;
  by: Actor;
  /** Task types the move applies to; all when absent. */
  types?: TaskType[];
  noteRequired?: boolean;
}

export const moves: readonly Move[] = [
  { from: "draft", to: "submitted", by: "trainee" },
  // Quizzes are scored by a worker.
  { from: "submitted", to: "passed", by: "system", types: ["quiz"] },
  { from: "submitted", to: "not_passed", by: "system", types: ["quiz"] },
  { from: "resubmitted", to: "passed", by: "system", types: ["quiz"] },
  { from: "resubmitted", to: "not_passed", by: "system", types: ["quiz"] },
  { from: "not_passed", to: "resubmitted", by: "trainee", types: ["quiz"] },
  // Work products and field work are graded by a mentor.
  { from: "submitted", to: "in_review", by: "mentor", types: ["work_product", "field_work"] },
  { from: "resubmitted", to: "in_review", by: "mentor", types: ["work_product", "field_work"] },
  { from: "in_review", to: "returned", by: "mentor", types: ["work_product", "field_work"], noteRequired: true },
  { from: "in_review", to: "passed", by: "mentor", types: ["work_product", "field_work"] },
  { from: "in_review", to: "not_passed", by: "mentor", types: ["work_product", "field_work"] },
  { from: "returned", to: "resubmitted", by: "trainee", types: ["work_product", "field_work"] },
];

export type TransitionProblem = "notAllowed" | "noteRequired" | "noAttemptsLeft";

export function checkTransition(input: {
  type: TaskType;
  from: SubmissionStatus;
  to: SubmissionStatus;
  by: Actor;
  note?: string | null;
  attemptsUsed?: number;
  attemptLimit?: number;
}): TransitionProblem | null {
  const move = moves.find(
    (m) => m.from === input.from && m.to === input.to && m.by === input.by && (!m.types || m.types.includes(input.type)),
  );
  if (!move) return "notAllowed";
  if (move.noteRequired && !input.note?.trim()) return "noteRequired";
  if (input.type === "quiz" && input.by === "trainee" && input.from === "not_passed") {
    if ((input.attemptsUsed ?? 0) >= (input.attemptLimit ?? 1)) return "noAttemptsLeft";
  }
  return null;
}

/** Where the trainee may still change the content (autosave, files). */
export function isEditable(status: SubmissionStatus): boolean {
  return status === "draft" || status === "returned";
}

/** Every move a trainee's "submit" can make on this type of task, from the table above. */
export function submitMovesOf(type: TaskType): Array<{ from: SubmissionStatus; to: SubmissionStatus }> {
  return moves.filter((m) => m.by === "trainee" && (!m.types || m.types.includes(type))).map(({ from, to }) => ({ from, to }));
}

/** The move a trainee's "submit" makes from this status, if any. */
export function submitMove(status: SubmissionStatus): SubmissionStatus | null {
  if (status === "draft") return "submitted";
  if (status === "returned" || status === "not_passed") return "resubmitted";
  return null;
}

export function isFinal(status: SubmissionStatus): boolean {
  return status === "passed" || status === "not_passed";
}

/** Waiting for a mentor (or the scorer). */
export function isAwaitingReview(status: SubmissionStatus): boolean {
  return status === "submitted" || status === "resubmitted" || status === "in_review";
}

/** How a status reads at a glance: a refusal is not shown in the colour of a pass. */
export type StatusTone = "neutral" | "pending" | "positive" | "warning" | "danger";

export function statusTone(status: SubmissionStatus | null): StatusTone {
  switch (status) {
    case "passed":
      return "positive";
    case "returned":
      return "warning";
    case "not_passed":
      return "danger";
    case "submitted":
    case "in_review":
    case "resubmitted":
      return "pending";
    default:
      return "neutral";
  }
}

/** The tone of a mentor's decision, matching the status it leads to. */
export function decisionTone(decision: "pass" | "not_pass" | "return"): StatusTone {
  return decision === "pass" ? "positive" : decision === "return" ? "warning" : "danger";
}
