import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime } from "~/i18n/dates";

describe("Beijing-time dates", () => {
  it("prints one format in Beijing time, across midnight UTC", () => {
    expect(formatDateTime(new Date("2026-11-29T23:45:00Z"))).toBe("2026年11月30日 07:45");
    expect(formatDateTime("2026-11-30T04:05:00.000Z")).toBe("2026年11月30日 12:05");
    expect(formatDate(new Date("2026-11-29T16:30:00Z"))).toBe("2026年11月30日");
    expect(formatDate("2026-09-01")).toBe("2026年9月1日");
    expect(formatDateTime(new Date("2026-09-01T01:05:00Z"))).toBe("2026年9月1日 09:05");
  });
  it("prints nothing for no date", () => {
    expect(formatDateTime(null)).toBe("");
    expect(formatDate(undefined)).toBe("");
    expect(formatDateTime("not a date")).toBe("");
  });
});
