import type { Rubric } from "~/catalog/schema";
import type { CriterionGrade, SubmissionStatus } from "../../db/schema";

// Grading rules with no I/O: a rubric and the levels a mentor chose become a grade; two markers'
// grades become an agreed grade or a case for a moderator.

export type GradeDecision = "pass" | "not_pass" | "return";
export const gradeDecisions = ["pass", "not_pass", "return"] as const satisfies readonly GradeDecision[];
export type GraderRole = "marker" | "second_marker" | "moderator";

export function isGradeDecision(value: unknown): value is GradeDecision {
  return typeof value === "string" && (gradeDecisions as readonly string[]).includes(value);
}

/** What the mentor picked for one criterion: a level (by its label) and an optional comment. */
export interface CriterionSelection {
  level: string;
  comment?: string;
}
export type Selections = Record<string, CriterionSelection>;

export type SelectionProblem = "unknownCriterion" | "unknownLevel" | "missing";

export type GradeResult =
  | { ok: true; criteria: CriterionGrade[]; total: number }
  | { ok: false; errors: Record<string, SelectionProblem> };

export const maxCommentLength = 4000;

/** The rubric's criteria in order, each with the chosen level's points; every criterion needs a level. */
export function gradeFromSelections(rubric: Rubric, selections: Selections): GradeResult {
  const errors: Record<string, SelectionProblem> = {};
  const known = new Set(rubric.criteria.map((c) => c.id));
  for (const id of Object.keys(selections)) if (!known.has(id)) errors[id] = "unknownCriterion";
  const criteria: CriterionGrade[] = [];
  for (const criterion of rubric.criteria) {
    const picked = selections[criterion.id];
    if (!picked || !picked.level) {
      errors[criterion.id] = "missing";
      continue;
    }
    const level = criterion.levels.find((l) => l.label === picked.level);
    if (!level) {
      errors[criterion.id] = "unknownLevel";
      continue;
    }
    criteria.push({ criterionId: criterion.id, level: level.label, points: level.points, comment: (picked.comment ?? "").trim() });
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, criteria, total: criteria.reduce((sum, c) => sum + c.points, 0) };
}

/** Points of the levels chosen so far (the live total while the mentor is still choosing). */
export function partialTotal(rubric: Rubric, levels: Record<string, string | undefined>): number {
  return rubric.criteria.reduce((sum, c) => sum + (c.levels.find((l) => l.label === levels[c.id])?.points ?? 0), 0);
}

export const doubleMarkingTolerance = 10;
export type AgreementRule = "mean" | "higher";

/**
 * Independent totals agree when they are at most `tolerance` apart (exactly `tolerance` still
 * agrees); the agreed total is their rounded mean or the higher one. Otherwise a moderator decides.
 */
export function agreement(totals: readonly number[], tolerance: number, rule: AgreementRule): { agreed: number } | { needsModerator: true } {
  if (totals.length === 0) throw new Error("agreement needs at least one total");
  const high = Math.max(...totals);
  const low = Math.min(...totals);
  if (high - low > tolerance) return { needsModerator: true };
  if (rule === "higher") return { agreed: high };
  return { agreed: Math.round(totals.reduce((s, t) => s + t, 0) / totals.length) };
}

export type DoubleMarkOutcome =
  | { final: true; total: number; decision: GradeDecision }
  | { final: false; reason: "totals" | "decisions" };

/** Two provisional grades: final when totals are within tolerance and both markers decided alike. */
export function doubleMarkOutcome(
  grades: readonly { total: number; decision: GradeDecision }[],
  tolerance = doubleMarkingTolerance,
  rule: AgreementRule = "mean",
): DoubleMarkOutcome {
  const agreed = agreement(
    grades.map((g) => g.total),
    tolerance,
    rule,
  );
  if ("needsModerator" in agreed) return { final: false, reason: "totals" };
  const decisions = new Set(grades.map((g) => g.decision));
  if (decisions.size !== 1) return { final: false, reason: "decisions" };
  return { final: true, total: agreed.agreed, decision: grades[0]!.decision };
}

export function decisionToStatus(decision: GradeDecision): Extract<SubmissionStatus, "passed" | "not_passed" | "returned"> {
  return decision === "pass" ? "passed" : decision === "not_pass" ? "not_passed" : "returned";
}

export type DecisionProblem = "commentRequired" | "passBelowMark";

/** A return needs a comment for the trainee; a pass needs a total that reaches the task's pass mark. */
export function decisionProblem(input: { decision: GradeDecision; comment: string; total: number; passMark: number }): DecisionProblem | null {
  if (input.decision === "return" && !input.comment.trim()) return "commentRequired";
  if (input.decision === "pass" && input.total < input.passMark) return "passBelowMark";
  return null;
}

/** The submission statuses the mentor queue counts, each a chip linking to its list (the page renders them, so not in a .server module). */
export const queueCountedStatuses = ["submitted", "resubmitted", "in_review", "returned", "passed", "not_passed"] as const;
