import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, trustedOrigins } from "~/config.server";

describe("parseConfig", () => {
  it("gives working defaults for an empty environment (embedded database, local Redis)", () => {
    const config = parseConfig({});
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(config.PORT).toBe(3000);
    expect(config.WORKERS_IN_PROCESS).toBe(true);
  });

  it("treats an empty variable as unset", () => {
    expect(parseConfig({ DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
  });

  it.each([
    ["PORT", "not-a-port"],
    ["PORT", "70000"],
    ["DATABASE_URL", "mysql://localhost/db"],
    ["REDIS_URL", "http://localhost:6379"],
    ["WORKERS_IN_PROCESS", "maybe"],
    ["QUEUE_PREFIX", "has:colon"],
  ])("refuses %s=%s and names the variable", (name, value) => {
    expect(() => parseConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });

  it("reads boolean flags", () => {
    expect(parseConfig({ WORKERS_IN_PROCESS: "off" }).WORKERS_IN_PROCESS).toBe(false);
    expect(parseConfig({ SEED_DEMO: "1" }).SEED_DEMO).toBe(true);
  });
});

describe("production defaults", () => {
  const production = { NODE_ENV: "production", ISSUER_SIGNING_KEY: "k" };

  it("refuses production without APP_URL, saying what to set", () => {
    expect(() => parseConfig(production)).toThrow(ConfigError);
    expect(() => parseConfig(production)).toThrow(/APP_URL: required in production/);
  });

  it("takes APP_URL's origin and refuses a URL with a path or another scheme", () => {
    expect(parseConfig({ ...production, APP_URL: "https://lms.example.org/" }).APP_URL).toBe("https://lms.example.org");
    expect(() => parseConfig({ APP_URL: "https://lms.example.org/lms" })).toThrow(/APP_URL:/);
    expect(() => parseConfig({ APP_URL: "ftp://lms.example.org" })).toThrow(/APP_URL:/);
  });

  it("defaults APP_URL to http://localhost:PORT outside production", () => {
    expect(parseConfig({}).APP_URL).toBe("http://localhost:3000");
    expect(parseConfig({ PORT: "4100" }).APP_URL).toBe("http://localhost:4100");
  });

  it("seeds demo data in development, and in production only when asked", () => {
    expect(parseConfig({}).SEED_DEMO).toBe(true);
    expect(parseConfig({ ...production, APP_URL: "https://lms.example.org" }).SEED_DEMO).toBe(false);
    expect(parseConfig({ ...production, APP_URL: "https://lms.example.org", SEED_DEMO: "on" }).SEED_DEMO).toBe(true);
  });

  it("trusts APP_URL's origin for forms, and its loopback spellings only in development", () => {
    expect(trustedOrigins(parseConfig({ ...production, APP_URL: "https://lms.example.org" }))).toEqual(["https://lms.example.org"]);
    expect(trustedOrigins(parseConfig({ PORT: "3001" }))).toEqual(["http://localhost:3001", "http://127.0.0.1:3001", "http://[::1]:3001"]);
    expect(trustedOrigins(parseConfig({ APP_URL: "https://lms.example.org" }))).toEqual(["https://lms.example.org"]);
  });

  it("reads TRUST_PROXY as a hop count or addresses", () => {
    expect(parseConfig({ TRUST_PROXY: "1" }).TRUST_PROXY).toBe(1);
    expect(parseConfig({ TRUST_PROXY: "loopback, 10.0.0.0/8" }).TRUST_PROXY).toBe("loopback, 10.0.0.0/8");
    expect(parseConfig({}).TRUST_PROXY).toBeUndefined();
  });
});
