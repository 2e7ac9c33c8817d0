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
  it("agrees with the time-zone database at every kind of moment, summer time of 1986–1991 included", () => {
    const zone = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    const expected = (d: Date) => {
      const p = Object.fromEntries(zone.formatToParts(d).map((x) => [x.type, x.value]));
      return `${p.year}年${Number(p.month)}月${Number(p.day)}日 ${p.hour}:${p.minute}`;
    };
    const moments = [
      "1988-07-01T00:30:00Z", // summer time: UTC+9
      "1991-09-14T17:30:00Z",
      "1991-12-31T15:59:00Z",
      "1991-12-31T16:00:00Z",
      "2000-02-28T16:00:00Z",
      "2024-02-28T16:00:00Z", // 29 February in Beijing
      "2026-12-31T15:59:59Z",
      "2026-12-31T16:00:00Z",
      "9999-12-31T15:00:00Z",
    ].map((s) => new Date(s));
    // And a spread of moments from 1970 to 2100, a minute-odd step apart.
    for (let ms = 0; ms < Date.UTC(2100, 0, 1); ms += 7_919_993_417) moments.push(new Date(ms));
    for (const d of moments) expect(formatDateTime(d), d.toISOString()).toBe(expected(d));
  });
});
