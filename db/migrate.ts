import path from "node:path";
import { Migrator, type Kysely } from "kysely";
import { migrations } from "./migrations/index";
import type { Database } from "./schema";
import { startedAs } from "../app/utils/entry-point";

export class MigrationError extends Error {}

/** Brings the schema to the latest migration. Each migration runs in its own
 * transaction and a lock serialises concurrent runners, so nobody serves a half-migrated schema. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    // A static list, not FileMigrationProvider: works the same under tsx, vitest and any bundler.
    provider: { getMigrations: async () => migrations },
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    const cause = error instanceof Error ? error.message : String(error ?? "");
    throw new MigrationError(`migration ${failed?.migrationName ?? "(unknown)"} failed: ${cause}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}

const isMain = startedAs("db/migrate.ts");
if (isMain) {
  const { getConfig } = await import("../app/config.server");
  const { openDatabase } = await import("./client");
  try {
    const config = getConfig();
    const handle = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
    const applied = await migrateToLatest(handle.db);
    console.log(applied.length ? `applied: ${applied.join(", ")}` : "schema is up to date");
    await handle.db.destroy();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
