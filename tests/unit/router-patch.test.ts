import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { routeTable, samplePaths } from "../support/route-table";

// patches/@remix-run+router+*.patch: the server's router (its CommonJS build) flattens and ranks a
// route table once. The browser's ES build is left as published and serves as the reference here.
const require = createRequire(import.meta.url);
type Match = { route: { id: string }; params: Record<string, string | undefined> };
type MatchRoutes = (routes: unknown, path: string) => Match[] | null;
const patched = require("@remix-run/router") as { matchRoutes: MatchRoutes };

describe("the route-matching patch", () => {
  it("is what the server loads", () => {
    expect(require.resolve("@remix-run/router")).toMatch(/router\.cjs\.js$/);
  });

  it("matches every path exactly as the unpatched router does", async () => {
    const reference = (await import("@remix-run/router/dist/router.js")) as unknown as { matchRoutes: MatchRoutes };
    const routes = routeTable();
    const shape = (m: Match[] | null) => m?.map((x) => [x.route.id, x.params]);
    for (const path of [...samplePaths, ...samplePaths]) {
      expect(shape(patched.matchRoutes(routes, path)), path).toEqual(shape(reference.matchRoutes(routeTable(), path)));
    }
  });

  it("ranks a route table once: a table is read on first use, not again on every request", () => {
    const routes = routeTable();
    expect(patched.matchRoutes(routes, "/learn/search")?.at(-1)?.route.id).toBe("routes/learn/search");
    // Changing the table in place is invisible to a cached ranking (the unpatched router would see it).
    routes[0]!.children = routes[0]!.children!.filter((r) => r.path !== "learn/search");
    expect(patched.matchRoutes(routes, "/learn/search")?.at(-1)?.route.id).toBe("routes/learn/search");
    // A new table (a new build) is ranked afresh.
    const rebuilt = routeTable();
    rebuilt[0]!.children = rebuilt[0]!.children!.filter((r) => r.path !== "learn/search");
    expect(patched.matchRoutes(rebuilt, "/learn/search")?.at(-1)?.route.id).not.toBe("routes/learn/search");
  });

  it("matches a new table of the same shape (React rendering builds one per request) with that table's own routes", async () => {
    const reference = (await import("@remix-run/router/dist/router.js")) as unknown as { matchRoutes: MatchRoutes };
    const shape = (m: Match[] | null) => m?.map((x) => [x.route.id, x.params]);
    patched.matchRoutes(routeTable(), "/");
    for (const path of samplePaths) {
      const fresh = routeTable();
      const matches = patched.matchRoutes(fresh, path);
      expect(shape(matches), path).toEqual(shape(reference.matchRoutes(routeTable(), path)));
      // Every matched route is an object of `fresh`, not of a table ranked earlier.
      const own = new Set<unknown>();
      const walk = (routes: Array<{ children?: unknown[] }>) => routes.forEach((r) => (own.add(r), walk((r.children ?? []) as typeof routes)));
      walk(fresh as Array<{ children?: unknown[] }>);
      for (const m of matches ?? []) expect(own.has(m.route), path).toBe(true);
    }
    // A table of another shape is not mistaken for it.
    const other = routeTable();
    other[0]!.children = other[0]!.children!.filter((r) => r.path !== "learn/search");
    expect(patched.matchRoutes(other, "/learn/search")?.at(-1)?.route.id).not.toBe("routes/learn/search");
  });
});
