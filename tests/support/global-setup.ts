import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { buildCatalog, catalogFile } from "../../app/catalog/build-content";
import { openDatabase } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { adminDatabaseUrl, databaseUrlFor } from "./test-env";

// One migrated template per migration set; every test file clones it (CREATE DATABASE … TEMPLATE is fast).
export function templateName(): string {
  const dir = path.resolve("db/migrations");
  const hash = createHash("sha256");
  for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(path.join(dir, f)));
  return `baicheng_tpl_${hash.digest("hex").slice(0, 12)}`;
}

export default async function setup({ provide }: { provide: (key: string, value: unknown) => void }) {
  // Route tests read the compiled curriculum as the server does; compiling is cached by content hash.
  const catalog = await buildCatalog();
  mkdirSync(path.dirname(catalogFile), { recursive: true });
  writeFileSync(catalogFile, JSON.stringify(catalog));

  const name = templateName();
  const admin = new pg.Client({ connectionString: adminDatabaseUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`tests need PostgreSQL at ${adminDatabaseUrl} (set TEST_DATABASE_URL): ${(error as Error).message}`);
  }
  const { rowCount } = await admin.query("select 1 from pg_database where datname = $1", [name]);
  if (!rowCount) {
    const building = `${name}_building_${process.pid}`;
    await admin.query(`create database "${building}"`);
    const handle = await openDatabase({ databaseUrl: databaseUrlFor(building), dataDir: "data" });
    await migrateToLatest(handle.db);
    await handle.db.destroy();
    // Rename into place so a half-built template is never cloned.
    await admin.query(`alter database "${building}" rename to "${name}"`).catch(async () => {
      await admin.query(`drop database if exists "${building}"`);
    });
  }
  await admin.end();
  provide("templateDatabase", name);
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}
