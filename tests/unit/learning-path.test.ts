import { describe, expect, it } from "vitest";
import { currentTier, moduleProgress, nextStep, overallProgress, tierAccess } from "~/domain/learning-path";

const tiers = [
  { id: "foundation", order: 1, requiresPreviousTier: false },
  { id: "practitioner", order: 2, requiresPreviousTier: true },
  { id: "specialist", order: 3, requiresPreviousTier: true },
  { id: "supervisor", order: 4, requiresPreviousTier: false },
] as const;

describe("tierAccess", () => {
  it("opens tier 1 always and tier N with the tier N-1 certificate of the same track", () => {
    expect(tierAccess(tiers, "campus", "foundation", [])).toEqual({ unlocked: true });
    expect(tierAccess(tiers, "campus", "practitioner", [])).toEqual({ unlocked: false, reason: "needsCertificate", requiredTier: "foundation" });
    expect(tierAccess(tiers, "campus", "practitioner", [{ track: "community", tier: "foundation" }]).unlocked).toBe(false);
    expect(tierAccess(tiers, "campus", "practitioner", [{ track: "campus", tier: "foundation" }]).unlocked).toBe(true);
  });
  it("respects a tier whose gating is switched off", () => {
    expect(tierAccess(tiers, "community", "supervisor", []).unlocked).toBe(true);
  });
});

describe("progress", () => {
  it("counts reading and passed tasks as steps", () => {
    const none = { read: false, tasks: 1, tasksPassed: 0, tierCertified: false };
    expect(moduleProgress(none)).toBe(0);
    expect(moduleProgress({ ...none, read: true })).toBe(50);
    expect(moduleProgress({ ...none, read: true, tasks: 2, tasksPassed: 5 })).toBe(100);
    expect(moduleProgress({ ...none, read: true, tasks: 2, tasksPassed: 1 })).toBe(67);
  });
  it("finishes a module whose tasks are all passed, and every module of a certified tier", () => {
    const none = { read: false, tasks: 1, tasksPassed: 0, tierCertified: false };
    expect(moduleProgress({ ...none, tasksPassed: 1 })).toBe(100);
    expect(moduleProgress({ ...none, tierCertified: true })).toBe(100);
    expect(moduleProgress({ ...none, tasks: 0, read: true })).toBe(100);
    expect(moduleProgress({ ...none, tasks: 0 })).toBe(0);
    expect(overallProgress([])).toBe(0);
    expect(overallProgress([100, 50, 0])).toBe(50);
  });
  it("finds the tier being worked on", () => {
    expect(currentTier(tiers, "campus", [])).toBe("foundation");
    expect(currentTier(tiers, "campus", [{ track: "campus", tier: "foundation" }])).toBe("practitioner");
  });
});

describe("nextStep", () => {
  const m = (id: string, read: boolean, ...tasks: Array<[string, Parameters<typeof nextStep>[0][number]["tasks"][number]["status"]]>) => ({ id, read, tasks: tasks.map(([tid, status]) => ({ id: tid, status })) });
  it("leads to returned work first, then started work, then the next unread module, then the next task", () => {
    expect(nextStep([m("a", true, ["a1", "passed"]), m("b", false, ["b1", null]), m("c", true, ["c1", "returned"])])).toEqual({ kind: "returned", moduleId: "c", taskId: "c1" });
    expect(nextStep([m("a", false, ["a1", null]), m("b", true, ["b1", "draft"])])).toEqual({ kind: "draft", moduleId: "b", taskId: "b1" });
    expect(nextStep([m("a", true, ["a1", "submitted"]), m("b", false, ["b1", null])])).toEqual({ kind: "read", moduleId: "b", taskId: null });
    expect(nextStep([m("a", true, ["a1", "passed"], ["a2", null])])).toEqual({ kind: "task", moduleId: "a", taskId: "a2" });
  });
  it("has nothing when all work is done or waiting for a mentor", () => {
    expect(nextStep([m("a", true, ["a1", "passed"]), m("b", false, ["b1", "in_review"])])).toBeNull();
  });
});
