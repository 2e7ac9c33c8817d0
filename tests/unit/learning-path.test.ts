import { describe, expect, it } from "vitest";
import { currentTier, moduleProgress, nextModule, overallProgress, tierAccess } from "~/domain/learning-path";

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
    expect(moduleProgress({ read: false, tasks: 1, tasksPassed: 0 })).toBe(0);
    expect(moduleProgress({ read: true, tasks: 1, tasksPassed: 0 })).toBe(50);
    expect(moduleProgress({ read: true, tasks: 2, tasksPassed: 5 })).toBe(100);
    expect(overallProgress([])).toBe(0);
    expect(overallProgress([100, 50, 0])).toBe(50);
  });
  it("finds the tier being worked on", () => {
    expect(currentTier(tiers, "campus", [])).toBe("foundation");
    expect(currentTier(tiers, "campus", [{ track: "campus", tier: "foundation" }])).toBe("practitioner");
  });
});

describe("nextModule (继续学习)", () => {
  const order = ["foundation", "practitioner", "specialist", "supervisor"] as const;
  const m = (tier: (typeof order)[number], o: number) => ({ id: `${tier}-${o}`, tier, order: o });
  const modules = [m("practitioner", 1), m("foundation", 2), m("foundation", 1), m("foundation", 3)];

  it("leads to the first unfinished module in curriculum order, skipping finished ones", () => {
    const progress = new Map([["foundation-1", 100], ["foundation-2", 50]]);
    const next = nextModule(modules, order, (x) => progress.get(x.id) ?? 0, (tier) => tier === "foundation");
    expect(next?.id).toBe("foundation-2");
  });

  it("moves to the next tier once it opens, and is null when everything open is done", () => {
    const done = (x: { id: string }) => (x.id.startsWith("foundation") ? 100 : 0);
    expect(nextModule(modules, order, done, () => true)?.id).toBe("practitioner-1");
    expect(nextModule(modules, order, done, (tier) => tier === "foundation")).toBeNull();
  });
});
