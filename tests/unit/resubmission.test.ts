import { describe, expect, it } from "vitest";
import { changesBetween, hasChanges, rubricPrefill, type SubmissionSnapshot } from "~/domain/resubmission";

const snapshot = (fields: Partial<SubmissionSnapshot["fields"]>, evidence: SubmissionSnapshot["evidence"] = []): SubmissionSnapshot => ({
  fields: { activityTitle: null, activityDate: null, place: null, audienceType: null, peopleReached: null, durationMinutes: null, plan: null, reflection: null, text: null, ...fields },
  evidence,
});

describe("changesBetween", () => {
  it("lists changed fields and added or removed evidence, ignoring whitespace at the ends", () => {
    const before = snapshot({ plan: "方案", reflection: "反思 ", peopleReached: "30" }, [{ id: "a", kind: "photo", name: "1.jpg" }]);
    const after = snapshot({ plan: "方案（修改）", reflection: "反思", peopleReached: "30" }, [{ id: "b", kind: "sign_in_sheet", name: "签到.jpg" }]);
    expect(changesBetween(before, after)).toEqual({
      fields: [{ field: "plan", before: "方案", after: "方案（修改）" }],
      evidenceAdded: [{ kind: "sign_in_sheet", name: "签到.jpg" }],
      evidenceRemoved: [{ kind: "photo", name: "1.jpg" }],
    });
    expect(hasChanges(changesBetween(before, before))).toBe(false);
  });
});

describe("rubricPrefill", () => {
  const criteria = [
    { id: "c1", levels: [{ label: "优" }, { label: "良" }, { label: "差" }] },
    { id: "c2", levels: [{ label: "优" }, { label: "良" }, { label: "差" }] },
  ];
  const grade = (over: Partial<Parameters<typeof rubricPrefill>[0][number]>) => ({ round: 1, mine: false, role: "marker", taskVersion: 1, criteria: [{ criterionId: "c1", level: "良", comment: "" }], ...over });

  it("takes the viewer's own marks of the round before, on the same task version, dropping levels the rubric no longer has", () => {
    const mine = grade({ mine: true, criteria: [{ criterionId: "c1", level: "差", comment: "太简略" }, { criterionId: "c2", level: "已删除的等级", comment: "" }] });
    expect(rubricPrefill([grade({}), mine], { round: 2, taskVersion: 1, criteria })).toEqual({ levels: { c1: "差" }, comments: { c1: "太简略" } });
    expect(rubricPrefill([mine], { round: 2, taskVersion: 2, criteria })).toBeNull();
    expect(rubricPrefill([mine], { round: 1, taskVersion: 1, criteria })).toBeNull();
  });
});
