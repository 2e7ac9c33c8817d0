import { describe, expect, it } from "vitest";
import { defaultRetention, draftFilesExpireAt, draftFilesStep, purgeCutoff } from "~/domain/retention";

const day = 86_400_000;
const t0 = new Date("2026-03-01T08:00:00Z");
const at = (days: number) => new Date(t0.getTime() + days * day);

describe("retention rules", () => {
  it("purges what was removed more than the grace period ago", () => {
    expect(purgeCutoff(at(7), defaultRetention)).toEqual(t0);
    expect(purgeCutoff(at(10), { ...defaultRetention, purgeAfterDays: 0 })).toEqual(at(10));
  });

  it("an untouched draft: kept, then noticed, then cleared after the notice period", () => {
    const untouched = { lastActivity: t0, noticeAt: null };
    expect(draftFilesStep(untouched, at(179), defaultRetention)).toBe("keep");
    expect(draftFilesStep(untouched, at(180), defaultRetention)).toBe("notify");
    const noticed = { lastActivity: t0, noticeAt: at(180) };
    expect(draftFilesExpireAt(at(180), defaultRetention)).toEqual(at(210));
    expect(draftFilesStep(noticed, at(209), defaultRetention)).toBe("keep");
    expect(draftFilesStep(noticed, at(210), defaultRetention)).toBe("clear");
  });

  it("a trainee who comes back after the notice keeps the files, and the clock starts again", () => {
    expect(draftFilesStep({ lastActivity: at(190), noticeAt: at(180) }, at(300), defaultRetention)).toBe("withdrawNotice");
    expect(draftFilesStep({ lastActivity: at(190), noticeAt: null }, at(300), defaultRetention)).toBe("keep");
  });

  it("DRAFT_FILES_KEPT_DAYS=0 keeps drafts' files for ever (and withdraws an old notice)", () => {
    const never = { ...defaultRetention, draftFilesKeptDays: 0 };
    expect(draftFilesStep({ lastActivity: t0, noticeAt: null }, at(5000), never)).toBe("keep");
    expect(draftFilesStep({ lastActivity: t0, noticeAt: at(200) }, at(5000), never)).toBe("withdrawNotice");
  });
});
