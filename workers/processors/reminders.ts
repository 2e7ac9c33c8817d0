import { UnrecoverableError, type Job } from "bullmq";
import type { Kysely } from "kysely";
import { runReminders } from "../../app/services/reminders.server";
import type { Database } from "../../db/schema";

// The "reminders" queue (docs/decisions/027-reminders.md): job "send-reminders", one sweep of every
// reminder kind at the worker's clock. Every worker process upserts the same scheduler, so N processes
// still make one sweep an hour; two sweeps that do meet write each reminder once (reminders_sent).

/** Every hour on the hour, Beijing time: the first sweep of a Beijing day runs at 00:00. */
export const reminderSchedule = { id: "send-reminders", repeat: { pattern: "0 * * * *", tz: "Asia/Shanghai" } } as const;

export function remindersProcessor(db: Kysely<Database>, settings: { now?: () => Date } = {}) {
  const now = settings.now ?? (() => new Date());
  return async (job: Job) => {
    if (job.name !== "send-reminders") throw new UnrecoverableError(`unknown reminders job "${job.name}"`);
    return runReminders(db, { now: now() });
  };
}
