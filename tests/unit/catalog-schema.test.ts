import { describe, expect, it } from "vitest";
import { describeIssues, moduleFrontmatterSchema, rubricSchema } from "~/catalog/schema";

const level = (label: string, points: number) => ({ label, descriptor: `${label}的表现`, points });
const criterion = (id: string, max: number) => ({
  id,
  title: id,
  levels: [level("优秀", max), level("合格", Math.floor(max / 2)), level("待改进", 0)],
});

describe("rubricSchema", () => {
  it("accepts criteria whose top levels add up to 100", () => {
    expect(rubricSchema.safeParse({ criteria: [criterion("a", 40), criterion("b", 30), criterion("c", 30)] }).success).toBe(true);
  });

  it("refuses a rubric that does not add up to 100 and says so", () => {
    const result = rubricSchema.safeParse({ criteria: [criterion("a", 40), criterion("b", 30), criterion("c", 20)] });
    expect(result.success).toBe(false);
    if (!result.success) expect(describeIssues("x.mdx", result.error)).toMatch(/add up to 100/);
  });
});

describe("moduleFrontmatterSchema", () => {
  const quiz = {
    id: "m-quiz",
    type: "quiz",
    title: "小测",
    instructions: "作答",
    passMark: 60,
    questions: [
      { id: "q1", kind: "truefalse", prompt: "对吗", answer: true, explanation: "是的" },
      { id: "q2", kind: "single", prompt: "选", options: ["甲", "乙"], answer: 1, explanation: "乙" },
      { id: "q3", kind: "single", prompt: "选", options: ["甲", "乙"], answer: 0, explanation: "甲" },
    ],
  };
  const module = {
    id: "m",
    title: "模块",
    summary: "摘要",
    objectives: ["一", "二", "三"],
    minutes: 30,
    themes: ["crisis"],
    tasks: [quiz],
  };

  it("accepts a valid module and fills defaults", () => {
    const parsed = moduleFrontmatterSchema.parse(module);
    expect(parsed.tasks[0]).toMatchObject({ weight: 1, attemptLimit: 3 });
  });

  it("names the field of an out-of-range answer", () => {
    const bad = { ...module, tasks: [{ ...quiz, questions: [...quiz.questions.slice(0, 2), { ...quiz.questions[2], answer: 5 }] }] };
    const result = moduleFrontmatterSchema.safeParse(bad);
    expect(result.success).toBe(false);
    if (!result.success) expect(describeIssues("a.mdx", result.error)).toContain("a.mdx: tasks.0.questions.2.answer");
  });

  it("refuses an id that is not stable-id shaped", () => {
    expect(moduleFrontmatterSchema.safeParse({ ...module, id: "模块一" }).success).toBe(false);
  });
});
