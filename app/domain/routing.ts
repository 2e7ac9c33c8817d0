// Which mentors review a submission: same track, nearest org subtree first, then least open load.
import type { OrgTrack } from "./org-tree";

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
  orgPath: string | null;
  /** Current, unreleased assignments on open submissions. */
  openLoad: number;
}

function segments(path: string | null): string[] {
  return path ? path.split("/").filter(Boolean) : [];
}

/** How many org levels two paths share from the root: "/a/b/c/" and "/a/b/d/" share 2. */
export function sharedDepth(a: string | null, b: string | null): number {
  const left = segments(a);
  const right = segments(b);
  let depth = 0;
  while (depth < left.length && depth < right.length && left[depth] === right[depth]) depth += 1;
  return depth;
}

export function mayReview(submission: RoutingSubmission, candidate: MentorCandidate): boolean {
  return candidate.mentorId !== submission.userId && (candidate.track === null || candidate.track === submission.track);
}

/** Up to `count` mentors, best first; the order is fully determined by the inputs. */
export function chooseMentors(submission: RoutingSubmission, candidates: readonly MentorCandidate[], count: number): MentorCandidate[] {
  if (count <= 0) return [];
  return candidates
    .filter((c) => mayReview(submission, c))
    .map((c) => ({ candidate: c, depth: sharedDepth(submission.orgPath, c.orgPath) }))
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

export type ReassignProblem = "notOpen" | "ownWork" | "otherTrack" | "noSecondMarker" | "holdsOtherRole";

/** Why an administrator may not give `role` on this submission to this mentor; null when they may. */
export function reassignProblem(
  submission: { userId: string; track: OrgTrack; open: boolean; doubleMarking: boolean; current: ReadonlyArray<{ mentorId: string; role: string }> },
  mentor: { mentorId: string; track: OrgTrack | null },
  role: MarkingRole,
): ReassignProblem | null {
  if (!submission.open) return "notOpen";
  if (mentor.mentorId === submission.userId) return "ownWork";
  if (mentor.track !== null && mentor.track !== submission.track) return "otherTrack";
  if (role === "second_marker" && !submission.doubleMarking) return "noSecondMarker";
  if (submission.current.some((c) => c.mentorId === mentor.mentorId && c.role !== role)) return "holdsOtherRole";
  return null;
}
