import type { Kysely } from "kysely";
import { taskSchema, type TaskDefinition } from "~/catalog/schema";
import {
  decisionProblem,
  decisionToStatus,
  doubleMarkOutcome,
  doubleMarkingTolerance,
  gradeFromSelections,
  maxCommentLength,
  type DecisionProblem,
  type GradeDecision,
  type GraderRole,
  type SelectionProblem,
  type Selections,
} from "~/domain/grading";
import { mentorWorkKinds, noteExcerpt, notificationIds, type NotificationEvent } from "~/domain/notifications";
import { inReach, listingPrefix, type Reach } from "~/domain/reach";
import { can, type Role } from "~/domain/roles";
import { placedPerson } from "~/models/placement.server";
import { defaultLocale, translate } from "~/i18n";
import { isAwaitingReview } from "~/domain/submission-lifecycle";
import {
  findAssignment,
  findShowcaseItem,
  gradesInRound,
  insertGrade,
  insertShowcaseNomination,
  listEventsWithActors,
  listGrades,
  queueNeighbours,
  taskDefinitionAt,
  type GradeRow,
  type QueueScope,
} from "~/models/grades.server";
import { markReadAboutSubmission, queueNotification } from "~/models/notifications.server";
import { changesBetween, rubricPrefill, type ResubmissionChanges } from "~/domain/resubmission";
import { addToOutbox, type OutboxJob } from "~/models/outbox.server";
import { getSubmission, lockSubmission, moveSubmission, submitSnapshots } from "~/models/submissions.server";
import type { Db } from "~/models/types";
import { dispatchAfterCommit } from "~/services/dispatch.server";
import { listEvidence } from "~/services/evidence.server";
import type { Database, SubmissionStatus } from "../../db/schema";

// A mentor's grade: checked, stored and, when it decides the submission, applied — all in one
// transaction with the status move and the eligibility job; the job is enqueued after commit.

export interface Grader {
  id: string;
  roles: readonly Role[];
  /** For admins: the subtree whose trainees' work they may grade without an assignment. */
  reach?: Reach | null;
}

/** Does this grader oversee the trainee as an admin (inside their reach)? Mentors never do. */
async function oversees(db: Db, grader: Grader, traineeId: string): Promise<boolean> {
  if (!grader.roles.includes("admin") || !grader.reach) return false;
  const trainee = await placedPerson(db, traineeId);
  return trainee !== undefined && inReach(grader.reach, trainee.orgPath);
}

/** The part of the queue a grader sees: their assignments, or for an admin everything in their reach. */
export function queueScopeOf(grader: Grader): QueueScope {
  const admin = grader.roles.includes("admin") && grader.reach;
  return admin ? { viewerId: grader.id, assignedOnly: false, regionPath: listingPrefix(grader.reach!) } : { viewerId: grader.id, assignedOnly: true };
}

type GradedTask = Extract<TaskDefinition, { type: "work_product" | "field_work" }>;

/** The task (and rubric) a submission answered: its own version, never the current one. */
async function gradedTaskAt(db: Db, taskId: string, version: number): Promise<GradedTask | null> {
  const row = await taskDefinitionAt(db, taskId, version);
  if (!row) return null;
  const task = taskSchema.parse(row.definition);
  return task.type === "quiz" ? null : task;
}

/** The round a grade belongs to: one per submit or resubmit. */
export function roundOf(submission: { attempts_used: number }): number {
  return Math.max(1, submission.attempts_used);
}

/** The version stamp a grading form carries, so a grade of stale content is refused. */
export function seenVersionOf(submission: { updated_at: Date }): string {
  return submission.updated_at.toISOString();
}

type RoundGrade = Awaited<ReturnType<typeof gradesInRound>>[number];

function provisional(grades: readonly RoundGrade[]) {
  return grades.filter((g) => g.role === "marker" || g.role === "second_marker");
}

/** Which role an unassigned admin grades in: the first open marking role, then moderation. */
function openRoleFor(task: GradedTask, grades: readonly RoundGrade[]): GraderRole {
  if (!task.doubleMarking) return "marker";
  const given = provisional(grades);
  if (given.length >= 2) return "moderator";
  return given.some((g) => g.role === "marker") ? "second_marker" : "marker";
}

export type GradeProblem =
  | "notFound"
  | "notAssigned"
  | "alreadyGraded"
  | "alreadyDecided"
  | "stale"
  | "invalidSelections"
  | "commentTooLong"
  | "roleTaken"
  | "moderatorNotNeeded"
  | DecisionProblem;

export interface RecordGradeInput {
  mentor: Grader;
  submissionId: string;
  /** Assigned mentors grade in the role of their assignment; this is used only for unassigned admins. */
  role?: GraderRole;
  selections: Selections;
  comment: string;
  decision: GradeDecision;
  seenVersion: string;
}

export type RecordGradeOutcome =
  | { ok: true; gradeId: string; role: GraderRole; status: SubmissionStatus; final: boolean; needsModerator: boolean; total: number }
  | { ok: false; problem: GradeProblem; errors?: Record<string, SelectionProblem> };

function eligibilityJob(s: { user_id: string; track: string; tier: string }, gradeId: string): OutboxJob {
  return {
    jobId: `eligibility-${s.user_id}-${s.track}-${s.tier}-${gradeId}`,
    queue: "eligibility",
    name: "evaluate",
    payload: { userId: s.user_id, track: s.track, tier: s.tier },
  };
}

/** The trainee hears of the round's final decision only, never of a blind mark on its own. */
function decisionNotification(
  s: { id: string; user_id: string; task_id: string },
  task: GradedTask,
  round: number,
  decided: { total: number; decision: GradeDecision; note: string | null },
): NotificationEvent {
  const id = notificationIds.decision(s.id, round);
  const facts = { submissionId: s.id, taskId: s.task_id, taskTitle: task.title };
  if (decided.decision === "return") return { id, userId: s.user_id, kind: "submission.returned", payload: { ...facts, note: noteExcerpt(decided.note) } };
  const kind = decided.decision === "pass" ? "submission.passed" : "submission.not_passed";
  return { id, userId: s.user_id, kind, payload: { ...facts, score: decided.total } };
}

export async function recordGrade(db: Kysely<Database>, input: RecordGradeInput): Promise<RecordGradeOutcome> {
  const jobs: OutboxJob[] = [];
  const outcome = await db.transaction().execute(async (trx): Promise<RecordGradeOutcome> => {
    const fail = (problem: GradeProblem, errors?: Record<string, SelectionProblem>): RecordGradeOutcome => ({ ok: false, problem, ...(errors && { errors }) });
    const s = await lockSubmission(trx, input.submissionId);
    if (!s || s.type === "quiz" || s.status === "draft") return fail("notFound");
    if (!can(input.mentor.roles, "grade")) return fail("notAssigned");
    const assignment = await findAssignment(trx, s.id, input.mentor.id);
    const isAdmin = await oversees(trx, input.mentor, s.user_id);
    if (!assignment && !isAdmin) return fail("notAssigned");
    const task = await gradedTaskAt(trx, s.task_id, s.task_version);
    if (!task) return fail("notFound");

    const round = roundOf(s);
    const inRound = await gradesInRound(trx, s.id, round);
    const role: GraderRole = assignment?.role ?? input.role ?? openRoleFor(task, inRound);
    // A second click (or a second tab) finds the first grade: one grade, a clear answer.
    if (inRound.some((g) => g.mentor_id === input.mentor.id && g.role === role)) return fail("alreadyGraded");
    if (!isAwaitingReview(s.status)) return fail("alreadyDecided");
    if (input.seenVersion !== seenVersionOf(s)) return fail("stale");

    const graded = gradeFromSelections(task.rubric, input.selections);
    if (!graded.ok) return fail("invalidSelections", graded.errors);
    const comment = input.comment.trim();
    if (comment.length > maxCommentLength || graded.criteria.some((c) => c.comment.length > maxCommentLength)) return fail("commentTooLong");
    const problem = decisionProblem({ decision: input.decision, comment, total: graded.total, passMark: task.passMark });
    if (problem) return fail(problem);

    const given = provisional(inRound);
    if (task.doubleMarking) {
      if (role === "moderator") {
        if (given.length < 2) return fail("moderatorNotNeeded");
      } else if (given.length >= 2 || given.some((g) => g.role === role)) {
        return fail("roleTaken");
      }
    } else if (inRound.length > 0) {
      return fail("alreadyDecided");
    }

    if (s.status === "submitted" || s.status === "resubmitted") {
      await moveSubmission(trx, { submissionId: s.id, from: s.status, to: "in_review", actorId: input.mentor.id });
    }
    const inserted = await insertGrade(trx, {
      submissionId: s.id,
      mentorId: input.mentor.id,
      role,
      taskVersion: s.task_version,
      criteria: graded.criteria,
      total: graded.total,
      decision: input.decision,
      comment: comment || null,
      seenVersion: input.seenVersion,
      round,
    });
    // The lock makes this unreachable in practice; if it happens, roll back the in_review move too.
    if (!inserted) throw new GradeConflict();

    let decided: { total: number; decision: GradeDecision; note: string | null } | null = null;
    let needsModerator = false;
    if (!task.doubleMarking || role === "moderator") {
      decided = { total: graded.total, decision: input.decision, note: comment || null };
    } else {
      const both = [...given, { total: graded.total, decision: input.decision, comment: comment || null }];
      if (both.length >= 2) {
        const result = doubleMarkOutcome(both, doubleMarkingTolerance, "mean");
        if (result.final) {
          const notes = both.map((g) => g.comment).filter((c): c is string => !!c);
          decided = { total: result.total, decision: result.decision, note: notes.length ? notes.join("\n\n") : null };
        } else {
          needsModerator = true;
        }
      }
    }

    let status: SubmissionStatus = "in_review";
    if (decided) {
      status = decisionToStatus(decided.decision);
      const moved = await moveSubmission(trx, {
        submissionId: s.id,
        from: "in_review",
        to: status,
        actorId: input.mentor.id,
        note: decided.note,
        score: decided.decision === "return" ? null : decided.total,
      });
      if (!moved) throw new GradeConflict();
      const job = eligibilityJob(s, inserted.id);
      await addToOutbox(trx, job);
      jobs.push(job, await queueNotification(trx, decisionNotification(s, task, round, decided)));
    }
    // Graded is handled: the "new assignment" or "resubmitted" notice about it is no longer news.
    await markReadAboutSubmission(trx, { userId: input.mentor.id, submissionId: s.id, kinds: mentorWorkKinds });
    return { ok: true, gradeId: inserted.id, role, status, final: decided !== null, needsModerator, total: graded.total };
  }).catch((error: unknown) => {
    if (error instanceof GradeConflict) return { ok: false, problem: "alreadyGraded" } as const;
    throw error;
  });
  if (jobs.length) await dispatchAfterCommit(jobs);
  return outcome;
}

class GradeConflict extends Error {
  constructor() {
    super("grade conflicts with a concurrent grade");
  }
}

export type NominateProblem = "notFound" | "notAssigned" | "notPassed" | "noConsent" | "alreadyNominated" | "reasonTooLong";

/** A mentor nominates passed work for the public showcase, only where the trainee agreed to it. */
export async function nominateForShowcase(
  db: Kysely<Database>,
  input: { mentor: Grader; submissionId: string; reason: string },
): Promise<{ ok: true } | { ok: false; problem: NominateProblem }> {
  return db.transaction().execute(async (trx) => {
    const s = await lockSubmission(trx, input.submissionId);
    if (!s || s.type === "quiz") return { ok: false, problem: "notFound" } as const;
    if (!can(input.mentor.roles, "grade")) return { ok: false, problem: "notAssigned" } as const;
    const assigned = await findAssignment(trx, s.id, input.mentor.id);
    if (!assigned && !(await oversees(trx, input.mentor, s.user_id))) return { ok: false, problem: "notAssigned" } as const;
    if (s.status !== "passed") return { ok: false, problem: "notPassed" } as const;
    if (!s.showcase_consent) return { ok: false, problem: "noConsent" } as const;
    const reason = input.reason.trim();
    if (reason.length > 500) return { ok: false, problem: "reasonTooLong" } as const;
    const added = await insertShowcaseNomination(trx, { submissionId: s.id, nominatedBy: input.mentor.id, reason: reason || null });
    return added ? ({ ok: true } as const) : ({ ok: false, problem: "alreadyNominated" } as const);
  });
}

/** A grade as a page shows it (plain JSON). */
export interface GradeView {
  id: string;
  mentorName: string;
  mine: boolean;
  role: GraderRole;
  round: number;
  taskVersion: number;
  criteria: GradeRow["criteria"];
  total: number;
  decision: GradeDecision;
  comment: string | null;
  createdAt: string;
}

function toGradeView(g: GradeRow, viewerId: string): GradeView {
  return {
    id: g.id,
    mentorName: g.mentor_name,
    mine: g.mentor_id === viewerId,
    role: g.role,
    round: g.round,
    taskVersion: g.task_version,
    criteria: g.criteria,
    total: g.total,
    decision: g.decision,
    comment: g.comment,
    createdAt: g.created_at.toISOString(),
  };
}

/**
 * Everything the grading view shows, or null when the viewer may not grade this submission (not
 * assigned and not an admin: the route answers 404). Double marking is blind: a marker sees only
 * their own grades; moderators and admins see all.
 */
export async function gradingView(db: Db, input: { viewer: Grader; submissionId: string }) {
  const s = await getSubmission(db, input.submissionId);
  if (!s || s.type === "quiz" || s.status === "draft") return null;
  const assignment = await findAssignment(db, s.id, input.viewer.id);
  const isAdmin = await oversees(db, input.viewer, s.user_id);
  if (!assignment && !isAdmin) return null;
  const task = await gradedTaskAt(db, s.task_id, s.task_version);
  if (!task) return null;

  const round = roundOf(s);
  const [allGrades, inRound, events, evidence, trainee, showcase, neighbours, snapshots] = await Promise.all([
    listGrades(db, s.id),
    gradesInRound(db, s.id, round),
    listEventsWithActors(db, s.id),
    listEvidence(db, s.id),
    db.selectFrom("users").select("name").where("id", "=", s.user_id).executeTakeFirst(),
    findShowcaseItem(db, s.id),
    queueNeighbours(db, queueScopeOf(input.viewer), { id: s.id, submittedAt: s.submitted_at }),
    submitSnapshots(db, s.id),
  ]);
  const role: GraderRole = assignment?.role ?? openRoleFor(task, inRound);
  const seesAll = !task.doubleMarking || isAdmin || role === "moderator";
  const grades = allGrades.filter((g) => seesAll || g.mentor_id === input.viewer.id).map((g) => toGradeView(g, input.viewer.id));
  const given = provisional(inRound);
  const needsModerator = task.doubleMarking && s.status === "in_review" && given.length >= 2;
  const myGrade = inRound.find((g) => g.mentor_id === input.viewer.id && g.role === role);

  let canGrade = isAwaitingReview(s.status) && !myGrade;
  let waitingFor: "secondMarker" | "markers" | "moderator" | null = null;
  if (task.doubleMarking && canGrade) {
    if (role === "moderator" && !needsModerator) {
      canGrade = false;
      waitingFor = "markers";
    } else if (role !== "moderator" && (needsModerator || given.some((g) => g.role === role))) {
      canGrade = false;
    }
  }
  if (task.doubleMarking && myGrade && isAwaitingReview(s.status)) waitingFor = needsModerator ? "moderator" : "secondMarker";
  // From round 2 on: what the trainee changed, and the earlier marks (only those this viewer may see) as the start.
  const before = round >= 2 ? snapshots[round - 2] : undefined;
  const after = round >= 2 ? snapshots[round - 1] : undefined;
  const changes: ResubmissionChanges | "unknown" | null = round < 2 ? null : before && after ? changesBetween(before, after) : "unknown";
  const prefill = canGrade ? rubricPrefill(grades, { round, taskVersion: s.task_version, criteria: task.rubric.criteria }) : null;

  return {
    submission: {
      id: s.id,
      status: s.status,
      score: s.score,
      track: s.track,
      tier: s.tier,
      type: s.type,
      taskVersion: s.task_version,
      round,
      submittedAt: s.submitted_at?.toISOString() ?? null,
      traineeName: trainee?.name ?? "",
      body: s.body,
      activityTitle: s.activity_title,
      activityDate: s.activity_date,
      place: s.place,
      otherOrgName: s.other_org_name,
      audienceType: s.audience_type,
      peopleReached: s.people_reached,
      durationMinutes: s.duration_minutes,
      visits: s.activity_log,
      showcaseConsent: s.showcase_consent,
      seenVersion: seenVersionOf(s),
    },
    task,
    role,
    isAdmin,
    canGrade,
    waitingFor,
    needsModerator,
    canNominate: s.status === "passed" && s.showcase_consent && !showcase,
    showcaseStatus: showcase?.status ?? null,
    grades,
    // Blind markers do not learn who the other marker is from the history either.
    events: events.map(({ actor_id: _actor, ...e }) => ({
      ...e,
      actor_name: seesAll || _actor === input.viewer.id || _actor === s.user_id ? e.actor_name : translate(defaultLocale, "grading.anonymousMentor"),
      created_at: e.created_at.toISOString(),
    })),
    evidence,
    neighbours,
    changes,
    prefill,
  };
}
export type GradingView = NonNullable<Awaited<ReturnType<typeof gradingView>>>;

/** One decided round as the trainee sees it: no mentor names, never a marker's provisional grade alone. */
export interface TraineeGradeRound {
  round: number;
  total: number;
  decision: GradeDecision;
  /** The task version whose rubric was used. */
  taskVersion: number;
  /** One mark (single marking, moderator) or the two agreeing marks of double marking. */
  marks: Array<{
    comment: string | null;
    criteria: Array<{ criterionId: string; title: string; level: string; points: number; maxPoints: number; comment: string }>;
  }>;
}

/** The deciding grades of each round, for the trainee's task page (read-only "评分结果"). */
export async function traineeGradeSummary(db: Db, submissionId: string): Promise<TraineeGradeRound[]> {
  const s = await getSubmission(db, submissionId);
  if (!s || s.type === "quiz") return [];
  const task = await gradedTaskAt(db, s.task_id, s.task_version);
  if (!task) return [];
  const grades = await listGrades(db, submissionId);
  const rounds = [...new Set(grades.map((g) => g.round))].sort((a, b) => a - b);
  const summary: TraineeGradeRound[] = [];
  for (const round of rounds) {
    const list = grades.filter((g) => g.round === round);
    const moderator = list.find((g) => g.role === "moderator");
    let deciding: GradeRow[];
    let total: number;
    if (moderator || !task.doubleMarking) {
      deciding = [moderator ?? list[0]!];
      total = deciding[0]!.total;
    } else {
      deciding = list.filter((g) => g.role !== "moderator");
      if (deciding.length < 2) continue;
      const outcome = doubleMarkOutcome(deciding, doubleMarkingTolerance, "mean");
      if (!outcome.final) continue;
      total = outcome.total;
    }
    const rubric = (await gradedTaskAt(db, s.task_id, deciding[0]!.task_version))?.rubric ?? task.rubric;
    summary.push({
      round,
      total,
      decision: deciding[0]!.decision,
      taskVersion: deciding[0]!.task_version,
      marks: deciding.map((g) => ({
        comment: g.comment,
        criteria: g.criteria.map((c) => {
          const criterion = rubric.criteria.find((r) => r.id === c.criterionId);
          return {
            criterionId: c.criterionId,
            title: criterion?.title ?? c.criterionId,
            level: c.level,
            points: c.points,
            maxPoints: criterion ? Math.max(...criterion.levels.map((l) => l.points)) : c.points,
            comment: c.comment,
          };
        }),
      })),
    });
  }
  return summary;
}
