import { describe, expect, it } from "vitest";
import { rubricSchema, type Rubric } from "~/catalog/schema";
import { agreement, decisionProblem, decisionToStatus, doubleMarkOutcome, gradeFromSelections, partialTotal } from "~/domain/grading";

const levels = (top: number) => [
  { label: "优秀", descriptor: "完全达到", points: top },
  { label: "良好", descriptor: "基本达到", points: Math.round(top * 0.7) },
  { label: "待改进", descriptor: "没有达到", points: 0 },
];
const rubric: Rubric = rubricSchema.parse({
  criteria: [
    { id: "plan", title: "方案", levels: levels(40) },
    { id: "delivery", title: "实施", levels: levels(35) },
    { id: "reflection", title: "反思", levels: levels(25) },
  ],
});

describe("gradeFromSelections", () => {
  it("adds the chosen levels' points in rubric order, keeping per-criterion comments", () => {
    const result = gradeFromSelections(rubric, {
      reflection: { level: "待改进", comment: "缺少改进计划" },
      plan: { level: "优秀" },
      delivery: { level: "良好", comment: " 时间控制好 " },
    });
    expect(result).toEqual({
      ok: true,
      total: 40 + 25 + 0,
      criteria: [
        { criterionId: "plan", level: "优秀", points: 40, comment: "" },
        { criterionId: "delivery", level: "良好", points: 25, comment: "时间控制好" },
        { criterionId: "reflection", level: "待改进", points: 0, comment: "缺少改进计划" },
      ],
    });
  });

  it("gives 100 for the top level of every criterion", () => {
    const result = gradeFromSelections(rubric, { plan: { level: "优秀" }, delivery: { level: "优秀" }, reflection: { level: "优秀" } });
    expect(result.ok && result.total).toBe(100);
  });

  it("names every missing criterion, unknown level and unknown criterion", () => {
    const result = gradeFromSelections(rubric, { plan: { level: "满分" }, delivery: { level: "" }, extra: { level: "优秀" } });
    expect(result).toEqual({ ok: false, errors: { plan: "unknownLevel", delivery: "missing", reflection: "missing", extra: "unknownCriterion" } });
  });

  it("shows a live total of the levels chosen so far", () => {
    expect(partialTotal(rubric, {})).toBe(0);
    expect(partialTotal(rubric, { plan: "良好", delivery: "不存在" })).toBe(28);
  });
});

describe("agreement of independent totals", () => {
  it("agrees on the rounded mean within the tolerance", () => {
    expect(agreement([70, 75], 10, "mean")).toEqual({ agreed: 73 }); // 72.5 rounds up
    expect(agreement([80, 80], 10, "mean")).toEqual({ agreed: 80 });
  });

  it("treats a difference of exactly the tolerance as agreement, one more as disagreement", () => {
    expect(agreement([60, 70], 10, "mean")).toEqual({ agreed: 65 });
    expect(agreement([60, 71], 10, "mean")).toEqual({ needsModerator: true });
    expect(agreement([71, 60], 10, "higher")).toEqual({ needsModerator: true });
  });

  it("can take the higher total instead of the mean", () => {
    expect(agreement([62, 70], 10, "higher")).toEqual({ agreed: 70 });
  });
});

describe("double-mark outcome", () => {
  it("is final with the mean when totals agree and decisions match", () => {
    expect(doubleMarkOutcome([{ total: 78, decision: "pass" }, { total: 85, decision: "pass" }])).toEqual({ final: true, total: 82, decision: "pass" });
  });

  it("needs a moderator when totals are too far apart or the decisions differ", () => {
    expect(doubleMarkOutcome([{ total: 60, decision: "pass" }, { total: 90, decision: "pass" }])).toEqual({ final: false, reason: "totals" });
    expect(doubleMarkOutcome([{ total: 80, decision: "pass" }, { total: 78, decision: "return" }])).toEqual({ final: false, reason: "decisions" });
  });
});

describe("decisions", () => {
  it("maps decisions to submission statuses", () => {
    expect(decisionToStatus("pass")).toBe("passed");
    expect(decisionToStatus("not_pass")).toBe("not_passed");
    expect(decisionToStatus("return")).toBe("returned");
  });

  it("requires a comment to return work and a total at the pass mark to pass it", () => {
    expect(decisionProblem({ decision: "return", comment: "  ", total: 50, passMark: 60 })).toBe("commentRequired");
    expect(decisionProblem({ decision: "return", comment: "请补充反思", total: 50, passMark: 60 })).toBeNull();
    expect(decisionProblem({ decision: "pass", comment: "", total: 59, passMark: 60 })).toBe("passBelowMark");
    expect(decisionProblem({ decision: "pass", comment: "", total: 60, passMark: 60 })).toBeNull();
    expect(decisionProblem({ decision: "not_pass", comment: "", total: 90, passMark: 60 })).toBeNull();
  });
});
