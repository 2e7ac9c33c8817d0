import { mkdirSync } from "node:fs";
import path from "node:path";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Database } from "./schema";

// int8 (count(*), sums) arrives as a string from pg but as a number from PGlite;
// our counts fit in a double, so both backends return numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));
// A calendar date stays "YYYY-MM-DD": turning it into a Date at local midnight shifts it across time zones.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export type DatabaseKind = "postgres" | "pglite";

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** Where it lives, without credentials: for logs and error messages. */
  where: string;
}

export interface DatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  poolSize?: number;
}

/** Starts the SQL of a fixed statement that runs on every request of a busy day (a quiz hand-in). */
export const preparedMarker = "/* prepared */";
const preparedNames = new Map<string, string>();

/**
 * Statements whose SQL starts with the marker are prepared once per connection (a named statement):
 * PostgreSQL parses and plans them once, not on every call (a quiz hand-in spent a quarter of its
 * database time there). Only fixed texts carry the marker, so the names stay few.
 */
function prepareMarkedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (config: pg.QueryConfig) => Promise<pg.QueryResult>;
  const plain = client.query.bind(client) as (...args: unknown[]) => unknown;
  // pg's query has many overloads; Kysely calls it as (text, values) and awaits the promise.
  client.query = ((text: unknown, ...rest: unknown[]) => {
    if (typeof text === "string" && text.startsWith(preparedMarker)) {
      let name = preparedNames.get(text);
      if (!name) {
        name = `p${preparedNames.size + 1}`;
        preparedNames.set(text, name);
      }
      return query({ name, text, values: rest[0] as unknown[] });
    }
    return plain(text, ...rest);
  }) as typeof client.query;
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const url = new URL(options.databaseUrl);
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // A broken idle client must not crash the process; the next query reconnects.
    pool.on("error", () => undefined);
    pool.on("connect", prepareMarkedStatements);
    return {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
      kind: "postgres",
      where: `postgres://${url.hostname}:${url.port || 5432}${url.pathname}`,
    };
  }
  // Loaded only when used, so production never pays for the WASM build.
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("kysely-pglite-dialect"),
  ]);
  const dir = path.resolve(options.dataDir, "pglite");
  mkdirSync(dir, { recursive: true });
  // Same value shapes as pg above: dates stay "YYYY-MM-DD" strings.
  const pglite = await PGlite.create(dir, { parsers: { 1082: (value: string) => value } });
  return { db: new Kysely<Database>({ dialect: new PGliteDialect(pglite) }), kind: "pglite", where: dir };
}

/** Throws when the database cannot answer a trivial query. */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
