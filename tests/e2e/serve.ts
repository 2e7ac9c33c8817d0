// Starts the built app for the e2e run on a fresh PostgreSQL database and its own queue prefix.
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { generateIssuerKeyPem } from "../../app/runtime/issuer-key.server";
import { startAliyunSmsStub } from "../support/message-servers";
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

// SMS goes to a local Aliyun stand-in (it checks each request's signature), so sign-in by SMS code
// can be tried in the browser; specs read the codes it received from this file.
mkdirSync(".cache", { recursive: true });
const smsLog = path.resolve(".cache/e2e-sms.jsonl");
writeFileSync(smsLog, "");
const smsKey = { id: "LTAI5tE2eAccessKey", secret: `e2e-sms-secret-${process.pid}` };
const smsStub = await startAliyunSmsStub(smsKey.id, smsKey.secret, {
  onAccepted: (p) => appendFileSync(smsLog, `${JSON.stringify({ phone: p.PhoneNumbers, template: p.TemplateCode, params: p.TemplateParam })}\n`),
});

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
  SMS_PROVIDER: "aliyun",
  ALIYUN_SMS_ACCESS_KEY_ID: smsKey.id,
  ALIYUN_SMS_ACCESS_KEY_SECRET: smsKey.secret,
  ALIYUN_SMS_SIGN_NAME: "百城学堂",
  ALIYUN_SMS_TEMPLATES: JSON.stringify({ decision: "SMS_100001", returned: "SMS_100002", certificate: "SMS_100003", mentoring: "SMS_100004", reminder: "SMS_100005", code: "SMS_100006" }),
  ALIYUN_SMS_ENDPOINT: smsStub.endpoint,
  MESSAGE_LINK_SECRET: `e2e-message-link-secret-${process.pid}-0123456789abcdef`,
});

// Specs that need to arrange data the UI cannot (a trainee who passed a whole tier) read this.
writeFileSync(".cache/e2e-database-url", databaseUrlFor(name));
// Specs that need a stored file (evidence, a certificate PDF) write it where the server's storage reads.
writeFileSync(".cache/e2e-data-dir", dataDir);

// The production start: the compiled server (`npm run build:server`), not the TypeScript source.
await import(path.resolve("build/server/server.mjs"));
