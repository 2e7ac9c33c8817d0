import { describe, expect, it } from "vitest";
import { channelRoutes, fillSmsTemplate, smsOptOut, smsTemplates } from "~/domain/channels";
import { describeNotification, notificationKinds, type DisplayNames } from "~/domain/notifications";
import {
  addDays,
  beijingDate,
  beijingDayStart,
  calendarDaysSince,
  certificateStage,
  daysBetween,
  digestWindow,
  dueWindow,
  idleCutoff,
  idleWindow,
  nearestCoordinators,
  reminderKinds,
  switchedOffBy,
  tomorrowWindow,
} from "~/domain/reminders";
import { translate } from "~/i18n";
import { composeMessage } from "~/services/channels/messages";

const beijing = (local: string) => new Date(`${local}+08:00`);

describe("the Beijing calendar", () => {
  it("names the Beijing date, also when UTC is still on the day before", () => {
    // 07:30 in Beijing on 2 December is 23:30 UTC on 1 December.
    expect(beijingDate(beijing("2026-12-02T07:30:00"))).toBe("2026-12-02");
    expect(beijingDate(new Date("2026-12-01T23:30:00Z"))).toBe("2026-12-02");
    expect(beijingDate(beijing("2026-12-01T23:59:59"))).toBe("2026-12-01");
    expect(beijingDate(beijing("2026-12-02T00:00:00"))).toBe("2026-12-02");
  });
  it("counts calendar days across months and years", () => {
    expect(addDays("2026-12-30", 3)).toBe("2027-01-02");
    expect(addDays("2027-03-01", -1)).toBe("2027-02-28");
    expect(daysBetween("2026-12-01", "2026-12-08")).toBe(7);
    expect(daysBetween("2026-12-08", "2026-12-01")).toBe(-7);
    expect(beijingDayStart("2026-12-02").toISOString()).toBe("2026-12-01T16:00:00.000Z");
  });
  it("is idle 7 days from 00:00 Beijing on the 7th day after the last touch, whatever the hour of either", () => {
    const touched = beijing("2026-12-01T23:50:00");
    expect(calendarDaysSince(touched, beijing("2026-12-07T23:59:00"))).toBe(6);
    expect(calendarDaysSince(touched, beijing("2026-12-08T00:00:00"))).toBe(7);
    // The cutoff a sweep compares with: touched before it = idle at least 7 days.
    expect(idleCutoff(beijing("2026-12-08T00:05:00"), 7).toISOString()).toBe(beijing("2026-12-02T00:00:00").toISOString());
    expect(touched < idleCutoff(beijing("2026-12-08T00:05:00"), 7)).toBe(true);
    expect(touched < idleCutoff(beijing("2026-12-07T23:55:00"), 7)).toBe(false);
    expect(beijing("2026-12-02T00:00:00") < idleCutoff(beijing("2026-12-08T22:30:00"), 7)).toBe(false);
  });
});

describe("windows", () => {
  it("an idle stretch is due from its 7th day for a week: a months-old draft found by a first sweep is left alone", () => {
    const w = idleWindow(beijing("2026-12-08T00:05:00"), 7);
    expect(w).toEqual({ from: beijing("2026-11-25T00:00:00"), to: beijing("2026-12-02T00:00:00") });
    const due = (touched: string, now: string) => {
      const { from, to } = idleWindow(beijing(now), 7);
      const t = beijing(touched);
      return t >= from && t < to;
    };
    expect(due("2026-12-01T10:00:00", "2026-12-07T23:59:00")).toBe(false);
    expect(due("2026-12-01T10:00:00", "2026-12-08T00:00:00")).toBe(true);
    expect(due("2026-12-01T10:00:00", "2026-12-14T23:59:00")).toBe(true);
    expect(due("2026-12-01T10:00:00", "2026-12-15T00:00:00")).toBe(false);
  });
  it("tomorrow is the next Beijing date: a 09:00 session on the 3rd is reminded all through the 2nd in Beijing", () => {
    const w = tomorrowWindow(new Date("2026-12-01T16:30:00Z")); // 00:30 on the 2nd in Beijing
    expect(w.date).toBe("2026-12-03");
    const session = beijing("2026-12-03T09:00:00");
    expect(session >= w.from && session < w.to).toBe(true);
    // Still the 1st in Beijing at 23:59: the session is the day after tomorrow.
    const before = tomorrowWindow(beijing("2026-12-01T23:59:00"));
    expect(session >= before.from && session < before.to).toBe(false);
  });
  it("the digest of a Beijing day covers the day before, 00:00 to 24:00 Beijing", () => {
    const w = digestWindow(beijing("2026-12-05T00:10:00"));
    expect(w).toEqual({ period: "2026-12-05", day: "2026-12-04", from: beijing("2026-12-04T00:00:00"), to: beijing("2026-12-05T00:00:00") });
    expect(digestWindow(beijing("2026-12-05T23:50:00")).period).toBe("2026-12-05");
  });
  it("a cohort due date is reminded from 3 days before to the day itself", () => {
    expect(dueWindow(beijing("2026-12-07T00:10:00"))).toEqual({ from: "2026-12-07", to: "2026-12-10" });
  });
});

describe("certificate stages", () => {
  it("90, 30 and 7 days before the end: each stage once, the nearest stage not yet passed", () => {
    expect(certificateStage(120)).toBeNull();
    expect(certificateStage(91)).toBeNull();
    expect(certificateStage(90)).toBe(90);
    expect(certificateStage(31)).toBe(90);
    expect(certificateStage(30)).toBe(30);
    expect(certificateStage(8)).toBe(30);
    expect(certificateStage(7)).toBe(7);
    expect(certificateStage(0)).toBe(7);
    expect(certificateStage(-1)).toBeNull();
  });
});

describe("switches", () => {
  const root = { kind: "reminder.draft_idle", unitId: "r", path: "/r/" };
  const shanxi = { kind: "reminder.draft_idle", unitId: "sx", path: "/r/sx/" };
  const yuncheng = { kind: "reminder.cohort_due", unitId: "yc", path: "/r/sx/yc/" };
  it("a switch on a unit or any unit above turns the kind off, the highest first; other kinds and other regions are untouched", () => {
    expect(switchedOffBy("reminder.draft_idle", "/r/sx/yc/school/", [shanxi])).toBe(shanxi);
    expect(switchedOffBy("reminder.draft_idle", "/r/sx/", [shanxi])).toBe(shanxi);
    expect(switchedOffBy("reminder.draft_idle", "/r/sd/yt/", [shanxi])).toBeNull();
    expect(switchedOffBy("reminder.returned_idle", "/r/sx/yc/", [shanxi, yuncheng])).toBeNull();
    expect(switchedOffBy("reminder.cohort_due", "/r/sx/", [yuncheng])).toBeNull();
    expect(switchedOffBy("reminder.draft_idle", "/r/sx/yc/", [shanxi, root])).toBe(root);
  });
  it("a person of no unit is reached only by a switch on the root", () => {
    expect(switchedOffBy("reminder.draft_idle", null, [shanxi])).toBeNull();
    expect(switchedOffBy("reminder.draft_idle", null, [root])).toBe(root);
  });
  it("a unit whose path merely starts with the same letters is not below it", () => {
    expect(switchedOffBy("reminder.draft_idle", "/r/sxx/", [shanxi])).toBeNull();
  });
});

describe("the coordinator of a trainee", () => {
  const national = { id: "n", path: "/r/" };
  const shanxiA = { id: "sx-a", path: "/r/sx/" };
  const shanxiB = { id: "sx-b", path: "/r/sx/" };
  const yuncheng = { id: "yc", path: "/r/sx/yc/" };
  const shandong = { id: "sd", path: "/r/sd/" };
  it("is every admin of the nearest unit above the trainee that has admins", () => {
    expect(nearestCoordinators("/r/sx/yc/school/", [national, shanxiA, shanxiB, yuncheng, shandong])).toEqual([yuncheng]);
    expect(nearestCoordinators("/r/sx/jz/school/", [national, shanxiA, shanxiB, yuncheng, shandong])).toEqual([shanxiA, shanxiB]);
    expect(nearestCoordinators("/r/gd/", [national, shanxiA, shandong])).toEqual([national]);
  });
  it("a trainee of no unit: the programme admins; nobody covering: nobody", () => {
    expect(nearestCoordinators(null, [national, shanxiA])).toEqual([national]);
    expect(nearestCoordinators("/r/sx/", [shandong])).toEqual([]);
  });
});

describe("what reminders say", () => {
  const names: DisplayNames = { track: () => "校园行", tier: () => "普及", certificate: () => "心理健康促进员" };
  const id = "6f1c2b9e-3a4d-4e5f-8a7b-1c2d3e4f5a6b";
  it("every kind is a notification kind with Chinese and English texts, and is routed (non-urgent) to outside channels", () => {
    for (const kind of reminderKinds) {
      expect(notificationKinds).toContain(kind);
      expect(channelRoutes[kind]).toMatchObject({ urgent: false });
      for (const key of [`notif.kind.${kind}`, `channels.kind.${kind}`, `reminders.when.${kind}`] as const) {
        expect(translate("zh-CN", key as never)).not.toBe(key);
        expect(translate("en", key as never)).not.toBe(key);
      }
    }
    // Per assignment only in the app: the outside channels get the daily digest.
    expect(channelRoutes["assignment.new"]).toBeUndefined();
  });
  it("links each to the thing it is about", () => {
    const session = describeNotification("reminder.session_tomorrow", { sessionId: id, title: "团体督导", startsAt: "2026-12-03T01:00:00.000Z", place: "会议室" }, names)!;
    expect(translate("zh-CN", session.titleKey, session.params)).toBe("你报名的「团体督导」将于明天（2026年12月3日）09:00 开始，请准时参加。");
    expect(session).toMatchObject({ href: `/sessions#s-${id}`, linkKey: "notif.link.session" });
    const cert = describeNotification("reminder.certificate_expiring", { certificateId: id, number: "BC-2026-7K3M-Q9TX", track: "campus", tier: "foundation", validUntil: "2027-03-01", days: 30 }, names)!;
    expect(translate("zh-CN", cert.titleKey, cert.params)).toContain("将于 2027年3月1日 到期，还有 30 天。请联系所在地区的管理员办理续期");
    expect(cert.href).toBe("/learn#certificates-campus");
    const digest = describeNotification("reminder.assignment_digest", { date: "2026-12-04", count: 5, tasks: ["方案", "反思", "记录"] }, names)!;
    expect(translate("zh-CN", digest.titleKey, digest.params)).toBe("2026年12月4日有 5 份作业分配给你评阅：「方案」、「反思」、「记录」等。");
    expect(digest.href).toBe("/mentor");
    const due = describeNotification("reminder.cohort_due", { taskId: "campus-task", taskTitle: "情绪小课堂", dueOn: "2026-12-10", days: 3 }, names)!;
    expect(due.href).toBe("/tasks/campus-task");
    const waiting = describeNotification("reminder.coordinator_waiting", { submissionId: id, taskId: "t", taskTitle: "方案", days: 10, trainee: "李静", unit: "运城市" }, names)!;
    expect(translate("zh-CN", waiting.titleKey, waiting.params)).toBe("运城市学员李静提交的「方案」已等待评阅 10 天，请协调导师尽快处理。");
  });
  it("by SMS: the reminder's own template (ending with 回复TD退订), with the generic reminder template as the fallback", () => {
    for (const name of ["reminderDraft", "reminderReturned", "reminderDue", "reminderSession", "reminderCertificate", "reminderDigest", "reminderWaiting", "reminderEscalation"] as const) {
      expect(smsTemplates[name].endsWith(smsOptOut)).toBe(true);
    }
    const message = composeMessage("reminder.session_tomorrow", { sessionId: id, title: "团体督导", startsAt: "2026-12-03T01:00:00.000Z", place: null }, "https://lms.test", "https://lms.test/unsubscribe/x")!;
    expect(message.sms).toEqual({
      template: "reminderSession",
      params: { title: "团体督导", time: "09:00" },
      fallback: { template: "reminder", params: { text: expect.stringContaining("团体督导") } },
    });
    expect(fillSmsTemplate("reminderSession", message.sms.params)).toBe("您报名的「团体督导」将于明天09:00开始，请准时参加。回复TD退订");
    expect(message.email.html).toContain(`https://lms.test/sessions#s-${id}`);
  });
});
