import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "~/config.server";

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
