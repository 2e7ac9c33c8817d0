import { sql } from "kysely";
import type { NotificationEvent, NotificationKind } from "~/domain/notifications";
import { addToOutbox, type OutboxJob } from "./outbox.server";
import type { Db } from "./types";

// In-app notifications: written by the notifications worker from outbox jobs, read and marked read
// by their owner only. Every query here is scoped to one user.

export const notificationJobId = (notificationId: string) => `notify-${notificationId}`;

/** The outbox job that makes one notification; its id comes from the event, so a retry is the same job. */
export function notificationJob<K extends NotificationKind>(event: NotificationEvent<K>): OutboxJob {
  return {
    jobId: notificationJobId(event.id),
    queue: "notifications",
    name: "notify",
    payload: { id: event.id, userId: event.userId, kind: event.kind, payload: event.payload },
  };
}

/** Writes the notification's job in the caller's transaction; returns it for dispatch after commit. */
export async function queueNotification<K extends NotificationKind>(trx: Db, event: NotificationEvent<K>): Promise<OutboxJob> {
  const job = notificationJob(event);
  await addToOutbox(trx, job);
  return job;
}

/** The user's notifications, newest first, one page of them, and how many there are. */
export async function listNotifications(db: Db, userId: string, page: { page: number; pageSize: number }) {
  const [rows, count] = await Promise.all([
    db
      .selectFrom("notifications")
      .select(["id", "kind", "payload", "created_at", "read_at"])
      .where("user_id", "=", userId)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(page.pageSize)
      .offset((page.page - 1) * page.pageSize)
      .execute(),
    db.selectFrom("notifications").select((eb) => eb.fn.countAll<string>().as("n")).where("user_id", "=", userId).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Unread notifications, counted up to `cap` (the badge shows "99+" beyond): one cheap query per page view. */
/** Unread notifications are counted up to this many (shown as "99+"). */
export const unreadCountCap = 100;

/** The count of a person's unread notifications, up to `cap`: a query of its own or a subquery of another. */
export function unreadCountQuery(db: Db, userId: string, cap = unreadCountCap) {
  const unread = db.selectFrom("notifications").select(sql<number>`1`.as("one")).where("user_id", "=", userId).where("read_at", "is", null).limit(cap);
  return db.selectFrom(unread.as("u")).select((eb) => eb.fn.countAll<string>().as("n"));
}

export async function countUnread(db: Db, userId: string, cap = unreadCountCap): Promise<number> {
  return Number((await unreadCountQuery(db, userId, cap).executeTakeFirstOrThrow()).n);
}

/** Marks one of the user's own notifications read. False when it is not theirs (or does not exist). */
export async function markNotificationRead(db: Db, input: { userId: string; id: string }): Promise<boolean> {
  const row = await db
    .updateTable("notifications")
    .set({ read_at: sql`coalesce(read_at, now())` })
    .where("id", "=", input.id)
    .where("user_id", "=", input.userId)
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

/** Marks read the user's notifications of these kinds about one submission (opened or graded it). */
export async function markReadAboutSubmission(db: Db, input: { userId: string; submissionId: string; kinds: readonly NotificationKind[] }): Promise<number> {
  const result = await db
    .updateTable("notifications")
    .set({ read_at: sql`now()` })
    .where("user_id", "=", input.userId)
    .where("read_at", "is", null)
    .where("kind", "in", [...input.kinds])
    .where(sql<string>`payload->>'submissionId'`, "=", input.submissionId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Marks the user's unread notifications read, those created up to `seenAt` (when the page was shown),
 * so one that arrived after the click is not marked unseen. Returns how many changed.
 */
export async function markAllNotificationsRead(db: Db, input: { userId: string; seenAt: Date }): Promise<number> {
  const result = await db
    .updateTable("notifications")
    .set({ read_at: sql`now()` })
    .where("user_id", "=", input.userId)
    .where("read_at", "is", null)
    .where("created_at", "<=", input.seenAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
