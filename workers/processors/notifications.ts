import type { Job } from "bullmq";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { ChannelName } from "../../app/domain/channels";
import { markCompleted, type OutboxJob } from "../../app/models/outbox.server";
import { planDeliveries } from "../../app/services/deliveries.server";
import { enqueueAll } from "./deliveries";
import type { Database } from "../../db/schema";

export const notificationJob = z.object({
  id: z.string().min(1),
  userId: z.uuid(),
  kind: z.string().min(1),
  payload: z.record(z.string(), z.unknown()).default({}),
});
export type NotificationJob = z.infer<typeof notificationJob>;

export interface NotificationSettings {
  /** The channels configured beyond the app; none: in-app only. */
  configured?: readonly ChannelName[];
  now?: () => Date;
}

/**
 * Writes one in-app notification, plans its SMS and e-mail deliveries (by the routing table and the
 * person's choices) and marks its outbox row done, in one transaction. Idempotent: the row id comes
 * from the event and a delivery is unique per (event, person, channel), so a retried, stalled or
 * replayed job writes nothing new.
 */
export function notificationsProcessor(db: Kysely<Database>, settings: NotificationSettings = {}) {
  const now = settings.now ?? (() => new Date());
  return async (job: Job) => {
    const data = notificationJob.parse(job.data);
    const deliveries: OutboxJob[] = await db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto("notifications")
        .values({ id: data.id, user_id: data.userId, kind: data.kind, payload: JSON.stringify(data.payload) })
        .onConflict((oc) => oc.column("id").doNothing())
        .returning("id")
        .executeTakeFirst();
      const planned = inserted ? await planDeliveries(trx, { eventId: data.id, userId: data.userId, kind: data.kind, payload: data.payload }, { configured: settings.configured ?? [], now: now() }) : [];
      if (job.id) await markCompleted(trx, job.id);
      return planned;
    });
    await enqueueAll(db, deliveries);
    return { id: data.id, deliveries: deliveries.length };
  };
}
