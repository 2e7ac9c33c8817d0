// Benchmark: matching a request path against the route table, with the server's patched router
// (flatten and rank once) and the published ES build (flatten and rank per call) as the baseline,
// in the same run. Prints matches per second and the ratio.
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { routeTable, samplePaths } from "../support/route-table";

type MatchRoutes = (routes: unknown, path: string) => unknown;
const require = createRequire(import.meta.url);
const patched = (require("@remix-run/router") as { matchRoutes: MatchRoutes }).matchRoutes;
const published = ((await import("@remix-run/router/dist/router.js")) as unknown as { matchRoutes: MatchRoutes }).matchRoutes;

function rate(matchRoutes: MatchRoutes, ms = 2000, freshTable = false): number {
  let routes = routeTable();
  let n = 0;
  const until = performance.now() + ms;
  while (performance.now() < until) {
    for (const path of samplePaths) {
      if (!freshTable) {
        matchRoutes(routes, path);
        n += 1;
        continue;
      }
      // React rendering builds a new, identical table per request and matches it five times (the page,
      // and each parent path for lazy route discovery's manifest).
      routes = routeTable();
      for (let i = 0; i < 5; i++) matchRoutes(routes, path);
      n += 5;
    }
  }
  return n / (ms / 1000);
}

rate(published, 300);
rate(patched, 300);
const before = rate(published);
const after = rate(patched);
console.log(`route matching, ${routeTable()[0]!.children!.length} routes, ${samplePaths.length} paths`);
console.log(`  published router (flatten + rank per call)  ${before.toFixed(0).padStart(9)} matches/s`);
console.log(`  patched router (ranked, compiled once)      ${after.toFixed(0).padStart(9)} matches/s`);
console.log(`  ratio patched/published                     ${(after / before).toFixed(1)}x`);
const freshBefore = rate(published, 2000, true);
const freshAfter = rate(patched, 2000, true);
console.log(`  a new identical table per request, matched 5 times (what React rendering does, decision 022):`);
console.log(`  published router                            ${freshBefore.toFixed(0).padStart(9)} matches/s`);
console.log(`  patched router (ranking of the same shape)  ${freshAfter.toFixed(0).padStart(9)} matches/s`);
console.log(`  ratio patched/published                     ${(freshAfter / freshBefore).toFixed(1)}x`);
