import { describe, expect, it } from "vitest";
import { checkCohort, dueMoment, duesByTask, isCalendarDate, joinCodeProblem, lateRefused, normaliseJoinCode } from "~/domain/cohorts";

const draft = { name: "2026秋季普及级一期", track: "campus", tier: "foundation", programmeYear: "1", startsOn: "2026-09-01", endsOn: "2027-01-15", dueDates: {} };

describe("checking a cohort", () => {
  it("accepts a whole cohort and its due dates", () => {
    const r = checkCohort({ ...draft, dueDates: { a: "2026-10-01", b: "" } }, ["a", "b"]);
    expect(r).toEqual({ ok: true, cohort: expect.objectContaining({ name: "2026秋季普及级一期", programmeYear: 1, dueDates: [{ taskId: "a", dueOn: "2026-10-01" }] }) });
  });

  it("refuses a due date before the cohort starts, after it ends, or of another tier's task", () => {
    const r = checkCohort({ ...draft, dueDates: { a: "2026-08-31", b: "2027-02-01", c: "2026-10-01" } }, ["a", "b"]);
    expect(r).toEqual({ ok: false, errors: { "due.a": "dueBeforeStart", "due.b": "dueAfterEnd", "due.c": "unknownTask" } });
  });

  it("reports every problem at once", () => {
    const r = checkCohort({ name: " ", track: "x", tier: "", programmeYear: "4", startsOn: "2026-02-30", endsOn: "2026-01-01", dueDates: { a: "soon" } }, ["a"]);
    expect(r).toEqual({ ok: false, errors: { name: "nameRequired", track: "track", tier: "tier", programmeYear: "year", startsOn: "startRequired", "due.a": "dueInvalid" } });
    expect(checkCohort({ ...draft, endsOn: "2026-08-01" }, [])).toEqual({ ok: false, errors: { endsOn: "endBeforeStart" } });
  });

  it("knows a calendar date", () => {
    expect(isCalendarDate("2028-02-29")).toBe(true);
    expect(isCalendarDate("2027-02-29")).toBe(false);
    expect(isCalendarDate("2027-1-2")).toBe(false);
  });
});

describe("due dates", () => {
  it("falls due at the end of the day in Beijing", () => {
    expect(dueMoment("2026-12-01").toISOString()).toBe("2026-12-01T15:59:59.999Z");
  });

  it("takes the earliest date of two cohorts, and refuses late work if that cohort does", () => {
    const dues = duesByTask([
      { taskId: "a", dueOn: "2026-12-10", lateWorkAccepted: true },
      { taskId: "a", dueOn: "2026-12-01", lateWorkAccepted: false },
      { taskId: "b", dueOn: "2026-12-05", lateWorkAccepted: true },
    ]);
    expect(dues.get("a")).toEqual({ dueAt: dueMoment("2026-12-01"), lateWorkAccepted: false });
    expect(lateRefused(dues.get("a"), new Date("2026-12-01T15:00:00Z"))).toBe(false);
    expect(lateRefused(dues.get("a"), new Date("2026-12-01T16:00:00Z"))).toBe(true);
    expect(lateRefused(dues.get("b"), new Date("2027-01-01T00:00:00Z"))).toBe(false);
    expect(lateRefused(undefined, new Date())).toBe(false);
  });
});

describe("join codes", () => {
  it("is refused when unknown, revoked or used up", () => {
    expect(joinCodeProblem(null)).toBe("unknown");
    expect(joinCodeProblem({ revokedAt: new Date(), usedCount: 0, maxUses: 5 })).toBe("revoked");
    expect(joinCodeProblem({ revokedAt: null, usedCount: 5, maxUses: 5 })).toBe("usedUp");
    expect(joinCodeProblem({ revokedAt: null, usedCount: 4, maxUses: 5 })).toBeNull();
  });

  it("reads a code as typed", () => {
    expect(normaliseJoinCode(" abcd-ef 23 ")).toBe("ABCDEF23");
  });
});
