import { channelNames, defaultQuietHours, routeOf, sendAt, wantsChannel, type ChannelName } from "~/domain/channels";
import { inReach, type Reach } from "~/domain/reach";
import { recordAudit } from "~/models/audit.server";
import { choiceKey, deliveryScope, insertDelivery, recipientOf, requeueFailedDelivery } from "~/models/deliveries.server";
import type { OutboxJob } from "~/models/outbox.server";
import type { Db } from "~/models/types";

// Which channels one event goes out by, for one person: written to the delivery log with its outbox
// job in the caller's transaction (docs/decisions/024-message-channels.md).

export interface DeliveryEvent {
  /** The event's deterministic id (a notification id, a reminder key). */
  eventId: string;
  userId: string;
  /** A kind in the routing table (app/domain/channels.ts); any other kind stays in the app. */
  kind: string;
  payload: Record<string, unknown>;
}

/**
 * Plans the event's deliveries: one per configured channel the person wants it by and has a verified
 * address for, held until their quiet hours end. Returns the outbox jobs to enqueue after commit.
 */
export async function planDeliveries(trx: Db, event: DeliveryEvent, options: { configured: readonly ChannelName[]; now: Date }): Promise<OutboxJob[]> {
  const route = routeOf(event.kind);
  if (!route || options.configured.length === 0) return [];
  const person = await recipientOf(trx, event.userId);
  if (!person || person.status !== "active") return [];
  const quiet = person.quiet === undefined ? defaultQuietHours : person.quiet;
  const notBefore = sendAt(options.now, quiet, route.urgent);
  const jobs: OutboxJob[] = [];
  for (const channel of channelNames) {
    if (!options.configured.includes(channel)) continue;
    const address = person.verified[channel];
    // An unverified phone or address receives nothing.
    if (!address) continue;
    if (!wantsChannel(event.kind, channel, person.choices.get(choiceKey(event.kind, channel)))) continue;
    const job = await insertDelivery(trx, {
      eventId: event.eventId,
      userId: event.userId,
      channel,
      template: event.kind,
      address,
      payload: event.payload,
      notBefore: notBefore.getTime() > options.now.getTime() ? notBefore : null,
    });
    if (job) jobs.push(job);
  }
  return jobs;
}

/** Is the delivery still wanted at send time (they may have unsubscribed or changed their number since)? */
export async function stillWanted(db: Db, d: { user_id: string; channel: ChannelName; template: string; address: string }): Promise<boolean> {
  const person = await recipientOf(db, d.user_id);
  if (!person || person.status !== "active") return false;
  if (person.verified[d.channel] !== d.address) return false;
  return wantsChannel(d.template, d.channel, person.choices.get(choiceKey(d.template, d.channel)));
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An administrator sends a failed delivery again: only one of a person inside their reach, only when
 * it failed (a second click finds it queued and does nothing). Audited; returns the job to enqueue.
 */
export async function resendFailedDelivery(
  db: Db,
  input: { actorId: string; reach: Reach; id: string; ip: string | null; now: Date },
): Promise<{ outcome: "resent"; jobs: OutboxJob[] } | { outcome: "notFound" } | { outcome: "notFailed" }> {
  if (!uuidPattern.test(input.id)) return { outcome: "notFound" };
  const found = await deliveryScope(db, input.id);
  if (!found || !inReach(input.reach, found.path)) return { outcome: "notFound" };
  return db.transaction().execute(async (trx) => {
    const job = await requeueFailedDelivery(trx, input.id, input.now);
    if (!job) return { outcome: "notFailed" as const };
    await recordAudit(trx, { actorId: input.actorId, action: "delivery.resent", targetType: "user", targetId: found.user_id, ip: input.ip, details: { deliveryId: input.id } });
    return { outcome: "resent" as const, jobs: [job] };
  });
}
