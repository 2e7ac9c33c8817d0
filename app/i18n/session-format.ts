import { formatDate } from "./dates";

// A session's time as people read it: 2026年12月5日 09:00–11:30 (Beijing time).
const time = (d: Date) => new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", hour12: false }).format(d);

export function formatSessionTime(startsAt: Date | string, endsAt: Date | string): string {
  const start = new Date(startsAt);
  return `${formatDate(start)} ${time(start)}–${time(new Date(endsAt))}`;
}
