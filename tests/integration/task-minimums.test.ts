import { describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import type { TaskDefinition } from "~/catalog/schema";
import { completenessProblems, type CleanSubmissionInput } from "~/domain/submission-input";

type FieldTask = Extract<TaskDefinition, { type: "field_work" }>;
const fieldTasks = () => catalog().modules.flatMap((m) => m.tasks.filter((t): t is FieldTask => t.type === "field_work"));
const byId = (id: string) => fieldTasks().find((t) => t.id === id)!;

const complete = (reflection: string): CleanSubmissionInput => ({
  activityTitle: "活动",
  otherOrgName: null,
  showcasePhotos: false,
  activityDate: "2026-11-10",
  orgUnitId: "00000000-0000-4000-8000-000000000000",
  place: null,
  audienceType: "students",
  peopleReached: 40,
  durationMinutes: 10,
  body: { plan: "方".repeat(60), reflection },
  consentConfirmed: true,
  showcaseConsent: false,
});
const evidence = { photos: 5, signInSheets: 1 };

describe("a field task's reflection minimum comes from content", () => {
  it("is the number the task text asks for: campus foundation 600, community foundation 500", () => {
    expect(byId("campus-foundation-emotion-friendly-classroom-field").minReflectionLength).toBe(600);
    expect(byId("community-foundation-listening-companionship-visits").minReflectionLength).toBe(500);
  });

  it("every field task's text names the minimum it is checked against", () => {
    for (const task of fieldTasks()) expect(task.instructions, task.id).toContain(`不少于 ${task.minReflectionLength} 字`);
  });

  it("is what submit enforces", () => {
    const task = byId("campus-foundation-emotion-friendly-classroom-field");
    expect(completenessProblems(task, complete("思".repeat(599)), evidence).reflection).toBe("sub.error.reflectionShort");
    expect(completenessProblems(task, complete("思".repeat(600)), evidence).reflection).toBeUndefined();
  });
});
