// What a coordinator's home (/admin) counts as needing attention in their region. Each figure is
// the total of a filtered list the admin can open; the thresholds live here, once.

export const attentionThresholds = {
  /** Handed-in work still waiting for a mentor's decision after this many days. */
  waitingDays: 5,
  /** A trainee with no module read, draft saved, work handed in or quiz attempt for this many days. */
  stalledDays: 30,
  /** A live certificate whose validity ends within this many days. */
  expiringDays: 90,
} as const;

export const attentionItems = ["waiting", "invited", "stalled", "eligible", "expiring"] as const;
export type AttentionItem = (typeof attentionItems)[number];

/** The people filters of /admin/users that the home page links to. */
export const peopleAttention = ["invited", "stalled"] as const;
export type PeopleAttention = (typeof peopleAttention)[number];

export function isPeopleAttention(value: string): value is PeopleAttention {
  return (peopleAttention as readonly string[]).includes(value);
}

const dayMs = 24 * 3600 * 1000;

/** The moment `days` days before `now`. */
export function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * dayMs);
}

/** The moment `days` days after `now`. */
export function daysAfter(now: Date, days: number): Date {
  return new Date(now.getTime() + days * dayMs);
}

/** Where each figure's list lives: the same filters the list page reads from its query string. */
export function attentionLink(item: AttentionItem): string {
  switch (item) {
    case "waiting":
      return "/admin/assignments?overdue=1";
    case "invited":
      return "/admin/users?attention=invited";
    case "stalled":
      return "/admin/users?attention=stalled";
    case "eligible":
      return "/admin/certificates#eligible-title";
    case "expiring":
      return "/admin/certificates?status=expiring#issued-title";
  }
}

/**
 * A home figure counts at most this many and then reads "99+": counting stops there instead of
 * visiting every row of a programme-wide reach, and the list it links to shows them all.
 */
export const figureCap = 99;

export function figureText(n: number): string {
  return n > figureCap ? `${figureCap}+` : n.toLocaleString("zh-CN");
}
