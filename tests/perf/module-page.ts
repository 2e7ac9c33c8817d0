// Benchmark: module page throughput (signed in) against a bare node:http server sending the same
// bytes on this machine in the same run. Prints figures and the ratio; not part of `npm test`.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { performance } from "node:perf_hooks";
import { demoTraineeCookie } from "./demo-session";

const port = Number(process.env.PERF_PORT ?? 3200);
const base = `http://127.0.0.1:${port}`;
const seconds = Number(process.env.PERF_SECONDS ?? 5);
const concurrency = Number(process.env.PERF_CONCURRENCY ?? 8);

async function waitForHealth(url: string, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no answer from ${url}`);
}

async function load(url: string, headers: Record<string, string>) {
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        const res = await fetch(url, { headers });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!.toFixed(1);
  return { rps: latencies.length / seconds, p50: pct(0.5), p95: pct(0.95), n: latencies.length };
}

const server = spawn("npx", ["tsx", "tests/e2e/serve.ts"], {
  env: { ...process.env, E2E_PORT: String(port) },
  stdio: ["ignore", "ignore", "inherit"],
  detached: true, // its own process group, so the whole tree (npx → tsx → node) stops at the end
});
try {
  await waitForHealth(`${base}/healthz`);
  const cookie = await demoTraineeCookie(base);
  const path = "/learn/campus/foundation/student-development";
  const page = await fetch(`${base}${path}`, { headers: { Cookie: cookie } });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`module page answered ${page.status}`);

  const bare = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise<void>((r) => bare.listen(port + 1, "127.0.0.1", r));
  // Warm both up before measuring.
  await load(`${base}${path}`, { Cookie: cookie });
  const baseline = await load(`http://127.0.0.1:${port + 1}/`, {});
  const app = await load(`${base}${path}`, { Cookie: cookie });
  bare.close();

  console.log(`module page ${path} (${(html.length / 1024).toFixed(0)} KiB), ${concurrency} concurrent, ${seconds}s each`);
  console.log(`  bare node:http   ${baseline.rps.toFixed(0)} req/s  p50 ${baseline.p50} ms  p95 ${baseline.p95} ms`);
  console.log(`  app (signed in)  ${app.rps.toFixed(0)} req/s  p50 ${app.p50} ms  p95 ${app.p95} ms`);
  console.log(`  ratio app/bare   ${(app.rps / baseline.rps).toFixed(3)}`);
} finally {
  process.kill(-server.pid!, "SIGTERM");
}
