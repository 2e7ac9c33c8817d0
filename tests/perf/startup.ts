// Benchmark: cold start to a healthy /healthz with an existing build and a migrated database, for the
// compiled production start (`node build/server/server.mjs`) and, as the baseline in the same run,
// the TypeScript source under tsx. Needs `npm run build` first. Target (issue #16): under 3 s.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { adminDatabaseUrl, databaseUrlFor, testRedisUrl } from "../support/test-env";

const name = `baicheng_startup_${process.pid}`;
const port = Number(process.env.PERF_PORT ?? 3200);
const admin = new pg.Client({ connectionString: adminDatabaseUrl });
await admin.connect();
await admin.query(`create database "${name}"`);
const dataDir = mkdtempSync(path.join(tmpdir(), "baicheng-startup-"));

async function coldStart(command: string, args: string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(command, [...args, "--no-workers"], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: databaseUrlFor(name), REDIS_URL: testRedisUrl, REDIS_AUTOSTART: "off", DATA_DIR: dataDir, SEED_DEMO: "off", LOG_LEVEL: "warn" },
    stdio: "ignore",
  });
  try {
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return performance.now() - started;
      } catch {
        // not listening yet
      }
      if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

try {
  await coldStart("node", ["build/server/server.mjs"]); // migrates the new database once
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const compiled: number[] = [];
  const tsx: number[] = [];
  for (let i = 0; i < 3; i++) {
    compiled.push(await coldStart("node", ["build/server/server.mjs"]));
    tsx.push(await coldStart(path.resolve("node_modules/.bin/tsx"), ["server.ts"]));
  }
  console.log("cold start to a healthy /healthz (existing build, migrated PostgreSQL, no workers), median of 3");
  console.log(`  compiled  node build/server/server.mjs  ${(median(compiled) / 1000).toFixed(2)} s  (target < 3 s)`);
  console.log(`  baseline  tsx server.ts                 ${(median(tsx) / 1000).toFixed(2)} s`);
  console.log(`  ratio compiled/tsx                      ${(median(compiled) / median(tsx)).toFixed(2)}`);
} finally {
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
  rmSync(dataDir, { recursive: true, force: true });
}
