import type { Kysely } from "kysely";
import type { TaskDefinition } from "~/catalog/schema";
import {
  cleanSubmissionInput,
  readVisitRows,
  completenessProblems,
  placeOfActivity,
  todayInChina,
  type FieldErrorKey,
  type RawSubmissionInput,
} from "~/domain/submission-input";
import { checkTransition, isEditable, submitMove } from "~/domain/submission-lifecycle";
import { getOrgUnit } from "~/models/orgs.server";
import { placedPerson } from "~/models/placement.server";
import { addToOutbox, type OutboxJob } from "~/models/outbox.server";
import { bumpAttempts, countEvidence, lockSubmission, moveSubmission, saveDraft } from "~/models/submissions.server";
import { dispatchAfterCommit } from "~/services/dispatch.server";
import type { WrittenInput } from "~/form-schemas.server";
import type { Database } from "../../db/schema";

// Work products and field work: saving drafts and submitting them for a mentor's review.
/** The draft's fields as the action's schema parsed them (app/form-schemas.server.ts). */
export function readSubmissionForm(input: WrittenInput): RawSubmissionInput {
  return {
    activityTitle: input.activityTitle,
    activityDate: input.activityDate,
    orgUnitId: input.orgUnitId,
    otherOrgName: input.otherOrgName,
    place: input.place,
    audienceType: input.audienceType,
    peopleReached: input.peopleReached,
    durationMinutes: input.durationMinutes,
    plan: input.plan,
    reflection: input.reflection,
    text: input.text,
    consentConfirmed: input.consentConfirmed === "on",
    showcaseConsent: input.showcaseConsent === "on",
    showcasePhotos: input.showcasePhotos === "on",
    visits: readVisitRows((name) => (input as Record<string, unknown>)[name] as unknown[] ?? []),
  };
}

export type SaveOutcome =
  | { ok: true; submitted: boolean }
  | { ok: false; reason: "notEditable" | "invalid" | "incomplete" | "alreadySubmitted"; errors: Record<string, FieldErrorKey> };

/**
 * Saves the trainee's input (and with `submit`, submits it) in one transaction: the submission, its
 * status event and the routing job in the outbox. The job is enqueued after commit.
 */
export async function saveOrSubmit(
  db: Kysely<Database>,
  input: { submissionId: string; userId: string; task: TaskDefinition; raw: RawSubmissionInput; submit: boolean },
): Promise<SaveOutcome> {
  const jobs: OutboxJob[] = [];
  const outcome = await db.transaction().execute(async (trx): Promise<SaveOutcome> => {
    const current = await lockSubmission(trx, input.submissionId);
    if (!current || current.user_id !== input.userId) return { ok: false, reason: "notEditable", errors: {} };
    if (!isEditable(current.status)) {
      // A second click on "submit" finds the work already submitted: not an error for the user.
      return input.submit && current.status !== "draft" ? { ok: false, reason: "alreadySubmitted", errors: {} } : { ok: false, reason: "notEditable", errors: {} };
    }
    const { value, errors } = cleanSubmissionInput(input.task, input.raw, todayInChina());
    if (input.task.type === "field_work" && !errors.orgUnitId && !errors.otherOrgName) {
      // A well-formed id of no (or an archived) unit would fail the foreign key: a 500 instead of a message.
      const chosen = value.orgUnitId ? await getOrgUnit(trx, value.orgUnitId) : undefined;
      if (value.orgUnitId && (!chosen || chosen.archived_at !== null)) errors.orgUnitId = "sub.error.org";
      else {
        const me = await placedPerson(trx, input.userId);
        const own = me?.orgUnitId && me.orgPath ? { id: me.orgUnitId, path: me.orgPath } : null;
        const place = placeOfActivity(own, chosen ? { id: chosen.id, path: chosen.path } : null, value.otherOrgName);
        if (place.problem) errors.orgUnitId = place.problem;
        else value.orgUnitId = place.orgUnitId;
      }
    }
    if (Object.keys(errors).length) return { ok: false, reason: "invalid", errors: errors as Record<string, FieldErrorKey> };
    await saveDraft(trx, current.id, {
      body: value.body,
      activityTitle: value.activityTitle,
      activityDate: value.activityDate,
      orgUnitId: value.orgUnitId,
      otherOrgName: value.otherOrgName,
      place: value.place,
      audienceType: value.audienceType,
      peopleReached: value.peopleReached,
      durationMinutes: value.durationMinutes,
      consentConfirmed: value.consentConfirmed,
      showcaseConsent: value.showcaseConsent,
      showcasePhotos: value.showcasePhotos,
      ...(value.visits !== undefined && { activityLog: value.visits }),
    });
    if (!input.submit) return { ok: true, submitted: false };

    const problems = completenessProblems(input.task, value, await countEvidence(trx, current.id));
    if (Object.keys(problems).length) return { ok: false, reason: "incomplete", errors: problems as Record<string, FieldErrorKey> };
    const to = submitMove(current.status);
    if (!to || checkTransition({ type: current.type, from: current.status, to, by: "trainee" })) {
      return { ok: false, reason: "notEditable", errors: {} };
    }
    await moveSubmission(trx, { submissionId: current.id, from: current.status, to, actorId: input.userId });
    const round = await bumpAttempts(trx, current.id);
    const job: OutboxJob = {
      jobId: `route-${current.id}-${round}`,
      queue: "routing",
      name: "route-submission",
      payload: { submissionId: current.id, round },
    };
    await addToOutbox(trx, job);
    jobs.push(job);
    return { ok: true, submitted: true };
  });
  if (jobs.length) await dispatchAfterCommit(jobs);
  return outcome;
}
