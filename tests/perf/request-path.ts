// Benchmark (issue #16 goal 2): the request path at 64 connections. Each page against a bare
// node:http server sending the same bytes, in the same run, with autocannon as the load generator.
// The bare server goes first: sending the home page's bytes, if it cannot reach 5,000 req/s the load
// generator or the machine is the limit, and the benchmark says so and stops rather than print a
// meaningless ratio. Each page's ratio is then against the bare server sending that page's own bytes (a
// 40 KB module page is slower to send than the home page, for the bare server too: that is the baseline,
// not a fault of the load generator).
// Needs `npm run build` first.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import autocannon from "autocannon";
import { waitFor } from "../support/wait";
import { demoTraineeCookie } from "./demo-session";
import { startWebHeapFlags } from "./production-server";

const port = Number(process.env.PERF_PORT ?? 3200);
const base = `http://127.0.0.1:${port}`;
const seconds = Number(process.env.PERF_SECONDS ?? 5);
const rounds = Number(process.env.PERF_ROUNDS ?? 3);
const connections = 64;
const bareFloor = 5_000;
// Only for looking at figures on a machine already busy with other work: report instead of stopping.
const allowSlowBare = process.env.PERF_ALLOW_SLOW_BARE === "1";
// PERF_PAGES: a comma-separated list of parts of page names, to measure only those.
const onlyPages = process.env.PERF_PAGES?.split(",").filter(Boolean);

async function measure(url: string, headers: Record<string, string>) {
  const result = await autocannon({ url, connections, duration: seconds, headers });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const server = spawn("npx", ["tsx", "tests/e2e/serve.ts"], {
  // The server with the heap flags of `npm run start:web`; the bare server and autocannon run without them.
  env: { ...process.env, E2E_PORT: String(port), LOG_LEVEL: "error", NODE_OPTIONS: [process.env.NODE_OPTIONS, ...startWebHeapFlags()].filter(Boolean).join(" ") },
  stdio: ["ignore", "ignore", "inherit"],
  detached: true,
});
try {
  await waitFor("the app's /healthz", () => fetch(`${base}/healthz`).then((r) => (r.ok ? true : undefined), () => undefined), { timeoutMs: 60_000, everyMs: 250 });
  const cookie = await demoTraineeCookie(base);
  const allPages: Array<{ name: string; path: string; headers: Record<string, string>; target: number }> = [
    { name: "home page", path: "/", headers: {}, target: 0.25 },
    { name: "showcase", path: "/showcase", headers: {}, target: 0.25 },
    { name: "/verify", path: "/verify", headers: {}, target: 0.25 },
    { name: "signed-in module page", path: "/learn/campus/foundation/student-development", headers: { Cookie: cookie }, target: 0.15 },
  ];
  const pages = allPages.filter((page) => !onlyPages || onlyPages.some((part) => page.name.includes(part)));
  console.log(`request path: autocannon, ${connections} connections, ${seconds} s per measurement, median of ${rounds} rounds`);
  /** A bare node:http server on the next port sending these bytes, for as long as `use` runs. */
  const withBare = async <T>(body: Buffer, use: (url: string) => Promise<T>): Promise<T> => {
    const bare = createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Length": body.length });
      res.end(body);
    });
    await new Promise<void>((r) => bare.listen(port + 1, "127.0.0.1", r));
    try {
      return await use(`http://127.0.0.1:${port + 1}/`);
    } finally {
      await new Promise((r) => bare.close(r));
    }
  };
  const bytesOf = async (path: string, headers: Record<string, string>) => {
    const response = await fetch(`${base}${path}`, { headers });
    const body = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    return body;
  };
  // The load generator's check, on the home page's bytes, whichever pages are measured.
  const floorCheck = await withBare(await bytesOf("/", {}), (url) => measure(url, {}));
  if (floorCheck.rps < bareFloor) {
    const message = `the bare server reached only ${floorCheck.rps.toFixed(0)} req/s on the home page's bytes (< ${bareFloor}): the load generator or the machine is the limit, not the app; run this on an idle machine`;
    if (allowSlowBare) console.warn(`  ✖ ${message} (PERF_ALLOW_SLOW_BARE=1: going on, the ratios below are not a verdict)`);
    else throw new Error(message);
  }
  console.log(`  bare server on the home page's bytes: ${floorCheck.rps.toFixed(0)} req/s (floor ${bareFloor})`);
  for (const page of pages) {
    const body = await bytesOf(page.path, page.headers);
    const bareRuns: number[] = [];
    const appRuns: Array<{ rps: number; p99: number }> = [];
    await withBare(body, async (url) => {
      for (let round = 0; round < rounds; round++) {
        bareRuns.push((await measure(url, {})).rps);
        appRuns.push(await measure(`${base}${page.path}`, page.headers));
      }
    });
    const appRps = median(appRuns.map((r) => r.rps));
    const p99 = median(appRuns.map((r) => r.p99));
    const ratio = appRps / median(bareRuns);
    const met = ratio >= page.target && p99 < 150;
    console.log(
      `  ${met ? "✔" : "✖"} ${page.name.padEnd(24)} app ${appRps.toFixed(0).padStart(6)} req/s p99 ${String(p99).padStart(5)} ms   bare ${median(bareRuns).toFixed(0).padStart(6)} req/s   ratio ${(ratio * 100).toFixed(1).padStart(5)}%   target ≥ ${page.target * 100}%, p99 < 150 ms`,
    );
  }
} finally {
  process.kill(-server.pid!, "SIGTERM");
}
