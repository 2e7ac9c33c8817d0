import { describe, expect, it } from "vitest";
import { fieldWorkTaskSchema } from "~/catalog/schema";
import { cleanSubmissionInput, completenessProblems, readVisitRows, type RawSubmissionInput } from "~/domain/submission-input";

const level = (label: string, points: number) => ({ label, descriptor: label, points });
const task = fieldWorkTaskSchema.parse({
  id: "visits",
  type: "field_work",
  title: "陪伴探访",
  instructions: "逐次记录，不少于 100 字的反思。",
  passMark: 60,
  audienceTypes: ["residents", "elderly"],
  minPeopleReached: 20,
  visitLog: { minVisits: 2 },
  evidence: { minPhotos: 0, signInSheet: false },
  rubric: { criteria: [{ id: "a", title: "A", levels: [level("优", 40), level("中", 20), level("差", 0)] }, { id: "b", title: "B", levels: [level("优", 30), level("中", 15), level("差", 0)] }, { id: "c", title: "C", levels: [level("优", 30), level("中", 15), level("差", 0)] }] },
});

const raw = (visits: RawSubmissionInput["visits"]): RawSubmissionInput => ({
  activityTitle: "独居老人陪伴",
  otherOrgName: "",
  activityDate: "",
  orgUnitId: "00000000-0000-4000-8000-000000000000",
  place: "",
  audienceType: "",
  peopleReached: "",
  durationMinutes: "",
  plan: "计".repeat(60),
  reflection: "思".repeat(120),
  text: "",
  consentConfirmed: true,
  showcaseConsent: false,
  visits,
});

describe("a visit log", () => {
  it("reads parallel visit fields, dropping empty rows", () => {
    const form = new FormData();
    for (const [date, people] of [["2026-11-02", "8"], ["", ""], ["2026-11-09", "14"]]) {
      form.append("visit.date", date!);
      form.append("visit.place", "");
      form.append("visit.audienceType", date ? "elderly" : "");
      form.append("visit.peopleReached", people!);
      form.append("visit.durationMinutes", date ? "60" : "");
    }
    expect(readVisitRows((name) => form.getAll(name))).toEqual([
      { date: "2026-11-02", place: "", audienceType: "elderly", peopleReached: "8", durationMinutes: "60" },
      { date: "2026-11-09", place: "", audienceType: "elderly", peopleReached: "14", durationMinutes: "60" },
    ]);
  });

  it("stands for one activity in reach and reviews: first date, main audience, sums", () => {
    const { value, errors } = cleanSubmissionInput(
      task,
      raw([
        { date: "2026-11-09", place: "站点电话", audienceType: "residents", peopleReached: "5", durationMinutes: "45" },
        { date: "2026-11-02", place: "向阳社区", audienceType: "elderly", peopleReached: "16", durationMinutes: "60" },
      ]),
      "2026-11-30",
    );
    expect(errors).toEqual({});
    expect(value).toMatchObject({ activityDate: "2026-11-02", place: "站点电话", audienceType: "elderly", peopleReached: 21, durationMinutes: 105 });
    expect(value.visits).toHaveLength(2);
    expect(completenessProblems(task, value, { photos: 0, signInSheets: 0 })).toEqual({});
  });

  it("asks for the minimum number of visits, each complete, and refuses a wrong row", () => {
    const one = cleanSubmissionInput(task, raw([{ date: "2026-11-02", place: "", audienceType: "elderly", peopleReached: "30", durationMinutes: "60" }]), "2026-11-30");
    expect(completenessProblems(task, one.value, { photos: 0, signInSheets: 0 }).visits).toBe("sub.error.visitsFew");
    const partial = cleanSubmissionInput(
      task,
      raw([
        { date: "2026-11-02", place: "", audienceType: "elderly", peopleReached: "30", durationMinutes: "60" },
        { date: "2026-11-03", place: "", audienceType: "", peopleReached: "3", durationMinutes: "" },
      ]),
      "2026-11-30",
    );
    expect(completenessProblems(task, partial.value, { photos: 0, signInSheets: 0 }).visits).toBe("sub.error.visitIncomplete");
    const future = cleanSubmissionInput(task, raw([{ date: "2026-12-25", place: "", audienceType: "elderly", peopleReached: "3", durationMinutes: "60" }]), "2026-11-30");
    expect(future.errors.visits).toBe("sub.error.visitRow");
  });
});
