import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateIssuerKeyPem } from "../../app/runtime/issuer-key.server";
import { testRedisUrl } from "../support/test-env";

/**
 * The V8 heap flags of the production web start (`npm run start:web` in package.json), so benchmarks
 * measure the web server as it is run.
 */
export function startWebHeapFlags(): string[] {
  const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
  return (scripts["start:web"] ?? "").split(/\s+/).filter((arg) => /^--max-(semi|old)-space-size=\d+$/.test(arg));
}

export interface ProductionServerOptions {
  port: number;
  databaseUrl: string;
  queuePrefix: string;
  /** Node options before the script (heap flags, --expose-gc, …). */
  nodeArgs?: string[];
  /** Files of this run; a fresh temporary directory when not given. */
  dataDir?: string;
  /** More or other variables (SEED_DEMO, LOG_LEVEL, …). */
  env?: Record<string, string>;
  /** Its own process group, so the benchmark can stop it and what it started. */
  detached?: boolean;
}

/** The compiled web server as production starts it (`build/server/server.mjs --no-workers`), for a benchmark. */
export function startProductionServer(o: ProductionServerOptions): ChildProcess {
  return spawn(process.execPath, [...(o.nodeArgs ?? []), "build/server/server.mjs", "--no-workers"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(o.port),
      HOST: "127.0.0.1",
      APP_URL: `http://127.0.0.1:${o.port}`,
      DATABASE_URL: o.databaseUrl,
      REDIS_URL: testRedisUrl,
      REDIS_AUTOSTART: "off",
      QUEUE_PREFIX: o.queuePrefix,
      ISSUER_SIGNING_KEY: generateIssuerKeyPem(),
      DATA_DIR: o.dataDir ?? mkdtempSync(path.join(tmpdir(), "baicheng-perf-")),
      LOG_LEVEL: "error",
      ...o.env,
    },
    stdio: ["ignore", "ignore", "inherit"],
    detached: o.detached ?? false,
  });
}
