import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate, startSession } from "~/auth.server";
import { catalog } from "~/catalog/catalog.server";
import { syncCatalog } from "~/models/curriculum.server";
import { action as logoutAction } from "~/routes/logout";
import { action as profileAction } from "~/routes/profile";
import { action as taskAction } from "~/routes/tasks.$taskId";
import { createTestApp, makeRequest, responseOf } from "../support/app";

// Findings of the hardening probe that were 500s or silently stored hostile text.

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
});
afterAll(async () => app?.close());

describe("POST /logout with no body", () => {
  it("ends the session and redirects, instead of a 500 that leaves the session valid", async () => {
    const { id } = await app.signIn(["trainee"]);
    const cookie = (await startSession(id, {})).split(";")[0]!;
    const { auth } = await authenticate(cookie);
    // What `curl -X POST /logout` sends: no body, no content type.
    const request = new Request("http://localhost/logout", { method: "POST" });
    const res = await responseOf(() => logoutAction({ request, context: { auth, ip: null }, params: {} }));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login");
    expect((await authenticate(cookie)).auth.user).toBeNull();
  });
});

describe("names on the profile", () => {
  async function saveName(name: string) {
    const me = await app.signIn(["trainee"]);
    const { phone } = await app.db.selectFrom("users").select("phone").where("id", "=", me.id).executeTakeFirstOrThrow();
    const res = await responseOf(() => profileAction({ request: makeRequest("/profile", { form: { intent: "profile", name, phone: phone ?? "" } }), context: me.context, params: {} }));
    const stored = await app.db.selectFrom("users").select("name").where("id", "=", me.id).executeTakeFirstOrThrow();
    return { status: res.status, body: await res.json(), stored: stored.name, before: me };
  }

  it("refuses a name of only zero-width spaces and one with a right-to-left override, writing nothing", async () => {
    for (const [name, error] of [
      ["\u200b\u200b", "name.error.invisible"],
      ["李\u202e静", "name.error.controlCharacters"],
      ["\u2066王\u2069", "name.error.controlCharacters"],
    ] as const) {
      const { status, body, stored } = await saveName(name);
      expect(status).toBe(400);
      expect(body.errors.name).toBe(error);
      expect(stored).not.toBe(name);
    }
  });

  it("stores an accepted name NFC-normalised and trimmed", async () => {
    const { status, stored } = await saveName("  Rene\u0301 ");
    expect(status).toBe(200);
    expect(stored).toBe("René");
  });
});

describe("field work save", () => {
  const fieldTask = () => catalog().modules.flatMap((m) => (m.track === "campus" && m.tier === "foundation" ? m.tasks : [])).find((t) => t.type === "field_work")!;

  async function save(fields: Record<string, string>) {
    const trainee = await app.signIn(["trainee"], { track: "campus" });
    const task = fieldTask();
    const act = (form: Record<string, string>) => responseOf(() => taskAction({ request: makeRequest(`/tasks/${task.id}`, { form }), context: trainee.context, params: { taskId: task.id } }));
    expect((await act({ intent: "start" })).status).toBe(200);
    const res = await act({ intent: "save", ...fields });
    const row = await app.db.selectFrom("submissions").select(["org_unit_id", "activity_title", "place"]).where("user_id", "=", trainee.id).executeTakeFirstOrThrow();
    return { res, row };
  }

  it("answers an unknown org unit with a message, not a foreign-key 500", async () => {
    const { res, row } = await save({ orgUnitId: randomUUID(), activityTitle: "心理健康周" });
    expect(res.status).toBe(400);
    expect((await res.json()).errors.orgUnitId).toBe("sub.error.org");
    expect(row.org_unit_id).toBeNull();
    expect(row.activity_title).toBeNull();
  });

  it("refuses an archived org unit too", async () => {
    const archived = await app.db
      .insertInto("org_units")
      .values({ parent_id: null, level: 1, kind: "national", name: `已归档${randomUUID().slice(0, 6)}`, track: null, path: `/${randomUUID()}/`, archived_at: new Date() })
      .returning("id")
      .executeTakeFirstOrThrow();
    const { res } = await save({ orgUnitId: archived.id });
    expect(res.status).toBe(400);
  });

  it("strips direction overrides and zero-width characters from the activity title and place", async () => {
    const { res, row } = await save({ activityTitle: "情绪\u202e小课堂\u200b", place: "\u2066初二（3）班\u2069" });
    expect(res.status).toBe(200);
    expect(row.activity_title).toBe("情绪小课堂");
    expect(row.place).toBe("初二（3）班");
  });
});
