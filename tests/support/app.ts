import type { AppLoadContext } from "@remix-run/node";
import { registerDatabase } from "~/db.server";
import type { Role } from "~/domain/roles";
import { createOrgUnit } from "~/models/orgs.server";
import { insertUser } from "~/models/users.server";
import { closeQueues, registerQueues } from "~/queue.server";
import { registerIssuerKey } from "~/runtime/issuer-key.server";
import { publishIssuerKey } from "~/services/credentials.server";
import { createTestDatabase, type TestDatabase } from "./database";
import { testIssuerKey } from "./issuer-key";
import { createQueuePrefix } from "./redis";

/**
 * A test file's own app world: a fresh database and queue prefix registered the way server.ts
 * registers them, so loaders and actions run against real PostgreSQL and Redis.
 */
export async function createTestApp() {
  const database: TestDatabase = await createTestDatabase();
  const redis = createQueuePrefix();
  registerDatabase(database);
  registerQueues({ redisUrl: redis.redisUrl, prefix: redis.prefix });
  registerIssuerKey(testIssuerKey);
  await publishIssuerKey(database.db, testIssuerKey);
  let counter = 0;
  /** The programme's root unit (全国工作组), made on first use: programme admins belong to it. */
  async function programmeRoot(): Promise<string> {
    const found = await database.db.selectFrom("org_units").select("id").where("parent_id", "is", null).where("archived_at", "is", null).orderBy("created_at").executeTakeFirst();
    return found?.id ?? createOrgUnit(database.db, { parentId: null, kind: "national", name: "全国工作组", track: null });
  }
  return {
    database,
    db: database.db,
    redis,
    programmeRoot,
    /** A new active user with these roles, and the request context of their signed-in session. */
    async signIn(roles: Role[], overrides: { name?: string; orgUnitId?: string | null; track?: "campus" | "community" | null; signedUp?: boolean } = {}) {
      counter += 1;
      // An admin acts only inside their unit's subtree: one given no unit is a programme admin.
      if (roles.includes("admin") && overrides.orgUnitId === undefined) overrides = { ...overrides, orgUnitId: await programmeRoot() };
      const id = await insertUser(
        database.db,
        {
          name: overrides.name ?? `测试用户${counter}`,
          phone: `139${String(Date.now() % 1e5).padStart(5, "0")}${String(counter).padStart(3, "0")}`,
          email: null,
          orgUnitId: overrides.orgUnitId ?? null,
          track: overrides.track ?? null,
        },
        roles,
        null,
      );
      // Someone signed in has accepted their invitation: they have a password (never checked here).
      if (overrides.signedUp !== false) await database.db.updateTable("users").set({ password_hash: "signed-in-in-a-test" }).where("id", "=", id).execute();
      const orgUnitId = overrides.orgUnitId ?? null;
      const unit = orgUnitId ? await database.db.selectFrom("org_units").select("path").where("id", "=", orgUnitId).executeTakeFirst() : undefined;
      const user = { id, name: overrides.name ?? `测试用户${counter}`, roles, orgUnitId, orgPath: unit?.path ?? null };
      const context: AppLoadContext = { auth: { user, sessionId: `test-${id}` }, ip: "127.0.0.1" };
      return { id, context };
    },
    anonymous(): AppLoadContext {
      return { auth: { user: null, sessionId: null }, ip: "127.0.0.1" };
    },
    async close() {
      await closeQueues();
      await redis.clean();
      await database.drop();
    },
  };
}

/** A Request as Remix hands it to a loader or action. */
export function makeRequest(path: string, init: { method?: string; form?: Record<string, string | string[]>; body?: BodyInit } = {}) {
  const url = `http://localhost${path}`;
  if (init.form) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(init.form)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    return new Request(url, { method: init.method ?? "POST", body });
  }
  return new Request(url, { method: init.method ?? (init.body ? "POST" : "GET"), body: init.body });
}

/** Runs a loader/action and returns the thrown or returned Response. */
export async function responseOf(run: () => Promise<unknown>): Promise<Response> {
  try {
    const result = await run();
    if (result instanceof Response) return result;
    throw new Error(`expected a Response, got ${typeof result}`);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
