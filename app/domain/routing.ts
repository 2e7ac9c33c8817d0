// Which mentors review a submission: same track, serving the trainee's unit (a mentor's pool), the
// most local pool first, then least open load.
import type { OrgTrack } from "./org-tree";
import { depthOf } from "./reach";

export interface RoutingSubmission {
  /** The trainee: a mentor never grades their own work. */
  userId: string;
  track: OrgTrack;
  /** The field-work place's org path, else the trainee's; null when neither is known. */
  orgPath: string | null;
}

export interface MentorCandidate {
  mentorId: string;
  /** null: the mentor serves both tracks. */
  track: OrgTrack | null;
  /** The paths of the units the mentor serves (their pool); work from those subtrees may reach them. */
  servedPaths: readonly string[];
  /** Current, unreleased assignments on open submissions. */
  openLoad: number;
}

/**
 * How local a mentor's pool is to a submission: the depth of the deepest served unit that contains
 * the submission's unit, or -1 when none does. Work of no known unit is served only from the root.
 */
export function servingDepth(orgPath: string | null, servedPaths: readonly string[]): number {
  let best = -1;
  for (const served of servedPaths) {
    const covers = orgPath === null ? depthOf(served) === 1 : orgPath.startsWith(served);
    if (covers) best = Math.max(best, depthOf(served));
  }
  return best;
}

export function mayReview(submission: RoutingSubmission, candidate: MentorCandidate): boolean {
  return (
    candidate.mentorId !== submission.userId &&
    (candidate.track === null || candidate.track === submission.track) &&
    servingDepth(submission.orgPath, candidate.servedPaths) >= 0
  );
}

/** Up to `count` mentors, best first; the order is fully determined by the inputs. */
export function chooseMentors(submission: RoutingSubmission, candidates: readonly MentorCandidate[], count: number): MentorCandidate[] {
  if (count <= 0) return [];
  return candidates
    .filter((c) => mayReview(submission, c))
    .map((c) => ({ candidate: c, depth: servingDepth(submission.orgPath, c.servedPaths) }))
    .sort(
      (a, b) =>
        b.depth - a.depth ||
        a.candidate.openLoad - b.candidate.openLoad ||
        (a.candidate.mentorId < b.candidate.mentorId ? -1 : a.candidate.mentorId > b.candidate.mentorId ? 1 : 0),
    )
    .slice(0, count)
    .map((r) => r.candidate);
}

export type MarkingRole = "marker" | "second_marker";

/** The marking roles a submission still needs, given the roles its current mentors hold. */
export function missingRoles(doubleMarking: boolean, held: readonly string[]): MarkingRole[] {
  const needed: MarkingRole[] = doubleMarking ? ["marker", "second_marker"] : ["marker"];
  return needed.filter((role) => !held.includes(role));
}

export type ReassignProblem = "notOpen" | "ownWork" | "otherTrack" | "notInPool" | "noSecondMarker" | "holdsOtherRole";

/** Why an administrator may not give `role` on this submission to this mentor; null when they may. */
export function reassignProblem(
  submission: {
    userId: string;
    track: OrgTrack;
    orgPath: string | null;
    open: boolean;
    doubleMarking: boolean;
    current: ReadonlyArray<{ mentorId: string; role: string }>;
  },
  mentor: { mentorId: string; track: OrgTrack | null; servedPaths: readonly string[] },
  role: MarkingRole,
): ReassignProblem | null {
  if (!submission.open) return "notOpen";
  if (mentor.mentorId === submission.userId) return "ownWork";
  if (mentor.track !== null && mentor.track !== submission.track) return "otherTrack";
  if (servingDepth(submission.orgPath, mentor.servedPaths) < 0) return "notInPool";
  if (role === "second_marker" && !submission.doubleMarking) return "noSecondMarker";
  if (submission.current.some((c) => c.mentorId === mentor.mentorId && c.role !== role)) return "holdsOtherRole";
  return null;
}
