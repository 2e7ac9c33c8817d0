import { randomBytes } from "node:crypto";
import icalGenerator, { ICalEventStatus } from "ical-generator";
import { translate } from "~/i18n";

// iCal for sessions (ical-generator): one event per session, in UTC with the Asia/Shanghai zone named,
// so any calendar shows the Beijing time the session was set in.

export interface CalendarSession {
  id: string;
  title: string;
  kind: string;
  starts_at: Date | string;
  ends_at: Date | string;
  place: string | null;
  online_url: string | null;
  status?: string;
}

export function calendarOf(name: string, sessions: readonly CalendarSession[], origin: string): string {
  const calendar = icalGenerator({ name, timezone: "Asia/Shanghai", prodId: { company: "baicheng", product: "lms", language: "ZH" } });
  for (const s of sessions) {
    const kind = translate("zh-CN", `sessions.kind.${s.kind}` as Parameters<typeof translate>[1]);
    calendar.createEvent({
      id: `${s.id}@baicheng`,
      start: new Date(s.starts_at),
      end: new Date(s.ends_at),
      summary: `${kind}：${s.title}`,
      location: s.place ?? s.online_url ?? undefined,
      url: s.online_url ?? `${origin}/sessions`,
      description: s.status === "waitlisted" ? "候补中" : undefined,
      status: ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}

export function newCalendarToken(): string {
  return randomBytes(24).toString("base64url");
}

export function icsResponse(body: string, fileName: string): Response {
  return new Response(body, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
