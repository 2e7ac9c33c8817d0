import { describe, expect, it } from "vitest";
import { quizTaskSchema } from "~/catalog/schema";
import { answerErrors, needsDeclaration, parseQuizAnswers, publicQuestions, readQuizResult, readStoredQuizResult, reviewOf, scoreQuiz, storedQuizResult, type QuizTask } from "~/domain/quiz-scoring";

// Four questions of every kind, so one question is 25 points.
function quiz(passMark = 75): QuizTask {
  const task = quizTaskSchema.parse({
    id: "sample-quiz",
    title: "情绪识别小测",
    instructions: "回答下面的问题。",
    type: "quiz",
    passMark,
    questions: [
      { id: "q-single", kind: "single", prompt: "哪一项是情绪？", options: ["桌子", "焦虑", "铅笔"], answer: 1, explanation: "焦虑是一种情绪。" },
      { id: "q-multi", kind: "multiple", prompt: "哪些是求助渠道？", options: ["心理热线", "班主任", "网络游戏", "校医"], answer: [0, 1, 3], explanation: "热线、班主任和校医都可以求助。" },
      { id: "q-tf", kind: "truefalse", prompt: "情绪没有好坏之分。", answer: true, explanation: "情绪本身没有好坏。" },
      { id: "q-tf2", kind: "truefalse", prompt: "学生说想轻生时应保密。", answer: false, explanation: "涉及生命安全时不能保密。" },
    ],
  });
  if (task.type !== "quiz") throw new Error("not a quiz");
  return task;
}

const allRight = { "q-single": 1, "q-multi": [0, 1, 3], "q-tf": true, "q-tf2": false };

describe("scoreQuiz", () => {
  it("all right is 100 and passed; each result carries the key and the explanation", () => {
    const scored = scoreQuiz(quiz(), allRight);
    expect(scored.score).toBe(100);
    expect(scored.passed).toBe(true);
    expect(scored.results.map((r) => r.correct)).toEqual([true, true, true, true]);
    expect(scored.results[0]).toMatchObject({ questionId: "q-single", given: 1, answer: 1, explanation: "焦虑是一种情绪。" });
  });

  it("single choice: another option is wrong", () => {
    const scored = scoreQuiz(quiz(), { ...allRight, "q-single": 0 });
    expect(scored.results.find((r) => r.questionId === "q-single")?.correct).toBe(false);
    expect(scored.score).toBe(75);
  });

  it("true/false: the opposite is wrong", () => {
    const scored = scoreQuiz(quiz(), { ...allRight, "q-tf": false, "q-tf2": true });
    expect(scored.results.filter((r) => !r.correct).map((r) => r.questionId)).toEqual(["q-tf", "q-tf2"]);
    expect(scored.score).toBe(50);
  });

  it("multiple choice is all or nothing: a subset or a superset is wrong, the right set in any order is right", () => {
    const multi = (given: number[]) => scoreQuiz(quiz(), { ...allRight, "q-multi": given }).results[1]!.correct;
    expect(multi([0, 1])).toBe(false);
    expect(multi([0, 1, 2, 3])).toBe(false);
    expect(multi([3, 0, 1])).toBe(true);
  });

  it("an unanswered question is wrong and shows as not given", () => {
    const scored = scoreQuiz(quiz(), { "q-single": 1, "q-multi": [0, 1, 3], "q-tf": true });
    expect(scored.results[3]).toMatchObject({ correct: false, given: null, answer: false });
    expect(scored.score).toBe(75);
  });

  it("a wrong type of answer is wrong (never coerced)", () => {
    const scored = scoreQuiz(quiz(), { ...allRight, "q-single": [1], "q-tf": 1 } as never);
    expect(scored.results[0]!.correct).toBe(false);
    expect(scored.results[2]!.correct).toBe(false);
  });

  it("the pass mark is inclusive: 75 passes at 75, fails at 76", () => {
    const threeOfFour = { ...allRight, "q-tf2": true };
    expect(scoreQuiz(quiz(75), threeOfFour)).toMatchObject({ score: 75, passed: true });
    expect(scoreQuiz(quiz(76), threeOfFour)).toMatchObject({ score: 75, passed: false });
    expect(scoreQuiz(quiz(75), { ...threeOfFour, "q-single": 2 })).toMatchObject({ score: 50, passed: false });
  });

  it("rounds to a whole number", () => {
    const three = { ...quiz(), questions: quiz().questions.slice(0, 3) };
    expect(scoreQuiz(three, { "q-single": 1, "q-multi": [0], "q-tf": false }).score).toBe(33);
    expect(scoreQuiz(three, { "q-single": 1, "q-multi": [0, 1, 3], "q-tf": false }).score).toBe(67);
  });

  it("stores what was given without copying the questions, reads back against the quiz as declared, and anything else reads as null", () => {
    const scored = scoreQuiz(quiz(), allRight);
    const stored = storedQuizResult(scored, quiz(), 2);
    const back = readStoredQuizResult(JSON.parse(JSON.stringify(stored)));
    expect(back).toEqual(stored);
    // No prompt, option or explanation in the row: they are the version's, kept once in tasks.
    for (const text of ["哪一项是情绪", "焦虑", "热线、班主任和校医都可以求助"]) expect(JSON.stringify(stored)).not.toContain(text);
    expect(needsDeclaration(back!)).toBe(true);
    expect(readQuizResult(back!, quiz())).toEqual({ taskVersion: 2, passMark: 75, passed: true, results: scored.results });
    expect(readQuizResult(back!, { questions: quiz().questions.slice(1) })).toBeNull();
    expect(readQuizResult(back!, null)).toBeNull();
    // A result stored with its questions copied in (as before) reads as it is, with no quiz at hand.
    const before = { taskVersion: 1, passMark: 75, passed: true, results: scored.results };
    const old = readStoredQuizResult(JSON.parse(JSON.stringify(before)))!;
    expect(needsDeclaration(old)).toBe(false);
    expect(readQuizResult(old, null)).toEqual(before);
    expect(readStoredQuizResult({ passed: "yes" })).toBeNull();
  });
});

describe("parseQuizAnswers", () => {
  const form = (pairs: Array<[string, string]>) => {
    const data = new FormData();
    for (const [k, v] of pairs) data.append(k, v);
    return data;
  };

  it("reads every kind from form fields", () => {
    const parsed = parseQuizAnswers(
      quiz(),
      form([
        ["intent", "quiz-submit"],
        ["q.q-single", "1"],
        ["q.q-multi", "3"],
        ["q.q-multi", "0"],
        ["q.q-multi", "1"],
        ["q.q-tf", "true"],
        ["q.q-tf2", "false"],
      ]),
    );
    expect(parsed).toEqual({
      ok: true,
      answers: allRight,
      chosen: { "q-single": ["1"], "q-multi": ["3", "0", "1"], "q-tf": ["true"], "q-tf2": ["false"] },
    });
  });

  it("names each unanswered question with a message for its kind, and keeps what was chosen", () => {
    const parsed = parseQuizAnswers(quiz(), form([["q.q-single", "1"]]));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual({ "q-multi": "quiz.error.multiple", "q-tf": "quiz.error.truefalse", "q-tf2": "quiz.error.truefalse" });
    expect(parsed.chosen["q-single"]).toEqual(["1"]);
  });

  it("refuses options that do not exist, two answers to a single choice, and anything but true/false", () => {
    const parsed = parseQuizAnswers(
      quiz(),
      form([
        ["q.q-single", "0"],
        ["q.q-single", "1"],
        ["q.q-multi", "4"],
        ["q.q-tf", "maybe"],
        ["q.q-tf2", "-1"],
      ]),
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual({
      "q-single": "quiz.error.invalid",
      "q-multi": "quiz.error.invalid",
      "q-tf": "quiz.error.invalid",
      "q-tf2": "quiz.error.invalid",
    });
  });

  it("refuses non-numeric option values", () => {
    const parsed = parseQuizAnswers(quiz(), [["q.q-single", "1e0"], ["q.q-multi", "0"], ["q.q-tf", "true"], ["q.q-tf2", "true"]]);
    expect(parsed.ok ? null : parsed.errors).toEqual({ "q-single": "quiz.error.invalid" });
  });

  it("answerErrors checks answers that did not come from a form", () => {
    expect(answerErrors(quiz(), allRight)).toEqual({});
    expect(answerErrors(quiz(), { ...allRight, "q-single": 9, "q-multi": [], "q-tf": "true" })).toEqual({
      "q-single": "quiz.error.invalid",
      "q-multi": "quiz.error.multiple",
      "q-tf": "quiz.error.invalid",
    });
  });
});

describe("publicQuestions", () => {
  it("gives the browser prompts and options but never the answer or the explanation", () => {
    const questions = publicQuestions(quiz());
    expect(questions).toHaveLength(4);
    expect(questions[1]).toEqual({ id: "q-multi", kind: "multiple", prompt: "哪些是求助渠道？", options: ["心理热线", "班主任", "网络游戏", "校医"] });
    expect(questions[2]).toEqual({ id: "q-tf", kind: "truefalse", prompt: "情绪没有好坏之分。", options: null });
    const sent = JSON.stringify(questions);
    expect(sent).not.toMatch(/"answer"|"explanation"/);
    expect(sent).not.toContain("焦虑是一种情绪。");
  });
});

describe("reviewOf", () => {
  const result = (correct: boolean) => ({ questionId: correct ? "a" : "b", kind: "single" as const, prompt: "问", options: ["甲", "乙"], correct, given: 0, answer: correct ? 0 : 1, explanation: "因为" });
  it("hides the key and explanation of wrong answers until the quiz is settled", () => {
    expect(reviewOf([result(true), result(false)], false).map((r) => [r.answer, r.explanation])).toEqual([
      [0, "因为"],
      [null, null],
    ]);
    expect(reviewOf([result(false)], true)[0]).toMatchObject({ answer: 1, explanation: "因为" });
  });
});
