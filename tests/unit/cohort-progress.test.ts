import { describe, expect, it } from "vitest";
import { checkMessage, cohortEnded, progressRow, progressRows, type CohortFrame, type MemberFacts } from "~/domain/cohort-progress";
import type { SubmissionStatus } from "../../db/schema";

const frame: CohortFrame = {
  moduleIds: ["m1", "m2", "m3"],
  taskIds: ["t1", "t2", "t3"],
  dues: [
    { taskId: "t1", dueOn: "2026-10-01" },
    { taskId: "t2", dueOn: "2026-12-01" },
  ],
  sessionsHeld: 2,
  endsOn: "2027-01-31",
};

const member = (over: Partial<MemberFacts> & { statuses?: Record<string, SubmissionStatus> } = {}): MemberFacts => ({
  userId: over.userId ?? "u1",
  name: over.name ?? "王一",
  phone: null,
  unit: "实验中学",
  read: over.read ?? new Set(),
  statusOf: new Map(Object.entries(over.statuses ?? {})),
  sessionsAttended: over.sessionsAttended ?? 0,
  hoursAttended: over.hoursAttended ?? 0,
  certified: over.certified ?? false,
  eligibility: over.eligibility ?? { eligible: false, missing: [{ key: "elig.sessions.group_supervision", params: { have: 0, need: 4 } }] },
});

// Beijing: 2026-10-01 ends at 2026-10-01T15:59:59.999Z.
const onDueDay = new Date("2026-10-01T15:00:00Z");
const dayAfter = new Date("2026-10-01T16:00:00Z");

describe("progressRow", () => {
  it("counts modules read and tasks passed of the cohort's tier only", () => {
    const row = progressRow(frame, member({ read: new Set(["m1", "m3", "other"]), statuses: { t1: "passed", t2: "submitted", x: "passed" } }), onDueDay);
    expect(row).toMatchObject({ modulesRead: 2, modulesTotal: 3, tasksPassed: 1, tasksTotal: 3 });
  });

  it("counts a task overdue once its due day is over in Beijing, and only while nothing is handed in", () => {
    expect(progressRow(frame, member(), onDueDay).overdue).toBe(0);
    expect(progressRow(frame, member(), dayAfter).overdue).toBe(1);
    for (const owed of ["draft", "returned"] as const) expect(progressRow(frame, member({ statuses: { t1: owed } }), dayAfter).overdue).toBe(1);
    for (const handedIn of ["submitted", "in_review", "resubmitted", "passed", "not_passed"] as const) expect(progressRow(frame, member({ statuses: { t1: handedIn } }), dayAfter).overdue).toBe(0);
  });

  it("is behind with an overdue task, or — once the cohort is over — when not eligible; never when certified", () => {
    expect(progressRow(frame, member(), dayAfter).behind).toBe(true);
    expect(progressRow(frame, member({ statuses: { t1: "submitted" } }), dayAfter).behind).toBe(false);
    const afterEnd = new Date("2027-02-01T00:00:00Z");
    expect(cohortEnded(frame.endsOn, new Date("2027-01-31T15:59:00Z"))).toBe(false);
    expect(cohortEnded(frame.endsOn, afterEnd)).toBe(true);
    const handedIn = { t1: "passed", t2: "passed" } as const;
    expect(progressRow(frame, member({ statuses: handedIn }), afterEnd).behind).toBe(true);
    expect(progressRow(frame, member({ statuses: handedIn, eligibility: { eligible: true } }), afterEnd)).toMatchObject({ standing: "eligible", behind: false, missing: [] });
    expect(progressRow(frame, member({ certified: true }), afterEnd)).toMatchObject({ standing: "certified", behind: false, missing: [], overdue: 2 });
  });

  it("shows the sessions attended against those held, and hours in tenths", () => {
    expect(progressRow(frame, member({ sessionsAttended: 1, hoursAttended: 0.1 + 0.2 }), onDueDay)).toMatchObject({ sessionsAttended: 1, sessionsHeld: 2, hoursAttended: 0.3 });
  });

  it("puts the ones behind first, then by name", () => {
    const rows = progressRows(frame, [member({ userId: "a", name: "张三", statuses: { t1: "passed" } }), member({ userId: "b", name: "李四" }), member({ userId: "c", name: "王五", statuses: { t1: "passed" } })], dayAfter);
    expect(rows.map((r) => r.name)).toEqual(["李四", "王五", "张三"]);
  });
});

describe("checkMessage", () => {
  it("needs a title of at most 50 characters and a body of at most 1000, trimmed", () => {
    expect(checkMessage({ title: "  通知 ", body: " 内容 " })).toEqual({ ok: true, title: "通知", body: "内容" });
    expect(checkMessage({ title: "", body: "" })).toEqual({ ok: false, errors: { title: "titleRequired", body: "bodyRequired" } });
    expect(checkMessage({ title: "字".repeat(51), body: "字".repeat(1001) })).toEqual({ ok: false, errors: { title: "titleTooLong", body: "bodyTooLong" } });
    // Characters, not UTF-16 units: 50 characters outside the BMP are still 50.
    expect(checkMessage({ title: "𰀀".repeat(50), body: "好" }).ok).toBe(true);
  });
});
