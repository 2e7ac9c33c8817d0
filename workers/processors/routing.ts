import { UnrecoverableError, type Job } from "bullmq";
import { sql, type Kysely } from "kysely";
import { z } from "zod";
import { chooseMentors, missingRoles } from "../../app/domain/routing";
import { logger } from "../../app/logger.server";
import { assignmentOpenStatuses, insertAssignment, mentorCandidates, routingOrgPath, submissionAssignments } from "../../app/models/assignments.server";
import { notificationIds } from "../../app/domain/notifications";
import { queueNotification } from "../../app/models/notifications.server";
import { markCompleted, type OutboxJob } from "../../app/models/outbox.server";
import { taskDefinitionAt } from "../../app/models/quiz-attempts.server";
import { lockSubmission } from "../../app/models/submissions.server";
import { dispatchAfterCommit } from "../../app/services/dispatch.server";
import type { Database } from "../../db/schema";

export const routeSubmissionJob = z.object({
  submissionId: z.uuid(),
  round: z.number().int().min(1),
});
export type RouteSubmissionJob = z.infer<typeof routeSubmissionJob>;

export function routingJobId(submissionId: string, round: number): string {
  return `route-${submissionId}-${round}`;
}

export interface RouteOutcome {
  submissionId: string;
  assigned: Array<{ mentorId: string; role: string }>;
  /** Why nothing was assigned. */
  reason?: "alreadyAssigned" | "notOpen" | "noMentor";
}

/**
 * Assigns the mentor(s) a submitted piece of work still needs, in one transaction with the
 * submission locked. Idempotent: a retried, stalled or duplicated job finds the roles filled.
 */
export async function routeSubmission(db: Kysely<Database>, data: RouteSubmissionJob): Promise<RouteOutcome> {
  const jobId = routingJobId(data.submissionId, data.round);
  const notices: OutboxJob[] = [];
  const outcome = await db.transaction().execute(async (trx): Promise<RouteOutcome> => {
    const submission = await lockSubmission(trx, data.submissionId);
    if (!submission || submission.type === "quiz") throw new UnrecoverableError(`no reviewed submission ${data.submissionId}`);
    const done = async (outcome: RouteOutcome) => {
      await markCompleted(trx, jobId);
      return outcome;
    };
    if (!(assignmentOpenStatuses as readonly string[]).includes(submission.status)) {
      return done({ submissionId: submission.id, assigned: [], reason: "notOpen" });
    }

    const rows = await submissionAssignments(trx, submission.id);
    const task = await taskDefinitionAt(trx, submission.task_id, submission.task_version);
    const doubleMarking = task?.definition.doubleMarking === true;
    // A resubmission keeps the mentors it has; only empty roles are filled.
    const current = rows.filter((r) => r.released_at === null);
    const missing = missingRoles(doubleMarking, current.map((r) => r.role));
    const taskTitle = typeof task?.definition.title === "string" ? task.definition.title : submission.task_id;
    // The mentors who returned the work hear that it is back; a new mentor hears of it as a new assignment.
    if (data.round > 1) {
      for (const row of current) {
        notices.push(
          await queueNotification(trx, {
            id: notificationIds.resubmitted(submission.id, data.round, row.mentor_id),
            userId: row.mentor_id,
            kind: "submission.resubmitted",
            payload: { submissionId: submission.id, taskId: submission.task_id, taskTitle, round: data.round },
          }),
        );
      }
    }
    if (missing.length === 0) return done({ submissionId: submission.id, assigned: [], reason: "alreadyAssigned" });

    // One routing decision per track at a time across all worker processes, so loads read here are current.
    await sql`select pg_advisory_xact_lock(hashtext(${`routing:${submission.track}`}))`.execute(trx);
    const orgPath = await routingOrgPath(trx, submission);
    // A mentor who already has a row here (current, or released by an administrator) is not picked again.
    const known = new Set(rows.map((r) => r.mentor_id));
    const candidates = (await mentorCandidates(trx, { track: submission.track })).filter((c) => !known.has(c.mentorId));
    const picks = chooseMentors({ userId: submission.user_id, track: submission.track, orgPath }, candidates, missing.length);
    if (picks.length === 0) {
      logger.warn({ submissionId: submission.id, track: submission.track, missing }, "no mentor available; left unassigned for an administrator");
      return done({ submissionId: submission.id, assigned: [], reason: "noMentor" });
    }
    const assigned: Array<{ mentorId: string; role: string }> = [];
    for (const [i, pick] of picks.entries()) {
      const role = missing[i]!;
      if (await insertAssignment(trx, { submissionId: submission.id, mentorId: pick.mentorId, role, assignedBy: null })) {
        assigned.push({ mentorId: pick.mentorId, role });
        notices.push(
          await queueNotification(trx, {
            id: notificationIds.assigned(submission.id, pick.mentorId),
            userId: pick.mentorId,
            kind: "assignment.new",
            payload: { submissionId: submission.id, taskId: submission.task_id, taskTitle, role },
          }),
        );
      }
    }
    if (picks.length < missing.length) {
      logger.warn({ submissionId: submission.id, missing: missing.slice(picks.length) }, "not enough mentors for double marking; the rest is left for an administrator");
    }
    return done({ submissionId: submission.id, assigned });
  });
  if (notices.length) await dispatchAfterCommit(notices);
  return outcome;
}

/** The "routing" queue: job "route-submission" with { submissionId, round }. */
export function routingProcessor(db: Kysely<Database>) {
  return async (job: Job) => {
    if (job.name !== "route-submission") throw new UnrecoverableError(`unknown routing job "${job.name}"`);
    const data = routeSubmissionJob.safeParse(job.data);
    if (!data.success) throw new UnrecoverableError(`invalid route-submission data: ${data.error.message}`);
    return routeSubmission(db, data.data);
  };
}
