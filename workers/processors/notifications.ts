import type { Job } from "bullmq";
import type { Kysely } from "kysely";
import { z } from "zod";
import { markCompleted } from "../../app/models/outbox.server";
import type { Database } from "../../db/schema";

export const notificationJob = z.object({
  id: z.string().min(1),
  userId: z.uuid(),
  kind: z.string().min(1),
  payload: z.record(z.string(), z.unknown()).default({}),
});
export type NotificationJob = z.infer<typeof notificationJob>;

/**
 * Writes one in-app notification and marks its outbox row done, in one transaction. Idempotent: the
 * row id comes from the event, so a retried, stalled or replayed job writes nothing new.
 */
export function notificationsProcessor(db: Kysely<Database>) {
  return async (job: Job) => {
    const data = notificationJob.parse(job.data);
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto("notifications")
        .values({ id: data.id, user_id: data.userId, kind: data.kind, payload: JSON.stringify(data.payload) })
        .onConflict((oc) => oc.column("id").doNothing())
        .execute();
      if (job.id) await markCompleted(trx, job.id);
    });
    return { id: data.id };
  };
}
