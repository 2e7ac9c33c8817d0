import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { catalog as loadCatalog } from "~/catalog/catalog.server";
import type { Catalog } from "~/catalog/types";
import { checkMessage, progressRows, type CohortFrame, type MessageFieldError, type ProgressRow } from "~/domain/cohort-progress";
import { attendanceFor } from "~/domain/eligibility";
import { notificationIds } from "~/domain/notifications";
import { recordAudit } from "~/models/audit.server";
import { certifiedAmong, cohortSessionsAttended, currentMembersOf, insertCohortMessage, modulesReadBy, sessionsOfCohort, submissionsIn } from "~/models/cohort-progress.server";
import { dueDatesOf, type CohortRow } from "~/models/cohorts.server";
import { attendanceFactsOf, evaluateFor, tierTasksOf } from "~/models/eligibility.server";
import { notificationJob } from "~/models/notifications.server";
import { addManyToOutbox, type OutboxJob } from "~/models/outbox.server";
import { dispatchAfterCommit } from "~/services/dispatch.server";
import type { Database } from "../../db/schema";

// The cohort view (docs/decisions/023-cohorts-sessions-attendance.md, "The cohort view"): every
// current member in one table, and a message to all of them. The caller has checked the cohort lies
// in the coordinator's reach.

type Db = Kysely<Database>;

export interface CohortProgress {
  rows: ProgressRow[];
  frame: CohortFrame;
  behind: number;
}

/** Every current member's figures for the cohort's track and tier, the ones behind first. */
export async function cohortProgress(db: Db, cohort: Pick<CohortRow, "id" | "track" | "tier" | "ends_on">, options: { now?: Date; catalog?: Catalog } = {}): Promise<CohortProgress> {
  const now = options.now ?? new Date();
  const catalog = options.catalog ?? loadCatalog();
  const key = { track: cohort.track, tier: cohort.tier };
  const moduleIds = catalog.modules.filter((m) => m.track === cohort.track && m.tier === cohort.tier).map((m) => m.id);
  const taskIds = tierTasksOf(catalog, cohort.track, cohort.tier).map((t) => t.id);
  const [members, dues, sessions] = await Promise.all([currentMembersOf(db, cohort.id), dueDatesOf(db, cohort.id), sessionsOfCohort(db, cohort.id)]);
  const ids = members.map((m) => m.user_id);
  const [read, submissions, attendedHere, facts, certified] = await Promise.all([
    modulesReadBy(db, ids, moduleIds),
    submissionsIn(db, ids, key),
    cohortSessionsAttended(db, cohort.id, ids),
    attendanceFactsOf(db, ids),
    certifiedAmong(db, ids, key),
  ]);
  const frame: CohortFrame = {
    moduleIds,
    taskIds,
    dues: dues.map((d) => ({ taskId: d.task_id, dueOn: d.due_on })),
    // Held: started by now, or with attendance already recorded (people check in before the start).
    sessionsHeld: sessions.filter((s) => new Date(s.starts_at).getTime() <= now.getTime() || Boolean(s.has_attendance)).length,
    endsOn: cohort.ends_on,
  };
  const rows = progressRows(
    frame,
    members.map((m) => {
      const mine = submissions.filter((s) => s.user_id === m.user_id);
      const attendance = facts.get(m.user_id) ?? [];
      const decided = mine
        .filter((s) => s.status === "passed" || s.status === "not_passed")
        .map((s) => ({ taskId: s.task_id, type: s.type, status: s.status, score: s.score, peopleReached: s.people_reached }));
      return {
        userId: m.user_id,
        name: m.name,
        phone: m.phone,
        unit: m.unit_name,
        read: new Set(read.filter((r) => r.user_id === m.user_id).map((r) => r.module_id)),
        statusOf: new Map(mine.map((s) => [s.task_id, s.status])),
        sessionsAttended: attendedHere.get(m.user_id) ?? 0,
        hoursAttended: attendanceFor(attendance, key).reduce((sum, s) => sum + s.hours, 0),
        certified: certified.has(m.user_id),
        eligibility: evaluateFor(catalog, key, decided, attendance),
      };
    }),
    now,
  );
  return { rows, frame, behind: rows.filter((r) => r.behind).length };
}

/** The id a message form carries (one per page view). */
export function newMessageId(): string {
  return randomUUID();
}

export interface MessageActor {
  id: string;
  ip: string | null;
}

export type MessageResult = { ok: true; sent: number; already: boolean } | { ok: false; errors: Record<string, MessageFieldError> };

/**
 * "给本期学员发通知": an in-app notification to each current member, through the outbox and the
 * notifications worker, audited. The message id comes from the page, so the same post twice (a double
 * click, a retried request) finds its row and sends nothing more; each member's notification id is
 * derived from it, so a retried job writes one row too.
 */
export async function messageCohort(db: Db, actor: MessageActor, cohort: Pick<CohortRow, "id" | "name">, input: { messageId: string; title: string; body: string }): Promise<MessageResult> {
  const checked = checkMessage(input);
  if (!checked.ok) return { ok: false, errors: checked.errors };
  const outcome = await db.transaction().execute(async (trx) => {
    const members = await currentMembersOf(trx, cohort.id);
    const fresh = await insertCohortMessage(trx, { id: input.messageId, cohortId: cohort.id, title: checked.title, body: checked.body, sentBy: actor.id, recipients: members.length });
    if (!fresh) return { jobs: [] as OutboxJob[], sent: 0, already: true };
    const jobs = members.map((m) =>
      notificationJob({
        id: notificationIds.cohortMessage(input.messageId, m.user_id),
        userId: m.user_id,
        kind: "cohort.message",
        payload: { messageId: input.messageId, cohortId: cohort.id, cohort: cohort.name, title: checked.title, body: checked.body },
      }),
    );
    await addManyToOutbox(trx, jobs);
    await recordAudit(trx, {
      actorId: actor.id,
      action: "cohort.messaged",
      targetType: "cohort",
      targetId: cohort.id,
      ip: actor.ip,
      details: { cohort: cohort.name, messageId: input.messageId, title: checked.title, count: members.length },
    });
    return { jobs, sent: members.length, already: false };
  });
  if (outcome.jobs.length) await dispatchAfterCommit(outcome.jobs);
  return { ok: true, sent: outcome.sent, already: outcome.already };
}
