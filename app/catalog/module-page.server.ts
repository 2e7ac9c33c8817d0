import type { AppLoadContext } from "@remix-run/node";
import { catalog } from "~/catalog/catalog.server";
import { isTier, isTrack, learnerState, modulesOf } from "~/catalog/learner.server";
import { forbidden, notFound, requirePermission } from "~/guards.server";

// A module page's data: the route's loader returns it, and the edge computes the same before Remix
// runs, to answer from a page already rendered for exactly this data (decision 031).

type Params = { track?: string; tier?: string; slug?: string };

/**
 * The module a request is for, and the learner's state; throws 403/404 as the page would. With
 * `unreadUpTo`, the state also counts the unread notifications (for the shell), in the same query.
 */
export async function resolveModule(request: Request, context: AppLoadContext, params: Params, options: { unreadUpTo?: number } = {}) {
  const me = requirePermission(request, context, "learn");
  if (!isTrack(params.track) || !isTier(params.tier)) throw notFound();
  const modules = modulesOf(params.track, params.tier);
  const index = modules.findIndex((m) => m.slug === params.slug);
  if (index < 0) throw notFound();
  const state = await learnerState(me.id, context, { summary: false, unreadUpTo: options.unreadUpTo });
  if (!state.access(params.track, params.tier).unlocked) throw forbidden("本模块所在级别尚未解锁。");
  return { me, modules, index, module: modules[index]!, state, track: params.track, tier: params.tier };
}

export async function modulePageData(request: Request, context: AppLoadContext, params: Params) {
  return modulePageOf(await resolveModule(request, context, params));
}

/** The page's data from a resolved module. */
export function modulePageOf({ modules, index, module, state, track, tier }: Awaited<ReturnType<typeof resolveModule>>) {
  const { program } = catalog();
  const link = (m: (typeof modules)[number] | undefined) => (m ? { slug: m.slug, title: m.title } : null);
  return {
    track: { id: track, title: program.tracks.find((t) => t.id === track)!.title.zh },
    tier: { id: tier, title: program.tiers.find((t) => t.id === tier)!.title.zh },
    module: {
      id: module.id,
      title: module.title,
      summary: module.summary,
      minutes: module.minutes,
      html: module.html,
    },
    read: state.read.has(module.id),
    progress: state.progressOf(module),
    preview: state.preview,
    prev: link(modules[index - 1]),
    next: link(modules[index + 1]),
  };
}

export type ModulePageData = ReturnType<typeof modulePageOf>;
