import { sql } from "kysely";
import type { Db } from "./types";
import { pageOf, type PageRequest } from "~/domain/keyset";
import { keysetPage, type KeyColumn } from "./keyset.server";

export type AuditAction =
  | "login.succeeded"
  | "login.failed"
  | "login.rate_limited"
  | "login.code_failed"
  | "login.code_rate_limited"
  | "login.invite_by_code"
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
  | "users.links_issued"
  | "users.links_downloaded"
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
  | "queue.promoted"
  | "reach.refused"
  | "mentor_units.changed"
  | "cohort.created"
  | "cohort.updated"
  | "cohort.member_added"
  | "cohort.member_removed"
  | "cohort.code_created"
  | "cohort.code_revoked"
  | "cohort.join_requested"
  | "cohort.join_approved"
  | "cohort.join_declined"
  | "cohort.messaged"
  | "session.created"
  | "session.signed_up"
  | "session.enrolled"
  | "session.cancelled_place"
  | "session.promoted"
  | "attendance.marked"
  | "attendance.checked_in"
  | "attendance.sheet_uploaded"
  | "attendance.sheet_removed"
  | "delivery.resent"
  | "messages.unsubscribed"
  | "reminders.switched_off"
  | "reminders.switched_on";

export interface AuditEventInput {
  actorId: string | null;
  action: AuditAction;
  targetType?: string;
  targetId?: string;
  ip?: string | null;
  details?: Record<string, unknown>;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The org path an event concerns, resolved in the same statement that writes it: the target's
 * (a person, a unit, a trainee's submission or certificate), else the actor's own unit.
 */
function scopeOf(event: AuditEventInput) {
  const target = event.targetId && uuidPattern.test(event.targetId) ? event.targetId : null;
  const actor = event.actorId && uuidPattern.test(event.actorId) ? event.actorId : null;
  const personPath = (userId: ReturnType<typeof sql>) =>
    sql`(select o.path from users u join org_units o on o.id = u.org_unit_id where u.id = ${userId})`;
  const targetPath = (() => {
    if (!target) return sql`null`;
    switch (event.targetType) {
      case "user":
        return personPath(sql`${target}::uuid`);
      case "org_unit":
        return sql`(select path from org_units where id = ${target}::uuid)`;
      case "submission":
        return personPath(sql`(select user_id from submissions where id = ${target}::uuid)`);
      case "training_session":
        return sql`(select o.path from training_sessions s join org_units o on o.id = s.org_unit_id where s.id = ${target}::uuid)`;
      case "cohort":
        return sql`(select o.path from cohorts c join org_units o on o.id = c.org_unit_id where c.id = ${target}::uuid)`;
      case "certificate":
        return personPath(sql`(select user_id from certificates where id = ${target}::uuid)`);
      default:
        return sql`null`;
    }
  })();
  return sql<string | null>`coalesce(${targetPath}, ${actor ? personPath(sql`${actor}::uuid`) : sql`null`})`;
}

/** Several events in one statement (a batch of certificates, say), each scoped as recordAudit scopes it. */
export async function recordAuditMany(db: Db, events: AuditEventInput[]): Promise<void> {
  for (let start = 0; start < events.length; start += 1000) {
    await db
      .insertInto("audit_events")
      .values(
        events.slice(start, start + 1000).map((event) => ({
          actor_id: event.actorId,
          action: event.action,
          target_type: event.targetType ?? null,
          target_id: event.targetId ?? null,
          ip: event.ip ?? null,
          details: JSON.stringify(event.details ?? {}),
          scope_path: scopeOf(event),
        })),
      )
      .execute();
  }
}

export async function recordAudit(db: Db, event: AuditEventInput): Promise<void> {
  await recordAuditMany(db, [event]);
}

/** The audit log's order: newest first (ids grow with time). */
export const auditListKey: KeyColumn[] = [{ ref: "a.id", kind: "int" }];

/** A page of audit events inside `scopePath` (an admin's reach), newest first (keyset pagination). */
export async function listAuditEvents(db: Db, options: { action?: string; scopePath: string; page: PageRequest }) {
  const rows = await keysetPage(
    db
      .selectFrom("audit_events as a")
      .where("a.scope_path", "like", `${options.scopePath}%`)
      .$if(!!options.action, (q) => q.where("a.action", "like", `${options.action}%`))
      .leftJoin("users as u", "u.id", "a.actor_id")
      .leftJoin("org_units as ao", "ao.id", "u.org_unit_id")
      .select(["a.id", "a.at", "a.action", "a.target_type", "a.target_id", "a.ip", "a.details", "u.name as actor_name", "ao.path as actor_path"]),
    auditListKey,
    "desc",
    options.page,
  ).execute();
  return pageOf(rows, options.page, (r) => [Number(r.id)]);
}

export interface AuditTargetNames {
  users: Map<string, string>;
  orgUnits: Map<string, string>;
  certificates: Map<string, { number: string; holder: string }>;
  submissions: Map<string, { trainee: string; taskTitle: string }>;
}

/** What the events of one page point at, by name: so the log reads as sentences, not ids. */
export async function auditTargetNames(db: Db, rows: ReadonlyArray<{ target_type: string | null; target_id: string | null }>): Promise<AuditTargetNames> {
  const ids = (type: string) => [...new Set(rows.filter((r) => r.target_type === type && r.target_id && uuidPattern.test(r.target_id)).map((r) => r.target_id!))];
  const [users, orgUnits, certificates, submissions] = await Promise.all([
    ids("user").length ? db.selectFrom("users").select(["id", "name"]).where("id", "in", ids("user")).execute() : [],
    ids("org_unit").length ? db.selectFrom("org_units").select(["id", "name"]).where("id", "in", ids("org_unit")).execute() : [],
    ids("certificate").length
      ? db.selectFrom("certificates as c").innerJoin("users as u", "u.id", "c.user_id").select(["c.id", "c.number", "u.name"]).where("c.id", "in", ids("certificate")).execute()
      : [],
    ids("submission").length
      ? db
          .selectFrom("submissions as s")
          .innerJoin("users as u", "u.id", "s.user_id")
          .innerJoin("tasks as t", (j) => j.onRef("t.id", "=", "s.task_id").onRef("t.version", "=", "s.task_version"))
          .select(["s.id", "u.name", "t.title"])
          .where("s.id", "in", ids("submission"))
          .execute()
      : [],
  ]);
  return {
    users: new Map(users.map((u) => [u.id, u.name])),
    orgUnits: new Map(orgUnits.map((o) => [o.id, o.name])),
    certificates: new Map(certificates.map((c) => [c.id, { number: c.number, holder: c.name }])),
    submissions: new Map(submissions.map((s) => [s.id, { trainee: s.name, taskTitle: s.title }])),
  };
}
