// Benchmark (issue #16 goal 4): the web server's memory under a training day's traffic. Starts the
// compiled web server as production does (`node build/server/server.mjs --no-workers`, NODE_ENV=production,
// on a fresh PostgreSQL database with the demo accounts), then 3 rounds of 100,000 requests with
// autocannon over a mix of pages (home, showcase, /verify, a signed-in module page and /my-work),
// reading RSS after each round and, after a forced garbage collection, the live heap. Target: RSS
// < 300 MB after each round, and no growth from round to round. Needs `npm run build` first.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { adminDatabaseUrl, databaseUrlFor } from "../support/test-env";
import { waitFor } from "../support/wait";
import { demoTraineeCookie } from "./demo-session";
import { startProductionServer, startWebHeapFlags } from "./production-server";

const port = Number(process.env.PERF_PORT ?? 3200);
const base = `http://127.0.0.1:${port}`;
const perRound = Number(process.env.PERF_MEMORY_REQUESTS ?? 100_000);
const rounds = 3;
const targetMb = 300;
const probeDir = mkdtempSync(path.join(tmpdir(), "baicheng-memory-"));
const probe = path.join(probeDir, "memory.json");
const MB = 1024 * 1024;

const name = `baicheng_memory_${process.pid}`;
const admin = new pg.Client({ connectionString: adminDatabaseUrl });
await admin.connect();
await admin.query(`create database "${name}"`);
const heapFlags = startWebHeapFlags();
console.log(`server flags (from npm run start:web): ${heapFlags.join(" ") || "(none)"}`);
const server = startProductionServer({
  port,
  databaseUrl: databaseUrlFor(name),
  queuePrefix: `memory-${process.pid}`,
  nodeArgs: [...heapFlags, "--expose-gc", "--import", "./tests/perf/gc-probe.mjs"],
  dataDir: probeDir,
  env: { SEED_DEMO: "on", PERF_MEMORY_PROBE: probe },
});

/** RSS of the server process now (kernel's figure), and heap after a forced GC (the probe's). */
interface MemoryFigures {
  rss: number;
  heapUsed: number;
  /** V8's committed heap: what it holds on to after the collection, part of RSS. */
  heapTotal: number;
  /** Memory outside the V8 heap owned by JavaScript objects (buffers). */
  external: number;
}

async function sample(): Promise<MemoryFigures> {
  rmSync(probe, { force: true });
  server.kill("SIGUSR2");
  return waitFor(
    "the memory probe",
    async () => {
      try {
        return JSON.parse(readFileSync(probe, "utf8")) as MemoryFigures;
      } catch {
        return undefined; // not written yet
      }
    },
    { timeoutMs: 10_000, everyMs: 50 },
  );
}

try {
  await waitFor("the app's /healthz", () => fetch(`${base}/healthz`).then((r) => (r.ok ? true : undefined), () => undefined), { timeoutMs: 90_000, everyMs: 250 });
  const cookie = await demoTraineeCookie(base);
  const signedIn = { cookie };
  const requests = [
    { path: "/" },
    { path: "/showcase" },
    { path: "/verify" },
    { path: "/learn/campus/foundation/student-development", headers: signedIn },
    { path: "/my-work", headers: signedIn },
  ].map(({ path, headers }) => ({ method: "GET" as const, path, headers }));
  for (const r of requests) {
    const res = await fetch(`${base}${r.path}`, { headers: r.headers });
    if (res.status !== 200) throw new Error(`${r.path} answered ${res.status}`);
  }
  const start = await sample();
  console.log(`memory: ${rounds} rounds of ${perRound.toLocaleString("en")} requests (home, showcase, /verify, module page and /my-work signed in), autocannon, 64 connections`);
  console.log(`  after start                 RSS ${(start.rss / MB).toFixed(0).padStart(4)} MB   live heap ${(start.heapUsed / MB).toFixed(0).padStart(4)} MB`);
  const after: MemoryFigures[] = [];
  for (let round = 1; round <= rounds; round++) {
    const result = await autocannon({ url: base, connections: 64, amount: perRound, requests, timeout: 30 });
    if (result.errors > 0 || result.non2xx > 0) throw new Error(`round ${round}: ${result.errors} errors, ${result.non2xx} non-2xx answers`);
    const figures = await sample();
    after.push(figures);
    const growth = round > 1 ? ` (${((figures.rss - after[round - 2]!.rss) / MB >= 0 ? "+" : "")}${((figures.rss - after[round - 2]!.rss) / MB).toFixed(0)} MB)` : "";
    console.log(
      `  ${figures.rss / MB < targetMb ? "✔" : "✖"} after round ${round} (${result.requests.average.toFixed(0)} req/s)   RSS ${(figures.rss / MB).toFixed(0).padStart(4)} MB${growth.padEnd(10)} live heap ${(figures.heapUsed / MB).toFixed(0).padStart(4)} MB (V8 holds ${(figures.heapTotal / MB).toFixed(0)} MB, buffers ${(figures.external / MB).toFixed(0)} MB)   target RSS < ${targetMb} MB`,
    );
  }
  const heapGrowth = (after[2]!.heapUsed - after[0]!.heapUsed) / MB;
  const rssGrowth = (after[2]!.rss - after[0]!.rss) / MB;
  console.log(`  growth from round 1 to round 3: RSS ${rssGrowth.toFixed(0)} MB, live heap ${heapGrowth.toFixed(1)} MB (target ~0)`);
} finally {
  server.kill("SIGTERM");
  await new Promise((r) => (server.exitCode === null ? server.once("exit", r) : r(null)));
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
  rmSync(probeDir, { recursive: true, force: true });
}
