// Round 2 and later: what the trainee changed since the round the mentor graded, and the mentor's
// earlier marks as the starting point of the rubric. Pure rules.

/** What a trainee sent at one submit: the text fields and the evidence files then attached. */
export interface SubmissionSnapshot {
  fields: Record<SnapshotField, string | null>;
  evidence: Array<{ id: string; kind: string; name: string }>;
}

export const snapshotFields = ["activityTitle", "activityDate", "place", "audienceType", "peopleReached", "durationMinutes", "plan", "reflection", "text"] as const;
export type SnapshotField = (typeof snapshotFields)[number];

export interface FieldChange {
  field: SnapshotField;
  before: string | null;
  after: string | null;
}

export interface ResubmissionChanges {
  fields: FieldChange[];
  evidenceAdded: Array<{ kind: string; name: string }>;
  evidenceRemoved: Array<{ kind: string; name: string }>;
}

const blank = (v: string | null | undefined) => (v ?? "").trim() || null;

/** The fields and evidence that differ between two submits (whitespace at the ends does not count). */
export function changesBetween(before: SubmissionSnapshot, after: SubmissionSnapshot): ResubmissionChanges {
  const fields = snapshotFields
    .map((field) => ({ field, before: blank(before.fields[field]), after: blank(after.fields[field]) }))
    .filter((c) => c.before !== c.after);
  const beforeIds = new Set(before.evidence.map((f) => f.id));
  const afterIds = new Set(after.evidence.map((f) => f.id));
  return {
    fields,
    evidenceAdded: after.evidence.filter((f) => !beforeIds.has(f.id)).map(({ kind, name }) => ({ kind, name })),
    evidenceRemoved: before.evidence.filter((f) => !afterIds.has(f.id)).map(({ kind, name }) => ({ kind, name })),
  };
}

export function hasChanges(changes: ResubmissionChanges): boolean {
  return changes.fields.length + changes.evidenceAdded.length + changes.evidenceRemoved.length > 0;
}

interface PriorGrade {
  round: number;
  mine: boolean;
  role: string;
  taskVersion: number;
  criteria: Array<{ criterionId: string; level: string; comment: string }>;
}

/**
 * The rubric's starting point in a later round: the viewer's own marks of the round before (else the
 * moderator's, else any), on the same task version only, and only levels the rubric still has.
 */
export function rubricPrefill(
  grades: readonly PriorGrade[],
  input: { round: number; taskVersion: number; criteria: ReadonlyArray<{ id: string; levels: ReadonlyArray<{ label: string }> }> },
): { levels: Record<string, string>; comments: Record<string, string> } | null {
  if (input.round < 2) return null;
  const earlier = grades.filter((g) => g.round === input.round - 1 && g.taskVersion === input.taskVersion);
  const source = earlier.find((g) => g.mine) ?? earlier.find((g) => g.role === "moderator") ?? earlier[0];
  if (!source) return null;
  const levels: Record<string, string> = {};
  const comments: Record<string, string> = {};
  for (const c of source.criteria) {
    const criterion = input.criteria.find((x) => x.id === c.criterionId);
    if (!criterion || !criterion.levels.some((l) => l.label === c.level)) continue;
    levels[c.criterionId] = c.level;
    if (c.comment) comments[c.criterionId] = c.comment;
  }
  return { levels, comments };
}
