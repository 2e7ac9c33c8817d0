import { createHash } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import type { AuthUser } from "~/auth.server";
import { modulePageOf, resolveModule, type ModulePageData } from "~/catalog/module-page.server";
import { db } from "~/db.server";
import { currentUser } from "~/guards.server";
import { countUnread, unreadCountCap } from "~/models/notifications.server";
import { singleton } from "~/utils/singleton.server";
import { PageCache } from "./page-cache.server";

// Signed-in pages rendered once per state (decision 031). For the pages listed here the edge computes,
// before Remix runs, everything their loaders would return (the shell's and the route's data). The page
// is a pure function of that data, its URL and the build: a page rendered for the same data is answered
// again, with this response's own nonce. Any change anywhere (a notification written by a worker in
// another process, a module read, a grade) changes the data and so the key: nothing is invalidated by
// hand, and nothing stale can be answered.

/** What the root loader gives every page: who is signed in and their unread notifications. */
export interface ShellData {
  user: AuthUser | null;
  unreadNotifications: number;
}

/** The loaders' data of a page, computed by the edge; the loaders return it as it is. */
export interface PageState {
  root: ShellData;
  route: unknown;
}

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** Set by the edge for a page rendered once per state: the loaders' data, already computed. */
    pageState?: PageState;
  }
}

export async function shellData(context: AppLoadContext): Promise<ShellData> {
  const user = currentUser(context);
  return { user, unreadNotifications: user ? await countUnread(db(), user.id) : 0 };
}

interface StatePage {
  /** The path of the page, its groups in the order of the route's parameters. */
  pattern: RegExp;
  /** Both loaders' data, as shellData() and the route's loader would return them. */
  state(request: Request, context: AppLoadContext, params: string[]): Promise<PageState>;
  /** What of the route's data the key needs: all of it unless a part follows from the URL and the build. */
  keyed?(route: unknown): unknown;
}

// The learner's module page: what a training day's crowd reads at once, signed in (issue #16). Its shell
// and its progress come from one query; the module's text follows from the URL and the build.
const statePages: StatePage[] = [
  {
    pattern: /^\/learn\/([^/]+)\/([^/]+)\/([^/]+)$/,
    async state(request, context, [track, tier, slug]) {
      const resolved = await resolveModule(request, context, { track, tier, slug }, { unreadUpTo: unreadCountCap });
      return { root: { user: currentUser(context), unreadNotifications: resolved.state.unread ?? 0 }, route: modulePageOf(resolved) };
    },
    keyed: (route) => {
      const page = route as ModulePageData;
      return { ...page, module: { ...page.module, html: undefined } };
    },
  },
];

/**
 * The data a signed-in page's loaders would return and the key of the page rendered from it, or null: not
 * such a page, nobody signed in, or a page that would not answer 200 (a 403, a 404, an error), which Remix
 * then answers as always. The key: the URL, whose page it is, and all the data it is rendered from (but
 * what of it follows from the URL and the build).
 */
export async function pageStateOf(request: Request, url: string, pathname: string, context: AppLoadContext): Promise<{ state: PageState; key: string } | null> {
  const user = context.auth?.user;
  if (!user) return null;
  for (const page of statePages) {
    const match = page.pattern.exec(pathname);
    if (!match) continue;
    let state: PageState;
    try {
      state = await page.state(request, context, match.slice(1).map((part) => decodeURIComponent(part)));
    } catch {
      return null;
    }
    const route = page.keyed ? page.keyed(state.route) : state.route;
    const key = createHash("sha256").update(url).update("\0").update(user.id).update("\0").update(JSON.stringify([state.root, route])).digest("base64url");
    return { state, key };
  }
  return null;
}

/**
 * One per process. A kept page is the render of its key's data, so it is never stale; freshness and the
 * size bound only keep memory in check (a module page is about 40 KB).
 */
export const renderedPages = singleton("rendered-pages", () => new PageCache(15 * 60_000, 200));
