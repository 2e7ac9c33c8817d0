import type { AppLoadContext } from "@remix-run/node";
import { db } from "~/db.server";
import { can } from "~/domain/roles";
import { moduleProgress, nextStep, overallProgress, tierAccess, type TierAccess } from "~/domain/learning-path";
import { learnerProgress } from "~/models/curriculum.server";
import { getUserSummary } from "~/models/users.server";
import { catalog } from "./catalog.server";
import { tierIds, trackIds, type TierId, type TrackId } from "./schema";
import type { CatalogModule } from "./types";

// What one learner sees of the curriculum: access per tier, progress per module. A page that shows
// nothing of the person (a module page) skips their summary: one query instead of two.
/** A learner's progress and access; with `unreadUpTo`, also their unread notifications (up to the cap). */
export async function learnerState(userId: string, context: AppLoadContext, options: { summary?: boolean; unreadUpTo?: number } = {}) {
  const [user, { held, read, statuses, unread }] = await Promise.all([
    options.summary === false ? undefined : getUserSummary(db(), userId),
    learnerProgress(db(), userId, { unreadUpTo: options.unreadUpTo }),
  ]);
  const preview = can(context.auth.user?.roles ?? [], "content.preview");
  const { program } = catalog();
  const access = (track: TrackId, tier: TierId): TierAccess =>
    preview ? { unlocked: true } : tierAccess(program.tiers, track, tier, held);
  const progressOf = (m: CatalogModule) =>
    moduleProgress({
      read: read.has(m.id),
      tasks: m.tasks.length,
      tasksPassed: m.tasks.filter((t) => statuses.get(t.id) === "passed").length,
      tierCertified: held.some((c) => c.track === m.track && c.tier === m.tier),
    });
  return { user, held, read, statuses, unread, preview, access, progressOf };
}

export function modulesOf(track: TrackId, tier: TierId): CatalogModule[] {
  return catalog()
    .modules.filter((m) => m.track === track && m.tier === tier)
    .sort((a, b) => a.order - b.order);
}

export function isTrack(value: string | undefined): value is TrackId {
  return (trackIds as readonly (string | undefined)[]).includes(value);
}

export function isTier(value: string | undefined): value is TierId {
  return (tierIds as readonly (string | undefined)[]).includes(value);
}

export function trackProgress(track: TrackId, progressOf: (m: CatalogModule) => number): number {
  return overallProgress(catalog().modules.filter((m) => m.track === track).map(progressOf));
}

/** The module that declares a task, and the task as content declares it now. */
export function findTask(taskId: string): { module: CatalogModule; task: CatalogModule["tasks"][number] } | undefined {
  for (const module of catalog().modules) {
    const task = module.tasks.find((t) => t.id === taskId);
    if (task) return { module, task };
  }
  return undefined;
}

export interface ContinueLink {
  kind: "returned" | "draft" | "read" | "task";
  href: string;
  title: string;
}

/** The one next thing for a trainee in their track (or the first track): see nextStep(). */
export function continueLearning(state: Awaited<ReturnType<typeof learnerState>>): ContinueLink | null {
  const { statuses } = state;
  const { program } = catalog();
  const tracks = state.user?.track ? [state.user.track] : [...trackIds];
  const tiers = [...program.tiers].sort((a, b) => a.order - b.order);
  const modules = tracks.flatMap((track) =>
    tiers.filter((tier) => state.access(track, tier.id).unlocked && !state.held.some((c) => c.track === track && c.tier === tier.id)).flatMap((tier) => modulesOf(track, tier.id)),
  );
  const step = nextStep(modules.map((m) => ({ id: m.id, read: state.read.has(m.id), tasks: m.tasks.map((t) => ({ id: t.id, status: statuses.get(t.id) ?? null })) })));
  if (!step) return null;
  const module = modules.find((m) => m.id === step.moduleId)!;
  const task = step.taskId ? module.tasks.find((t) => t.id === step.taskId) : undefined;
  return task
    ? { kind: step.kind, href: `/tasks/${task.id}`, title: task.title }
    : { kind: step.kind, href: `/learn/${module.track}/${module.tier}/${module.slug}`, title: module.title };
}
