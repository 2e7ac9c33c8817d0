import type { TierId, TrackId } from "~/catalog/schema";

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

/** A module's progress: reading it counts as one step, each passed task as another. */
export function moduleProgress(input: { read: boolean; tasks: number; tasksPassed: number }): number {
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

/**
 * Where "继续学习" leads: in curriculum order (tier, then module), the first module of an unlocked
 * tier that is not finished. Null when everything open is done.
 */
export function nextModule<M extends { tier: TierId; order: number }>(
  modules: readonly M[],
  tierOrder: readonly TierId[],
  progressOf: (m: M) => number,
  unlocked: (tier: TierId) => boolean,
): M | null {
  const rank = (m: M) => tierOrder.indexOf(m.tier) * 10_000 + m.order;
  const open = modules.filter((m) => unlocked(m.tier)).sort((a, b) => rank(a) - rank(b));
  return open.find((m) => progressOf(m) < 100) ?? null;
}
