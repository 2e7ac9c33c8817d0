import { sql } from "kysely";
import type { ChannelName } from "~/domain/channels";
import type { DeliveryStatus } from "../../db/schema";
import { addToOutbox, type OutboxJob } from "./outbox.server";
import type { Db } from "./types";

// The delivery log (docs/decisions/024-message-channels.md): one row per (event, person, channel),
// written before anything is sent, moved along by the deliveries worker. SQL only; the sending and
// its rules are in app/services/deliveries.server.ts and workers/processors/deliveries.ts.

export const deliveryJobId = (deliveryId: string) => `deliver-${deliveryId}`;

export function deliveryJob(deliveryId: string, jobId = deliveryJobId(deliveryId)): OutboxJob {
  return { jobId, queue: "deliveries", name: "deliver", payload: { deliveryId } };
}

export interface NewDelivery {
  eventId: string;
  userId: string;
  channel: ChannelName;
  template: string;
  address: string;
  payload: Record<string, unknown>;
  notBefore: Date | null;
}

/**
 * Writes the delivery and its outbox job in the caller's transaction. The same (event, person,
 * channel) twice is one row and one job: returns null the second time.
 */
export async function insertDelivery(trx: Db, d: NewDelivery): Promise<OutboxJob | null> {
  const row = await trx
    .insertInto("deliveries")
    .values({
      event_id: d.eventId,
      user_id: d.userId,
      channel: d.channel,
      template: d.template,
      address: d.address,
      payload: JSON.stringify(d.payload),
      not_before: d.notBefore,
    })
    .onConflict((oc) => oc.columns(["event_id", "user_id", "channel"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!row) return null;
  const job = deliveryJob(row.id);
  await addToOutbox(trx, job);
  return job;
}

export async function getDelivery(db: Db, id: string) {
  return db.selectFrom("deliveries").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Takes the delivery for one attempt: only a queued or retrying one, so two workers never both send it. */
export async function claimDelivery(db: Db, id: string, now: Date) {
  return db
    .updateTable("deliveries")
    .set({ status: "sending", attempts: sql`attempts + 1`, updated_at: now })
    .where("id", "=", id)
    .where("status", "in", ["queued", "retrying"])
    .returningAll()
    .executeTakeFirst();
}

export async function settleDelivery(
  db: Db,
  id: string,
  outcome: { status: Extract<DeliveryStatus, "sent" | "retrying" | "failed" | "skipped">; providerId?: string; error?: string | null; now: Date },
): Promise<void> {
  await db
    .updateTable("deliveries")
    .set({
      status: outcome.status,
      updated_at: outcome.now,
      ...(outcome.providerId ? { provider_id: outcome.providerId } : {}),
      ...(outcome.error !== undefined ? { error: outcome.error?.slice(0, 2000) ?? null } : {}),
      ...(outcome.status === "sent" ? { sent_at: outcome.now, error: null } : {}),
    })
    .where("id", "=", id)
    .execute();
}

/** An attempt that never came back (its worker died mid-send): failed, not retried, as it may have gone. */
export async function failInterrupted(db: Db, id: string, olderThan: Date, now: Date): Promise<boolean> {
  const row = await db
    .updateTable("deliveries")
    .set({ status: "failed", error: "发送中断，无法确认是否已送达；为避免重复发送，未自动重试。", updated_at: now })
    .where("id", "=", id)
    .where("status", "=", "sending")
    .where("updated_at", "<", olderThan)
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

/** A failed delivery back in the queue (an administrator's resend). False when it is not failed. */
export async function requeueFailedDelivery(trx: Db, id: string, now: Date): Promise<OutboxJob | null> {
  const row = await trx
    .updateTable("deliveries")
    .set({ status: "queued", updated_at: now, not_before: null })
    .where("id", "=", id)
    .where("status", "=", "failed")
    .returning(["id", "attempts"])
    .executeTakeFirst();
  if (!row) return null;
  // A new job id: the first job's id is spent (BullMQ keeps it as failed, the outbox as done).
  const job = deliveryJob(row.id, `${deliveryJobId(row.id)}-resend-${now.getTime()}`);
  await addToOutbox(trx, job);
  return job;
}

export interface DeliveryCursor {
  createdAt: string;
  id: string;
}

/**
 * One page of the log, newest first, for people inside `scopePath` (a programme-wide reader also sees
 * people placed nowhere). Keyset pagination: `before` is the last row of the previous page.
 */
export async function listDeliveries(
  db: Db,
  input: { scopePath: string; programmeWide: boolean; status?: DeliveryStatus; before?: DeliveryCursor; limit: number },
) {
  let q = db
    .selectFrom("deliveries as d")
    .innerJoin("users as u", "u.id", "d.user_id")
    .leftJoin("org_units as o", "o.id", "u.org_unit_id")
    .select(["d.id", "d.event_id", "d.channel", "d.template", "d.address", "d.status", "d.provider_id", "d.error", "d.attempts", "d.not_before", "d.created_at", "d.sent_at", "u.name as user_name", "u.id as user_id"])
    .where((eb) => (input.programmeWide ? eb.or([eb("o.path", "like", `${input.scopePath}%`), eb("o.path", "is", null)]) : eb("o.path", "like", `${input.scopePath}%`)));
  if (input.status) q = q.where("d.status", "=", input.status);
  if (input.before) {
    const { createdAt, id } = input.before;
    q = q.where((eb) => eb.or([eb("d.created_at", "<", new Date(createdAt)), eb.and([eb("d.created_at", "=", new Date(createdAt)), eb("d.id", "<", id)])]));
  }
  return q.orderBy("d.created_at", "desc").orderBy("d.id", "desc").limit(input.limit).execute();
}

/** The org path of a delivery's person, for the reach check before a resend. */
export async function deliveryScope(db: Db, id: string) {
  return db
    .selectFrom("deliveries as d")
    .innerJoin("users as u", "u.id", "d.user_id")
    .leftJoin("org_units as o", "o.id", "u.org_unit_id")
    .select(["d.id", "d.status", "d.user_id", "o.path"])
    .where("d.id", "=", id)
    .executeTakeFirst();
}

// ── People's choices and verified contacts ─────────────────────────────────────────────────────

export interface Recipient {
  phone: string | null;
  email: string | null;
  status: "active" | "deactivated";
  /** Verified addresses: a channel is here only while its code-verified address is still the person's. */
  verified: Partial<Record<ChannelName, string>>;
  choices: Map<string, boolean>;
  quiet: { start: number; end: number } | null | undefined;
}

const choiceKey = (kind: string, channel: ChannelName) => `${kind}|${channel}`;
export { choiceKey };

export async function recipientOf(db: Db, userId: string): Promise<Recipient | null> {
  const user = await db.selectFrom("users").select(["phone", "email", "status"]).where("id", "=", userId).executeTakeFirst();
  if (!user) return null;
  const [verifications, choices, settings] = await Promise.all([
    db.selectFrom("contact_verifications").select(["channel", "address"]).where("user_id", "=", userId).where("verified_at", "is not", null).execute(),
    db.selectFrom("message_choices").select(["kind", "channel", "enabled"]).where("user_id", "=", userId).execute(),
    db.selectFrom("message_settings").select(["quiet_start", "quiet_end"]).where("user_id", "=", userId).executeTakeFirst(),
  ]);
  const verified: Recipient["verified"] = {};
  for (const v of verifications) {
    const current = v.channel === "sms" ? user.phone : user.email;
    if (current && current === v.address) verified[v.channel] = v.address;
  }
  return {
    ...user,
    verified,
    choices: new Map(choices.map((c) => [choiceKey(c.kind, c.channel), c.enabled])),
    // undefined: never chosen (the default applies); null: chose none.
    quiet: settings ? (settings.quiet_start === null || settings.quiet_end === null ? null : { start: settings.quiet_start, end: settings.quiet_end }) : undefined,
  };
}

export async function setChoice(db: Db, input: { userId: string; kind: string; channel: ChannelName; enabled: boolean }): Promise<void> {
  await db
    .insertInto("message_choices")
    .values({ user_id: input.userId, kind: input.kind, channel: input.channel, enabled: input.enabled })
    .onConflict((oc) => oc.columns(["user_id", "kind", "channel"]).doUpdateSet({ enabled: input.enabled, updated_at: sql`now()` }))
    .execute();
}

export async function setQuietHours(db: Db, userId: string, quiet: { start: number; end: number } | null): Promise<void> {
  const values = { quiet_start: quiet?.start ?? null, quiet_end: quiet?.end ?? null };
  await db
    .insertInto("message_settings")
    .values({ user_id: userId, ...values })
    .onConflict((oc) => oc.column("user_id").doUpdateSet({ ...values, updated_at: sql`now()` }))
    .execute();
}
