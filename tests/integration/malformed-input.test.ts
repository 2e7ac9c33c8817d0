import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate, startSession } from "~/auth.server";
import { catalog } from "~/catalog/catalog.server";
import { syncCatalog } from "~/models/curriculum.server";
import { action as showcaseAction } from "~/routes/admin.showcase";
import { action as newUserAction } from "~/routes/admin.users.new";
import { action as loginAction } from "~/routes/login";
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

describe("one schema per form: what no page sends is a 400 in Chinese, what a person typed keeps its field message", () => {
  it("refuses an over-long name with the too-long 400 and writes nothing, while a name a little too long gets the field message and keeps the form", async () => {
    const me = await app.signIn(["trainee"]);
    const { name: before, phone } = await app.db.selectFrom("users").select(["name", "phone"]).where("id", "=", me.id).executeTakeFirstOrThrow();
    const post = (name: string) => responseOf(() => profileAction({ request: makeRequest("/profile", { form: { intent: "profile", name, phone: phone ?? "" } }), context: me.context, params: {} }));

    const huge = await post("李".repeat(100_001));
    expect(huge.status).toBe(400);
    expect(await huge.text()).toContain("提交的内容过长");

    const typed = "李".repeat(51);
    const long = await post(typed);
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({ intent: "profile", ok: false, values: { name: typed }, errors: { name: "form.error.name" } });
    expect((await app.db.selectFrom("users").select("name").where("id", "=", me.id).executeTakeFirstOrThrow()).name).toBe(before);
  });

  it("answers a post without an intent, or with one no page offers, with a 400 and no change", async () => {
    const me = await app.signIn(["trainee"]);
    const forms: Array<Record<string, string>> = [{}, { intent: "delete" }, { intent: "profile ", name: "王五" }];
    for (const form of forms) {
      const res = await responseOf(() => profileAction({ request: makeRequest("/profile", { form }), context: me.context, params: {} }));
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/^提交的内容/);
    }
  });

  it("keeps the sign-in messages for what a person types, and refuses an identifier no one types", async () => {
    const typo = await responseOf(() => loginAction({ request: makeRequest("/login", { form: { identifier: "1".repeat(300), password: "x" } }), context: app.anonymous(), params: {} }));
    expect(typo.status).toBe(400);
    expect(await typo.json()).toMatchObject({ error: "login.error.identifier" });
    const huge = await responseOf(() => loginAction({ request: makeRequest("/login", { form: { identifier: "1".repeat(5_000), password: "x" } }), context: app.anonymous(), params: {} }));
    expect(huge.status).toBe(400);
    expect(await huge.text()).toContain("提交的内容过长");
  });

  it("answers a non-UUID or unknown id on /admin/showcase with a 404, not a 500", async () => {
    const admin = await app.signIn(["admin"]);
    for (const submissionId of ["not-a-uuid", "'; drop table submissions; --", randomUUID()]) {
      const res = await responseOf(() => showcaseAction({ request: makeRequest("/admin/showcase", { form: { intent: "approve", submissionId } }), context: admin.context, params: {} }));
      expect(res.status).toBe(404);
    }
  });

  it("answers an unknown or malformed org unit in the user form with the field message, creating no one", async () => {
    const admin = await app.signIn(["admin"]);
    const users = async () => Number((await app.db.selectFrom("users").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);
    const before = await users();
    for (const orgUnitId of [randomUUID(), "not-a-uuid"]) {
      const form = { name: "赵六", phone: `137${String(Date.now()).slice(-8)}`, email: "", orgUnitId, track: "campus", roles: "trainee" };
      const res = await responseOf(() => newUserAction({ request: makeRequest("/admin/users/new", { form }), context: admin.context, params: {} }));
      expect(res.status).toBeLessThan(500);
      expect((await res.json()).errors.orgUnitId).toBe("users.error.org");
    }
    expect(await users()).toBe(before);
  });

  it("ends the session on /logout even with a hostile scope, and ends only this one", async () => {
    const { id } = await app.signIn(["trainee"]);
    const mine = (await startSession(id, {})).split(";")[0]!;
    const other = (await startSession(id, {})).split(";")[0]!;
    const { auth } = await authenticate(mine);
    const res = await responseOf(() => logoutAction({ request: makeRequest("/logout", { form: { scope: "all".repeat(100_000) } }), context: { auth, ip: null }, params: {} }));
    expect(res.status).toBe(302);
    expect((await authenticate(mine)).auth.user).toBeNull();
    expect((await authenticate(other)).auth.user).not.toBeNull();
  });
});
