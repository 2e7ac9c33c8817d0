import type { Db } from "./types";

export type AuditAction =
  | "login.succeeded"
  | "login.failed"
  | "login.rate_limited"
  | "password.rate_limited"
  | "logout"
  | "logout.all"
  | "password.changed"
  | "password.set_by_link"
  | "user.created"
  | "user.updated"
  | "user.roles_changed"
  | "user.deactivated"
  | "user.reactivated"
  | "user.link_issued"
  | "user.sign_in_unlocked"
  | "users.imported"
  | "org.created"
  | "org.renamed"
  | "org.moved"
  | "org.archived"
  | "outcomes.target_set"
  | "outcomes.milestone_marked"
  | "exports.created"
  | "showcase.approved"
  | "showcase.rejected"
  | "certificate.issued"
  | "certificate.revoked"
  | "certificate.reissued"
  | "certificates.batch_issued"
  | "assignments.reassigned"
  | "queue.retried"
  | "queue.promoted";

export interface AuditEventInput {
  actorId: string | null;
  action: AuditAction;
  targetType?: string;
  targetId?: string;
  ip?: string | null;
  details?: Record<string, unknown>;
}

export async function recordAudit(db: Db, event: AuditEventInput): Promise<void> {
  await db
    .insertInto("audit_events")
    .values({
      actor_id: event.actorId,
      action: event.action,
      target_type: event.targetType ?? null,
      target_id: event.targetId ?? null,
      ip: event.ip ?? null,
      details: JSON.stringify(event.details ?? {}),
    })
    .execute();
}

export async function listAuditEvents(db: Db, options: { action?: string; page: number; pageSize: number }) {
  let query = db
    .selectFrom("audit_events as a")
    .leftJoin("users as u", "u.id", "a.actor_id")
    .select(["a.id", "a.at", "a.action", "a.target_type", "a.target_id", "a.ip", "a.details", "u.name as actor_name"]);
  if (options.action) query = query.where("a.action", "like", `${options.action}%`);
  const [rows, total] = await Promise.all([
    query
      .orderBy("a.id", "desc")
      .limit(options.pageSize)
      .offset((options.page - 1) * options.pageSize)
      .execute(),
    (options.action
      ? db.selectFrom("audit_events").where("action", "like", `${options.action}%`)
      : db.selectFrom("audit_events")
    )
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: total.n };
}
