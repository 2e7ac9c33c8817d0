// Starts the built app for the e2e run on a fresh PostgreSQL database and its own queue prefix.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { generateIssuerKeyPem } from "../../app/runtime/issuer-key.server";
import { adminDatabaseUrl, databaseUrlFor, testRedisUrl } from "../support/test-env";

const name = `baicheng_e2e_${process.pid}`;
const admin = new pg.Client({ connectionString: adminDatabaseUrl });
await admin.connect();
// Databases of earlier runs whose server process is gone.
const { rows } = await admin.query<{ datname: string }>("select datname from pg_database where datname like 'baicheng_e2e_%'");
for (const { datname } of rows) {
  const pid = Number(datname.slice("baicheng_e2e_".length));
  let alive = false;
  try {
    process.kill(pid, 0);
    alive = pid !== process.pid;
  } catch {
    alive = false;
  }
  if (!alive) await admin.query(`drop database if exists "${datname}" with (force)`);
}
await admin.query(`create database "${name}"`);
await admin.end();

const dataDir = mkdtempSync(path.join(tmpdir(), "baicheng-e2e-"));
const port = process.env.E2E_PORT ?? "3100";
Object.assign(process.env, {
  NODE_ENV: "production",
  PORT: port,
  HOST: "127.0.0.1",
  // Production refuses to start without it; the specs browse this origin.
  APP_URL: `http://127.0.0.1:${port}`,
  DATABASE_URL: databaseUrlFor(name),
  REDIS_URL: testRedisUrl,
  REDIS_AUTOSTART: "off",
  QUEUE_PREFIX: `e2e-${process.pid}`,
  // Production seeds no demo accounts unless asked; the specs sign in with them.
  SEED_DEMO: "on",
  LOG_LEVEL: "warn",
  // Production reads the signing key from the environment, as a deployment would.
  ISSUER_SIGNING_KEY: generateIssuerKeyPem(),
  DATA_DIR: dataDir,
});

// Specs that need to arrange data the UI cannot (a trainee who passed a whole tier) read this.
mkdirSync(".cache", { recursive: true });
writeFileSync(".cache/e2e-database-url", databaseUrlFor(name));
// Specs that need a stored file (evidence, a certificate PDF) write it where the server's storage reads.
writeFileSync(".cache/e2e-data-dir", dataDir);

// The production start: the compiled server (`npm run build:server`), not the TypeScript source.
await import(path.resolve("build/server/server.mjs"));
