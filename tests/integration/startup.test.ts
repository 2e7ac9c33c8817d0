import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { testIssuerKeyPem } from "../support/issuer-key";
import { testRedisUrl } from "../support/test-env";

// The server refuses to start on bad input with a clear message and exit code 1, no stack-trace wall.
function start(env: Record<string, string>) {
  const result = spawnSync("npx", ["tsx", "server.ts"], { env: { ...process.env, ...env }, encoding: "utf8", timeout: 30_000 });
  return { status: result.status, stderr: result.stderr };
}

describe("start-up refusals", () => {
  it("names an invalid variable", () => {
    const { status, stderr } = start({ PORT: "abc" });
    expect(status).toBe(1);
    expect(stderr).toContain("PORT:");
    expect(stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it("says when the database cannot be reached", () => {
    const { status, stderr } = start({ DATABASE_URL: "postgres://nobody@127.0.0.1:1/none", PORT: "3999" });
    expect(status).toBe(1);
    expect(stderr).toContain("Cannot reach the database (DATABASE_URL)");
  });

  it("says how to get Redis when none answers and autostart is off", () => {
    const { status, stderr } = start({ REDIS_URL: "redis://127.0.0.1:1", REDIS_AUTOSTART: "off", PORT: "3999" });
    expect(status).toBe(1);
    expect(stderr).toContain("Redis is not reachable at redis://127.0.0.1:1");
  });

  it("refuses production without APP_URL, saying why", () => {
    const { status, stderr } = start({ NODE_ENV: "production", APP_URL: "", ISSUER_SIGNING_KEY: testIssuerKeyPem, PORT: "3999" });
    expect(status).toBe(1);
    expect(stderr).toContain("APP_URL: required in production");
    expect(stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it("refuses production without a configured certificate signing key", () => {
    const { status, stderr } = start({ NODE_ENV: "production", APP_URL: "https://lms.example.org", ISSUER_SIGNING_KEY: "", PORT: "3999" });
    expect(status).toBe(1);
    expect(stderr).toContain("ISSUER_SIGNING_KEY is required in production");
  });

  it("says what is wrong with a signing key that is not an Ed25519 private key", () => {
    const { status, stderr } = start({ ISSUER_SIGNING_KEY: "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----", PORT: "3999" });
    expect(status).toBe(1);
    expect(stderr).toContain("ISSUER_SIGNING_KEY: not a private key");
    expect(stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe("demo data in production", () => {
  const databases: TestDatabase[] = [];
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), "baicheng-startup-"));
  });
  afterAll(async () => {
    for (const database of databases) await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Starts production on an empty database until it has decided about demo data (then stops it). */
  async function startProductionOnEmptyDatabase(extra: Record<string, string>) {
    const database = await createTestDatabase();
    databases.push(database);
    const child = spawn(path.resolve("node_modules/.bin/tsx"), ["server.ts", "--no-workers"], {
      env: {
        ...process.env,
        NODE_ENV: "production",
        APP_URL: "https://lms.example.org",
        ISSUER_SIGNING_KEY: testIssuerKeyPem,
        DATABASE_URL: database.url,
        REDIS_URL: testRedisUrl,
        REDIS_AUTOSTART: "off",
        QUEUE_PREFIX: `startup-${process.pid}-${databases.length}`,
        DATA_DIR: dataDir,
        PORT: String(40_000 + Math.floor(Math.random() * 20_000)),
        HOST: "127.0.0.1",
        LOG_LEVEL: "info",
        SEED_DEMO: "",
        ...extra,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not get past seeding:\n${output}`)), 45_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        // Logged after the demo-data decision, before serving.
        if (output.includes("issuer key ready")) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on("data", read);
      child.stderr.on("data", read);
      child.on("exit", () => {
        clearTimeout(timer);
        if (!output.includes("issuer key ready")) reject(new Error(`server exited early:\n${output}`));
      });
    });
    child.kill("SIGTERM");
    const admins = await database.db.selectFrom("users").select("id").where("email", "=", "admin@demo.baicheng.org").execute();
    return { seeded: admins.length > 0, output };
  }

  it("seeds no demo accounts unless SEED_DEMO=on", async () => {
    expect((await startProductionOnEmptyDatabase({})).seeded).toBe(false);
    const asked = await startProductionOnEmptyDatabase({ SEED_DEMO: "on" });
    expect(asked.seeded).toBe(true);
    expect(asked.output).toContain("demo data seeded");
  }, 120_000);
});
