import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

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

  it("refuses production without a configured certificate signing key", () => {
    const { status, stderr } = start({ NODE_ENV: "production", ISSUER_SIGNING_KEY: "", PORT: "3999" });
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
