// Due dates of tasks as a trainee sees them. Cohorts will set them (another issue); the display is ready.

export type DueState = "none" | "later" | "soon" | "today" | "overdue";

const day = 24 * 60 * 60 * 1000;

/** How close a due moment is: "soon" within 7 days, "today" within a day, "overdue" once past. */
export function dueState(dueAt: Date | null, now: Date): DueState {
  if (!dueAt) return "none";
  const left = dueAt.getTime() - now.getTime();
  if (left < 0) return "overdue";
  if (left < day) return "today";
  if (left < 7 * day) return "soon";
  return "later";
}

/** Work with a due date first, the nearest first; work without one keeps its course order after them. */
export function byDueDate<T extends { dueAt: Date | string | null }>(rows: readonly T[]): T[] {
  const time = (r: T) => (r.dueAt === null ? Number.POSITIVE_INFINITY : new Date(r.dueAt).getTime());
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => time(a.row) - time(b.row) || a.i - b.i)
    .map(({ row }) => row);
}
