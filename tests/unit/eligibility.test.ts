import { describe, expect, it } from "vitest";
import { certificateRuleSchema } from "~/catalog/schema";
import {
  attendanceFor,
  creditedHours,
  evaluateEligibility,
  mentorSignedOff,
  needsRenewal,
  ruleVersion,
  validUntilFor,
  type AttendanceFact,
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

describe("attendance rules", () => {
  const supervised: CertificateRule = { ...rule, attendance: { sessions: [{ kind: "group_supervision", min: 4 }], hours: 12 } };
  const session = (over: Partial<AttendanceFact> = {}): AttendanceFact => ({
    status: "present",
    kind: "group_supervision",
    hours: "3.0",
    startsAt: "2026-10-10T01:00:00Z",
    endsAt: "2026-10-10T04:00:00Z",
    cohortTrack: "campus",
    cohortTier: "supervisor",
    ...over,
  });
  const key = { track: "campus", tier: "supervisor" };
  const withAttendance = (facts: AttendanceFact[], r: CertificateRule = supervised) =>
    evaluateEligibility(r, tasks, allPassed, { mentorSignOff: true, attended: attendanceFor(facts, key) });

  it("reports the sessions still needed as 团体督导 have/need 次, and the hours", () => {
    const outcome = withAttendance([session(), session({ status: "late" })]);
    expect(outcome).toEqual({
      eligible: false,
      missing: [
        { key: "elig.sessions.group_supervision", params: { have: 2, need: 4 } },
        { key: "elig.hours", params: { have: 6, need: 12 } },
      ],
    });
    if (outcome.eligible) return;
    expect(translate("zh-CN", outcome.missing[0]!.key, outcome.missing[0]!.params)).toBe("团体督导 2/4 次");
    expect(translate("zh-CN", outcome.missing[1]!.key, outcome.missing[1]!.params)).toBe("活动学时 6/12");
  });

  it("is met by four attended group supervisions worth 12 hours", () => {
    expect(withAttendance([session(), session(), session({ status: "late" }), session()])).toEqual({ eligible: true });
  });

  it("counts only present and late: absent and excused do not count", () => {
    const outcome = withAttendance([session(), session({ status: "absent" }), session({ status: "excused" }), session()], { ...rule, attendance: { sessions: [{ kind: "group_supervision", min: 3 }] } });
    expect(outcome).toEqual({ eligible: false, missing: [{ key: "elig.sessions.group_supervision", params: { have: 2, need: 3 } }] });
  });

  it("counts a session of another kind toward hours but not toward the kind asked for", () => {
    const outcome = withAttendance([session(), session({ kind: "lecture", hours: "10" })]);
    expect(outcome).toEqual({ eligible: false, missing: [{ key: "elig.sessions.group_supervision", params: { have: 1, need: 4 } }] });
  });

  it("counts a cohort's sessions toward its own track and tier only; a region session toward every tier", () => {
    const facts = [
      session(),
      session({ cohortTrack: "campus", cohortTier: "specialist" }),
      session({ cohortTrack: "community", cohortTier: "supervisor" }),
      session({ cohortTrack: null, cohortTier: null }),
    ];
    expect(attendanceFor(facts, key)).toHaveLength(2);
    expect(attendanceFor(facts, { track: "campus", tier: "specialist" })).toHaveLength(2);
    expect(attendanceFor(facts, { track: "community", tier: "foundation" })).toHaveLength(1);
  });

  it("credits a session's 学时 when set, else its length rounded down to the half hour; sums in tenths", () => {
    expect(creditedHours({ hours: "1.5", startsAt: "2026-10-10T01:00:00Z", endsAt: "2026-10-10T09:00:00Z" })).toBe(1.5);
    expect(creditedHours({ hours: null, startsAt: "2026-10-10T01:00:00Z", endsAt: "2026-10-10T03:50:00Z" })).toBe(2.5);
    const outcome = withAttendance([session({ hours: "0.1" }), session({ hours: "0.2" })], { ...rule, attendance: { sessions: [], hours: 1 } });
    expect(outcome).toEqual({ eligible: false, missing: [{ key: "elig.hours", params: { have: 0.3, need: 1 } }] });
  });

  it("asks nothing of attendance when the rule has none, whatever was attended", () => {
    expect(evaluateEligibility(rule, tasks, allPassed, { mentorSignOff: true })).toEqual({ eligible: true });
    expect(withAttendance([], rule)).toEqual({ eligible: true });
  });

  it("comes after the task gaps, in a stable order", () => {
    const outcome = evaluateEligibility(supervised, tasks, [], { mentorSignOff: false, attended: [] });
    expect(outcome.eligible).toBe(false);
    if (outcome.eligible) return;
    expect(outcome.missing.map((m) => m.key)).toEqual(["elig.missingTasks", "elig.fieldWork", "elig.peopleReached", "elig.signOff", "elig.sessions.group_supervision", "elig.hours"]);
  });

  it("leaves the rule version of a tier without attendance as it was, and changes it when attendance is added", () => {
    const parsed = certificateRuleSchema.parse({ ...rule });
    expect("attendance" in parsed).toBe(false);
    expect(ruleVersion(parsed)).toBe(ruleVersion(rule));
    expect(ruleVersion(supervised)).not.toBe(ruleVersion(rule));
  });

  it("the programme file's attendance block is checked: a kind listed twice, an unknown kind or an empty block is refused", () => {
    const base = { ...rule };
    expect(certificateRuleSchema.safeParse({ ...base, attendance: { sessions: [{ kind: "group_supervision", min: 4 }], hours: 12 } }).success).toBe(true);
    expect(certificateRuleSchema.safeParse({ ...base, attendance: { hours: 12 } }).success).toBe(true);
    expect(certificateRuleSchema.safeParse({ ...base, attendance: {} }).success).toBe(false);
    expect(certificateRuleSchema.safeParse({ ...base, attendance: { sessions: [{ kind: "picnic", min: 1 }] } }).success).toBe(false);
    expect(certificateRuleSchema.safeParse({ ...base, attendance: { sessions: [{ kind: "lecture", min: 1 }, { kind: "lecture", min: 2 }] } }).success).toBe(false);
    expect(certificateRuleSchema.safeParse({ ...base, attendance: { sessions: [{ kind: "lecture", min: 0 }] } }).success).toBe(false);
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
