import type { TierId, TrackId } from "~/catalog/schema";
import type { SubmissionStatus } from "../../db/schema";

// Tier gating and progress: pure rules shared by the learner pages and the workers.
export interface TierRule {
  id: TierId;
  order: number;
  requiresPreviousTier: boolean;
}

export type TierAccess = { unlocked: true } | { unlocked: false; reason: "needsCertificate"; requiredTier: TierId };

/** Tier N opens with the tier N-1 certificate of the same track, where the tier asks for it. */
export function tierAccess(
  tiers: readonly TierRule[],
  track: TrackId,
  tier: TierId,
  held: ReadonlyArray<{ track: TrackId; tier: TierId }>,
): TierAccess {
  const rule = tiers.find((t) => t.id === tier);
  if (!rule) throw new Error(`unknown tier ${tier}`);
  if (!rule.requiresPreviousTier) return { unlocked: true };
  const previous = tiers.find((t) => t.order === rule.order - 1);
  if (!previous) return { unlocked: true };
  return held.some((c) => c.track === track && c.tier === previous.id)
    ? { unlocked: true }
    : { unlocked: false, reason: "needsCertificate", requiredTier: previous.id };
}

/**
 * A module's progress: reading it counts as one step, each passed task as another. Passing every task
 * finishes the module (the work shows the reading was done), and so does holding the tier's certificate.
 */
export function moduleProgress(input: { read: boolean; tasks: number; tasksPassed: number; tierCertified: boolean }): number {
  if (input.tierCertified) return 100;
  if (input.tasks > 0 && input.tasksPassed >= input.tasks) return 100;
  const steps = 1 + input.tasks;
  const done = (input.read ? 1 : 0) + Math.min(input.tasksPassed, input.tasks);
  return Math.round((done / steps) * 100);
}

/** Mean progress of the modules (0 when there are none). */
export function overallProgress(percentages: readonly number[]): number {
  return percentages.length ? Math.round(percentages.reduce((a, b) => a + b, 0) / percentages.length) : 0;
}

/** The tier a trainee is working on: the first unlocked tier without a certificate, else the last. */
export function currentTier(tiers: readonly TierRule[], track: TrackId, held: ReadonlyArray<{ track: TrackId; tier: TierId }>): TierId {
  const sorted = [...tiers].sort((a, b) => a.order - b.order);
  const open = sorted.find((t) => !held.some((c) => c.track === track && c.tier === t.id));
  return (open ?? sorted[sorted.length - 1]!).id;
}

/** A module on the trainee's path, in course order, with where each of its tasks stands. */
export interface PathModule {
  id: string;
  read: boolean;
  tasks: ReadonlyArray<{ id: string; status: SubmissionStatus | null }>;
}

export type NextStep = { kind: "returned" | "draft" | "read" | "task"; moduleId: string; taskId: string | null } | null;

/**
 * Where "continue learning" leads: work a mentor returned, then work already started, then the first
 * unread module, then the first task not yet tried. Work waiting for a mentor is no step of the trainee's.
 */
export function nextStep(modules: readonly PathModule[]): NextStep {
  const find = (status: SubmissionStatus | null) => {
    for (const m of modules) for (const t of m.tasks) if (t.status === status) return { moduleId: m.id, taskId: t.id };
    return null;
  };
  const returned = find("returned");
  if (returned) return { kind: "returned", ...returned };
  const draft = find("draft");
  if (draft) return { kind: "draft", ...draft };
  for (const m of modules) {
    if (!m.read && m.tasks.some((t) => t.status === null)) return { kind: "read", moduleId: m.id, taskId: null };
    const open = m.tasks.find((t) => t.status === null);
    if (open) return { kind: "task", moduleId: m.id, taskId: open.id };
  }
  return null;
}
