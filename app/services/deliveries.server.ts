import { channelNames, defaultQuietHours, routeOf, sendAt, wantsChannel, type ChannelName } from "~/domain/channels";
import { choiceKey, insertDelivery, recipientOf } from "~/models/deliveries.server";
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
