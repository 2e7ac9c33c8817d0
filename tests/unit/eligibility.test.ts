import { describe, expect, it } from "vitest";
import {
  evaluateEligibility,
  mentorSignedOff,
  needsRenewal,
  ruleVersion,
  validUntilFor,
  type CertificateRule,
  type TaskResult,
  type TierTask,
} from "~/domain/eligibility";
import { translate } from "~/i18n";

const rule: CertificateRule = {
  requiredTasks: "all",
  passMark: 60,
  minFieldWork: 2,
  minPeopleReached: 50,
  mentorSignOff: true,
  validYears: null,
};

const tasks: TierTask[] = [
  { id: "quiz-a", type: "quiz", title: "知识测验" },
  { id: "field-a", type: "field_work", title: "主题班会" },
  { id: "field-b", type: "field_work", title: "家长课堂" },
  { id: "essay-a", type: "work_product", title: "方案设计" },
];

const passed = (taskId: string, type: TaskResult["type"], score = 80, peopleReached: number | null = null): TaskResult => ({
  taskId,
  type,
  status: "passed",
  score,
  peopleReached,
});

const allPassed: TaskResult[] = [
  passed("quiz-a", "quiz", 90),
  passed("field-a", "field_work", 75, 30),
  passed("field-b", "field_work", 70, 25),
  passed("essay-a", "work_product", 65),
];

const evaluate = (results: TaskResult[], r: CertificateRule = rule) =>
  evaluateEligibility(r, tasks, results, { mentorSignOff: mentorSignedOff(r, tasks, results) });

describe("evaluateEligibility", () => {
  it("is eligible when every rule is met", () => {
    expect(evaluate(allPassed)).toEqual({ eligible: true });
  });

  it("counts required tasks that are not passed (not started or not passed alike)", () => {
    const results = [passed("quiz-a", "quiz", 90), { ...passed("essay-a", "work_product", 40), status: "not_passed" as const }];
    const outcome = evaluate(results, { ...rule, minFieldWork: 0, minPeopleReached: 0, mentorSignOff: false });
    expect(outcome).toEqual({ eligible: false, missing: [{ key: "elig.missingTasks", params: { count: 3 } }] });
  });

  it("requires only the listed tasks when the rule lists them", () => {
    const listed = { ...rule, requiredTasks: ["quiz-a"], minFieldWork: 0, minPeopleReached: 0 };
    expect(evaluate([passed("quiz-a", "quiz", 90)], listed)).toEqual({ eligible: true });
    expect(evaluate([], listed)).toEqual({ eligible: false, missing: [{ key: "elig.missingTasks", params: { count: 1 } }] });
  });

  it("reports passed field work below the minimum as have/need", () => {
    const few = { ...rule, requiredTasks: ["quiz-a"], minFieldWork: 2, minPeopleReached: 0, mentorSignOff: false };
    const outcome = evaluate([passed("quiz-a", "quiz"), passed("field-a", "field_work", 80, 60)], few);
    expect(outcome).toEqual({ eligible: false, missing: [{ key: "elig.fieldWork", params: { have: 1, need: 2 } }] });
  });

  it("sums people reached over passed field work only: 37/50", () => {
    const results = [
      passed("quiz-a", "quiz"),
      passed("field-a", "field_work", 75, 20),
      passed("field-b", "field_work", 75, 17),
      passed("essay-a", "work_product"),
      { ...passed("field-c", "field_work", 30, 500), status: "not_passed" as const },
    ];
    const outcome = evaluate(results);
    expect(outcome).toEqual({ eligible: false, missing: [{ key: "elig.peopleReached", params: { have: 37, need: 50 } }] });
    if (outcome.eligible) return;
    expect(translate("zh-CN", outcome.missing[0]!.key, outcome.missing[0]!.params)).toBe("服务人数 37/50");
  });

  it("names a passed task whose score is below the tier's stricter pass mark", () => {
    const strict = { ...rule, passMark: 70 };
    const outcome = evaluate(allPassed, strict);
    expect(outcome).toEqual({ eligible: false, missing: [{ key: "elig.score", params: { task: "方案设计", score: 65, passMark: 70 } }] });
    // Exactly the pass mark passes.
    expect(evaluate(allPassed, { ...rule, passMark: 65 })).toEqual({ eligible: true });
  });

  it("asks for a mentor's sign-off when the rule needs it and it is missing", () => {
    expect(evaluateEligibility(rule, tasks, allPassed, { mentorSignOff: false })).toEqual({ eligible: false, missing: [{ key: "elig.signOff" }] });
    expect(evaluateEligibility({ ...rule, mentorSignOff: false }, tasks, allPassed, { mentorSignOff: false })).toEqual({ eligible: true });
  });

  it("lists everything missing at once, in a stable order", () => {
    const outcome = evaluate([passed("field-a", "field_work", 50, 10)], { ...rule, passMark: 60 });
    expect(outcome.eligible).toBe(false);
    if (outcome.eligible) return;
    expect(outcome.missing.map((m) => m.key)).toEqual(["elig.missingTasks", "elig.fieldWork", "elig.peopleReached", "elig.score", "elig.signOff"]);
    expect(outcome.missing[0]!.params).toEqual({ count: 3 });
  });
});

describe("mentorSignedOff", () => {
  it("needs every required work product and field task passed; quizzes do not count", () => {
    expect(mentorSignedOff(rule, tasks, allPassed)).toBe(true);
    expect(mentorSignedOff(rule, tasks, allPassed.filter((r) => r.taskId !== "quiz-a"))).toBe(true);
    expect(mentorSignedOff(rule, tasks, allPassed.filter((r) => r.taskId !== "essay-a"))).toBe(false);
  });
});

describe("ruleVersion", () => {
  it("is short, stable under key order, and changes with the rule", () => {
    const v = ruleVersion(rule);
    expect(v).toMatch(/^[0-9a-f]{14}$/);
    const reordered = Object.fromEntries(Object.entries(rule).reverse()) as CertificateRule;
    expect(ruleVersion(reordered)).toBe(v);
    expect(ruleVersion({ ...rule, minPeopleReached: 51 })).not.toBe(v);
    expect(ruleVersion({ ...rule, requiredTasks: ["quiz-a"] })).not.toBe(v);
  });
});

describe("validity", () => {
  it("adds the tier's valid years, or none", () => {
    const at = new Date("2026-03-01T00:00:00Z");
    expect(validUntilFor(rule, at)).toBeNull();
    expect(validUntilFor({ ...rule, validYears: 3 }, at)?.toISOString()).toBe("2029-03-01T00:00:00.000Z");
  });
  it("asks for renewal within 90 days of expiry", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    expect(needsRenewal(null, now)).toBe(false);
    expect(needsRenewal(new Date("2026-06-01T00:00:00Z"), now)).toBe(false);
    expect(needsRenewal(new Date("2026-03-01T00:00:00Z"), now)).toBe(true);
  });
});
