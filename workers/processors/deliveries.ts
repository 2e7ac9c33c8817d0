import { DelayedError, type Job } from "bullmq";
import type { Kysely } from "kysely";
import { z } from "zod";
import { claimDelivery, failInterrupted, getDelivery, settleDelivery } from "../../app/models/deliveries.server";
import { markCompleted, markEnqueued, type OutboxJob } from "../../app/models/outbox.server";
import { enqueue } from "../../app/queue.server";
import { unsubscribeUrl } from "../../app/services/channels/links";
import { composeMessage } from "../../app/services/channels/messages";
import type { Channels } from "../../app/services/channels/types";
import { stillWanted } from "../../app/services/deliveries.server";
import type { Database } from "../../db/schema";

export const deliveryJobData = z.object({ deliveryId: z.uuid() });

export interface DeliverySettings {
  channels: Channels;
  appUrl: string;
  linkSecret: string | null;
  /** The clock: tests move it forward instead of sleeping. */
  now?: () => Date;
}

/** A "sending" row older than this lost its worker mid-send. */
const interruptedAfterMs = 10 * 60_000;

/** Hands outbox jobs to BullMQ after commit; a failure leaves them to the reconciler. */
export async function enqueueAll(db: Kysely<Database>, jobs: OutboxJob[]): Promise<void> {
  for (const job of jobs) {
    try {
      await enqueue(job.queue, job.name, job.payload, job.jobId);
      await markEnqueued(db, job.jobId);
    } catch {
      // The row stays pending: the reconciler enqueues it within minutes.
    }
  }
}

/**
 * Sends one logged delivery (docs/decisions/024-message-channels.md). Each attempt first takes the
 * row (queued/retrying → sending), so two workers never send it both; a provider error or timeout is
 * retried by BullMQ with backoff until the last attempt, which leaves it failed in the log. A
 * delivery that is sent, failed or skipped is never sent again by a replayed job.
 */
export function deliveriesProcessor(db: Kysely<Database>, settings: DeliverySettings) {
  const now = settings.now ?? (() => new Date());
  return async (job: Job, token?: string) => {
    const { deliveryId } = deliveryJobData.parse(job.data);
    const done = async () => {
      if (job.id) await markCompleted(db, job.id);
    };
    const d = await getDelivery(db, deliveryId);
    if (!d || d.status === "sent" || d.status === "failed" || d.status === "skipped") {
      await done();
      return { deliveryId, status: d?.status ?? "missing" };
    }
    // Quiet hours: wait in BullMQ's delayed set until they end.
    if (d.not_before && d.not_before.getTime() > now().getTime() && d.status === "queued") {
      const wait = d.not_before.getTime() - now().getTime();
      if (token) {
        await job.moveToDelayed(Date.now() + wait, token);
        throw new DelayedError();
      }
    }
    if (d.status === "sending") {
      if (await failInterrupted(db, d.id, new Date(now().getTime() - interruptedAfterMs), now())) {
        await done();
        return { deliveryId, status: "failed" };
      }
      throw new Error(`delivery ${d.id} is being sent by another worker`);
    }
    if (!(await stillWanted(db, d))) {
      await settleDelivery(db, d.id, { status: "skipped", error: "收件人已退订或更换了联系方式", now: now() });
      await done();
      return { deliveryId, status: "skipped" };
    }
    const channel = settings.channels[d.channel];
    const message =
      channel && settings.linkSecret
        ? composeMessage(d.template, d.payload, settings.appUrl, unsubscribeUrl(settings.appUrl, settings.linkSecret, { userId: d.user_id, channel: d.channel, kind: d.template }))
        : null;
    if (!channel || !message) {
      await settleDelivery(db, d.id, { status: "failed", error: channel ? "无法生成消息内容" : "该渠道未配置", now: now() });
      await done();
      return { deliveryId, status: "failed" };
    }
    const claimed = await claimDelivery(db, d.id, now());
    if (!claimed) throw new Error(`delivery ${d.id} was taken by another worker`);
    const unsubscribe = unsubscribeUrl(settings.appUrl, settings.linkSecret!, { userId: d.user_id, channel: d.channel, kind: d.template });
    const result = await channel.send({ to: d.address, email: message.email, sms: message.sms, unsubscribeUrl: unsubscribe, deliveryId: d.id });
    if (result.ok) {
      await db.transaction().execute(async (trx) => {
        await settleDelivery(trx, d.id, { status: "sent", providerId: result.providerId, now: now() });
        if (job.id) await markCompleted(trx, job.id);
      });
      return { deliveryId, status: "sent" };
    }
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (!result.retriable || last) {
      await db.transaction().execute(async (trx) => {
        await settleDelivery(trx, d.id, { status: "failed", error: result.error, now: now() });
        if (job.id) await markCompleted(trx, job.id);
      });
      return { deliveryId, status: "failed" };
    }
    await settleDelivery(db, d.id, { status: "retrying", error: result.error, now: now() });
    throw new Error(result.error);
  };
}
