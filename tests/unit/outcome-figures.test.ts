import { describe, expect, it } from "vitest";
import { figureFromMonths, summaryMeasures, yearWindow } from "~/domain/outcomes";
import { programSchema } from "~/catalog/schema";

const year1 = yearWindow("2026-09-01", 1);

describe("figures from the kept monthly rows", () => {
  const rows = [
    { measure: "people:students", month: "2026-08-01", value: 500 }, // before year 1
    { measure: "people:students", month: "2026-09-01", value: 10 },
    { measure: "people:parents", month: "2026-10-01", value: 7 },
    { measure: "people:students", month: "2027-08-01", value: 3 }, // the last month of year 1
    { measure: "people:students", month: "2027-09-01", value: 900 }, // year 2
    { measure: "milestone:standardised", month: "2025-05-01", value: 1 },
    { measure: "milestone:standardised", month: "2026-11-01", value: 2 },
    { measure: "certified:specialist", month: "2026-12-01", value: 4 },
  ];

  it("adds the indicator's measures within the programme year, month by month", () => {
    const { figure, trend } = figureFromMonths({ kind: "people_reached", audienceTypes: ["students", "parents"] }, year1, rows);
    expect(figure).toBe(20);
    expect(trend).toHaveLength(12);
    expect(trend[0]).toEqual({ month: "2026-09", value: 10 });
    expect(trend[1]).toEqual({ month: "2026-10", value: 7 });
    expect(trend[11]).toEqual({ month: "2027-08", value: 3 });
    expect(figureFromMonths({ kind: "people_reached", audienceTypes: ["parents"] }, year1, rows).figure).toBe(7);
  });

  it("counts milestones from the month marked on, and trends only the year's own", () => {
    const { figure, trend } = figureFromMonths({ kind: "org_milestone", milestone: "standardised" }, year1, rows);
    expect(figure).toBe(3);
    expect(trend.reduce((s, p) => s + p.value, 0)).toBe(2);
  });

  it("names one measure per audience type, tier, milestone kind", () => {
    expect(summaryMeasures({ kind: "certified_trainees", tier: "specialist" })).toEqual({ keys: ["certified:specialist"], cumulative: false });
    expect(summaryMeasures({ kind: "showcased_outcomes" })).toEqual({ keys: ["showcase"], cumulative: false });
  });
});

describe("the programme start", () => {
  it("is the first day of a month, since the figures are kept by month", () => {
    expect(programSchema.shape.programStart.safeParse("2026-09-01").success).toBe(true);
    expect(programSchema.shape.programStart.safeParse("2026-09-15").success).toBe(false);
  });
});
