import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../db/client";
import { adminDatabaseUrl, databaseUrlFor } from "./test-env";

export interface TestDatabase extends DatabaseHandle {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated PostgreSQL database of this test file's own. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `baicheng_t_${randomBytes(6).toString("hex")}`;
  const template = inject("templateDatabase");
  await admin((c) => c.query(`create database "${name}" template "${template}"`));
  const url = databaseUrlFor(name);
  const handle = await openDatabase({ databaseUrl: url, dataDir: "data", poolSize: 5 });
  return {
    ...handle,
    name,
    url,
    async drop() {
      await handle.db.destroy();
      await admin((c) => c.query(`drop database if exists "${name}" with (force)`));
    },
  };
}
