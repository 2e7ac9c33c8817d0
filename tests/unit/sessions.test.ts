import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkinToken, checkinWindowMs, msUntilNextWindow, verifyCheckinToken, windowOf } from "~/domain/checkin-token";
import { beijingMoment, cancelProblem, checkInStatus, checkSession, overlaps, placeFor, promotions, signUpProblem, waitlistPosition, type WaitRow } from "~/domain/sessions";

const signWith = (key: string) => (message: string) => createHmac("sha256", key).update(message).digest("base64url");
const sign = signWith("secret-of-session-a-0123456789abcdef");

describe("the waitlist", () => {
  const at = (s: number) => new Date(Date.UTC(2026, 10, 30, 0, 0, s));
  const rows: WaitRow[] = [
    { id: "a", status: "enrolled", createdAt: at(1) },
    { id: "d", status: "waitlisted", createdAt: at(5) },
    { id: "c", status: "waitlisted", createdAt: at(3) },
    { id: "b", status: "waitlisted", createdAt: at(3) },
  ];

  it("fills places first, then waits; never over capacity", () => {
    expect(placeFor(2, 1)).toBe("enrolled");
    expect(placeFor(2, 2)).toBe("waitlisted");
    expect(placeFor(2, 5)).toBe("waitlisted");
  });

  it("moves the longest-waiting up when a place frees, ties by id", () => {
    expect(promotions(2, rows)).toEqual(["b"]);
    expect(promotions(3, rows)).toEqual(["b", "c"]);
    expect(promotions(1, rows)).toEqual([]);
    expect(promotions(10, rows)).toEqual(["b", "c", "d"]);
  });

  it("tells a person where they stand", () => {
    expect(waitlistPosition(rows, "b")).toBe(1);
    expect(waitlistPosition(rows, "d")).toBe(3);
    expect(waitlistPosition(rows, "a")).toBeNull();
  });

  it("refuses a past session and a second sign-up; cancels until the deadline", () => {
    const session = { startsAt: new Date("2026-12-01T01:00:00Z"), cancelBy: new Date("2026-11-30T01:00:00Z") };
    expect(signUpProblem(session, new Date("2026-12-01T01:00:00Z"), false)).toBe("past");
    expect(signUpProblem(session, new Date("2026-11-30T00:00:00Z"), true)).toBe("alreadyIn");
    expect(signUpProblem(session, new Date("2026-11-30T00:00:00Z"), false)).toBeNull();
    expect(cancelProblem(session, new Date("2026-11-30T00:59:00Z"), true)).toBeNull();
    expect(cancelProblem(session, new Date("2026-11-30T01:01:00Z"), true)).toBe("tooLate");
    expect(cancelProblem({ ...session, cancelBy: null }, new Date("2026-12-01T00:59:00Z"), true)).toBeNull();
    expect(cancelProblem(session, new Date("2026-11-29T00:00:00Z"), false)).toBe("notIn");
  });

  it("finds overlapping sessions (touching ends do not overlap)", () => {
    const s = (a: string, b: string) => ({ startsAt: new Date(a), endsAt: new Date(b) });
    expect(overlaps(s("2026-12-01T01:00Z", "2026-12-01T03:00Z"), s("2026-12-01T02:00Z", "2026-12-01T04:00Z"))).toBe(true);
    expect(overlaps(s("2026-12-01T01:00Z", "2026-12-01T03:00Z"), s("2026-12-01T03:00Z", "2026-12-01T04:00Z"))).toBe(false);
  });
});

describe("the rotating check-in code", () => {
  const now = new Date("2026-12-01T01:00:05.000Z");

  it("is accepted in its own window and the next one only", () => {
    const token = checkinToken("session-a", now, sign);
    expect(verifyCheckinToken("session-a", token, now, sign)).toBe(true);
    expect(verifyCheckinToken("session-a", token, new Date(now.getTime() + checkinWindowMs), sign)).toBe(true);
    // A photo of the screen sent on: two windows later it is refused.
    expect(verifyCheckinToken("session-a", token, new Date(now.getTime() + 2 * checkinWindowMs), sign)).toBe(false);
    // A code from the future (a forged window) is refused too.
    expect(verifyCheckinToken("session-a", token, new Date(now.getTime() - checkinWindowMs), sign)).toBe(false);
  });

  it("rotates every 20 seconds", () => {
    const a = checkinToken("session-a", now, sign);
    expect(checkinToken("session-a", new Date(now.getTime() + 1_000), sign)).toBe(a);
    expect(checkinToken("session-a", new Date(now.getTime() + checkinWindowMs), sign)).not.toBe(a);
    expect(windowOf(new Date(now.getTime() + msUntilNextWindow(now)))).toBe(windowOf(now) + 1);
  });

  it("is bound to one session and its key", () => {
    const token = checkinToken("session-a", now, sign);
    expect(verifyCheckinToken("session-b", token, now, sign)).toBe(false);
    expect(verifyCheckinToken("session-a", token, now, signWith("another-key-0123456789abcdef0123"))).toBe(false);
    const [window, signature] = token.split(".");
    expect(verifyCheckinToken("session-a", `${Number(window) + 1}.${signature}`, new Date(now.getTime() + checkinWindowMs), sign)).toBe(false);
    for (const bad of ["", "x", `${window}.`, `${window}.${signature}x`, `-1.${signature}`, `${window}.${"A".repeat(43)}`]) {
      expect(verifyCheckinToken("session-a", bad, now, sign), bad).toBe(false);
    }
  });

  it("marks late after the configured minutes", () => {
    const session = { startsAt: new Date("2026-12-01T01:00:00Z"), lateAfterMinutes: 15 };
    expect(checkInStatus(session, new Date("2026-12-01T00:50:00Z"))).toBe("present");
    expect(checkInStatus(session, new Date("2026-12-01T01:15:00Z"))).toBe("present");
    expect(checkInStatus(session, new Date("2026-12-01T01:15:01Z"))).toBe("late");
  });
});

describe("the session form", () => {
  const now = new Date("2026-11-30T00:00:00Z");
  const draft = { title: "团体督导（第一次）", kind: "group_supervision", date: "2026-12-05", start: "09:00", end: "11:30", place: "运城市教育局三楼会议室", onlineUrl: "", capacity: "20", hours: "2.5", cancelHours: "24", lateMinutes: "" };

  it("reads Beijing times", () => {
    expect(beijingMoment("2026-12-05", "09:00")?.toISOString()).toBe("2026-12-05T01:00:00.000Z");
    expect(beijingMoment("2026-02-30", "09:00")).toBeNull();
    expect(beijingMoment("2026-12-05", "25:00")).toBeNull();
  });

  it("accepts a whole session, with its deadline and late threshold", () => {
    const r = checkSession(draft, now);
    expect(r.ok && r.session).toMatchObject({ capacity: 20, hours: 2.5, lateAfterMinutes: 10, cancelBy: new Date("2026-12-04T01:00:00Z") });
  });

  it("refuses a past session, a backwards end, no place and a bad link", () => {
    expect(checkSession({ ...draft, date: "2026-11-01" }, now)).toEqual({ ok: false, errors: { date: "past" } });
    expect(checkSession({ ...draft, end: "08:00" }, now)).toEqual({ ok: false, errors: { end: "endBeforeStart" } });
    expect(checkSession({ ...draft, place: "", onlineUrl: "javascript:alert(1)", capacity: "0", hours: "0" }, now)).toEqual({
      ok: false,
      errors: { onlineUrl: "url", capacity: "capacity", hours: "hours" },
    });
    expect(checkSession({ ...draft, place: " ", onlineUrl: "" }, now)).toEqual({ ok: false, errors: { place: "whereRequired" } });
  });
});
