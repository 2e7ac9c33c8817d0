// One way to print a moment in the UI: Beijing time, "2026年11月30日 07:45" or "2026年11月30日",
// whatever the server's or the phone's own time zone.
const parts = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

type Parts = Record<"year" | "month" | "day" | "hour" | "minute", string>;

/** China has kept UTC+8 all year since 1992 (its last summer time ended in September 1991). */
const fixedOffsetFrom = Date.UTC(1992, 0, 1);
const fixedOffsetUntil = Date.UTC(10000, 0, 1);
const beijingOffsetMs = 8 * 3600 * 1000;
const two = (n: number) => (n < 10 ? `0${n}` : String(n));

function beijingParts(value: Date | string): Parts | null {
  const date = typeof value === "string" ? new Date(value) : value;
  const ms = date.getTime();
  if (Number.isNaN(ms)) return null;
  // Arithmetic where the offset is fixed: formatToParts cost more than the rest of a list's row.
  if (ms >= fixedOffsetFrom && ms < fixedOffsetUntil) {
    const b = new Date(ms + beijingOffsetMs);
    return { year: String(b.getUTCFullYear()), month: String(b.getUTCMonth() + 1), day: String(b.getUTCDate()), hour: two(b.getUTCHours()), minute: two(b.getUTCMinutes()) };
  }
  const found = Object.fromEntries(parts.formatToParts(date).map((p) => [p.type, p.value]));
  // en-CA pads month and day ("09"); Chinese dates do not ("9月1日").
  return { year: found.year!, month: String(Number(found.month)), day: String(Number(found.day)), hour: found.hour!, minute: found.minute! };
}

/** "2026年11月30日 07:45" in Beijing time; "" for no date. */
export function formatDateTime(value: Date | string | null | undefined): string {
  const p = value ? beijingParts(value) : null;
  return p ? `${p.year}年${p.month}月${p.day}日 ${p.hour}:${p.minute}` : "";
}

/** "2026年11月30日" in Beijing time; "" for no date. A bare calendar date ("2026-11-30") is printed as that day. */
export function formatDate(value: Date | string | null | undefined): string {
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split("-").map(Number);
    return `${y}年${m}月${d}日`;
  }
  const p = value ? beijingParts(value) : null;
  return p ? `${p.year}年${p.month}月${p.day}日` : "";
}
