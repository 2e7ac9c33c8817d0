import { describe, expect, it } from "vitest";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { DueDate } from "~/components/due-date";
import { byDueDate, dueState } from "~/domain/deadlines";

const now = new Date("2026-11-30T04:00:00Z");
const inDays = (d: number) => new Date(now.getTime() + d * 24 * 60 * 60 * 1000);

describe("due dates", () => {
  it("say how near a due date is", () => {
    expect(dueState(null, now)).toBe("none");
    expect(dueState(inDays(-0.1), now)).toBe("overdue");
    expect(dueState(inDays(0.5), now)).toBe("today");
    expect(dueState(inDays(3), now)).toBe("soon");
    expect(dueState(inDays(10), now)).toBe("later");
  });
  it("sort work with a due date first, nearest first, the rest in course order", () => {
    const rows = [
      { id: "a", dueAt: null },
      { id: "b", dueAt: inDays(5).toISOString() },
      { id: "c", dueAt: null },
      { id: "d", dueAt: inDays(1).toISOString() },
    ];
    expect(byDueDate(rows).map((r) => r.id)).toEqual(["d", "b", "a", "c"]);
  });
});

describe("DueDate", () => {
  it("shows the Beijing date with a tone, and nothing without a date", () => {
    const html = renderToStaticMarkup(createElement(DueDate, { dueAt: "2026-12-02T04:00:00Z", now }));
    expect(html).toContain("7 天内截止");
    expect(html).toContain("截止 2026年12月2日 12:00");
    expect(html).toContain("tone-warning");
    expect(renderToStaticMarkup(createElement(DueDate, { dueAt: inDays(-1), now }))).toContain("tone-danger");
    expect(renderToStaticMarkup(createElement(DueDate, { dueAt: null, now }))).toBe("");
  });
});
