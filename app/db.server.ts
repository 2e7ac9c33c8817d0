import type { Kysely } from "kysely";
import type { DatabaseHandle } from "../db/client";
import type { Database } from "../db/schema";

// The process opens its database once (server.ts, workers/index.ts, a test) and
// registers it here; loaders and actions read it through db().
const key = Symbol.for("baicheng.database");
type Store = { [key]?: DatabaseHandle };

export function registerDatabase(handle: DatabaseHandle): void {
  (globalThis as Store)[key] = handle;
}

export function databaseHandle(): DatabaseHandle {
  const handle = (globalThis as Store)[key];
  if (!handle) throw new Error("database not opened: call registerDatabase() at start-up");
  return handle;
}

export function db(): Kysely<Database> {
  return databaseHandle().db;
}
