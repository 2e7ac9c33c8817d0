import { describe, expect, it } from "vitest";
import { checkTransition, decisionTone, isEditable, statusTone, submitMove, type Actor } from "~/domain/submission-lifecycle";
import type { SubmissionStatus, TaskType } from "../../db/schema";

const statuses: SubmissionStatus[] = ["draft", "submitted", "in_review", "returned", "resubmitted", "passed", "not_passed"];
const actors: Actor[] = ["trainee", "mentor", "system"];
const types: TaskType[] = ["quiz", "work_product", "field_work"];

const allowed = new Set([
  "quiz draft→submitted trainee",
  "quiz submitted→passed system",
  "quiz submitted→not_passed system",
  "quiz resubmitted→passed system",
  "quiz resubmitted→not_passed system",
  "quiz not_passed→resubmitted trainee",
  ...["work_product", "field_work"].flatMap((t) => [
    `${t} draft→submitted trainee`,
    `${t} submitted→in_review mentor`,
    `${t} resubmitted→in_review mentor`,
    `${t} in_review→returned mentor`,
    `${t} in_review→passed mentor`,
    `${t} in_review→not_passed mentor`,
    `${t} returned→resubmitted trainee`,
  ]),
]);

describe("submission lifecycle", () => {
  it("allows exactly the listed moves, for every type, status pair and actor", () => {
    const wrong: string[] = [];
    for (const type of types)
      for (const from of statuses)
        for (const to of statuses)
          for (const by of actors) {
            const key = `${type} ${from}→${to} ${by}`;
            const ok = checkTransition({ type, from, to, by, note: "反馈", attemptsUsed: 0, attemptLimit: 3 }) === null;
            if (ok !== allowed.has(key)) wrong.push(`${key}: ${ok ? "allowed" : "refused"}`);
          }
    expect(wrong).toEqual([]);
  });

  it("needs a note to return work for revision", () => {
    expect(checkTransition({ type: "field_work", from: "in_review", to: "returned", by: "mentor", note: "  " })).toBe("noteRequired");
    expect(checkTransition({ type: "field_work", from: "in_review", to: "returned", by: "mentor", note: "请补充签到表" })).toBeNull();
  });

  it("stops quiz retries at the attempt limit", () => {
    expect(checkTransition({ type: "quiz", from: "not_passed", to: "resubmitted", by: "trainee", attemptsUsed: 3, attemptLimit: 3 })).toBe("noAttemptsLeft");
    expect(checkTransition({ type: "quiz", from: "not_passed", to: "resubmitted", by: "trainee", attemptsUsed: 2, attemptLimit: 3 })).toBeNull();
  });

  it("knows where a trainee may edit and what submit does", () => {
    expect(statuses.filter(isEditable)).toEqual(["draft", "returned"]);
    expect(submitMove("draft")).toBe("submitted");
    expect(submitMove("returned")).toBe("resubmitted");
    expect(submitMove("in_review")).toBeNull();
    expect(submitMove("passed")).toBeNull();
  });
});

describe("statusTone", () => {
  it("never shows a refusal or a return in the colour of a pass", () => {
    expect(statusTone("passed")).toBe("positive");
    expect(statusTone("returned")).toBe("warning");
    expect(statusTone("not_passed")).toBe("danger");
    expect(new Set(statuses.map(statusTone)).size).toBe(5);
    expect([decisionTone("pass"), decisionTone("return"), decisionTone("not_pass")]).toEqual(["positive", "warning", "danger"]);
  });
});
