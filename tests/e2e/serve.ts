// Starts the built app for the e2e run on a fresh PostgreSQL database and its own queue prefix.
import pg from "pg";
import { adminDatabaseUrl, databaseUrlFor, testRedisUrl } from "../support/test-env";

const name = `baicheng_e2e_${process.pid}`;
const admin = new pg.Client({ connectionString: adminDatabaseUrl });
await admin.connect();
await admin.query(`drop database if exists "${name}" with (force)`);
await admin.query(`create database "${name}"`);
await admin.end();

Object.assign(process.env, {
  NODE_ENV: "production",
  PORT: process.env.E2E_PORT ?? "3100",
  HOST: "127.0.0.1",
  DATABASE_URL: databaseUrlFor(name),
  REDIS_URL: testRedisUrl,
  REDIS_AUTOSTART: "off",
  QUEUE_PREFIX: `e2e-${process.pid}`,
  SEED_DEMO: "on",
  LOG_LEVEL: "warn",
});

await import("../../server");
