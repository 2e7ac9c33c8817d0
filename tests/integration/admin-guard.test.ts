import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as adminHome } from "~/routes/admin._index";
import { createTestApp, makeRequest, responseOf } from "../support/app";

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

describe("admin home guard", () => {
  it("sends anonymous visitors to the login page and back", async () => {
    const res = await responseOf(() => adminHome({ request: makeRequest("/admin"), context: app.anonymous(), params: {} }));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login?redirectTo=%2Fadmin");
  });

  it("refuses trainees and mentors with 403, admits admins", async () => {
    const trainee = await app.signIn(["trainee"]);
    const mentor = await app.signIn(["mentor"]);
    const admin = await app.signIn(["admin"]);
    for (const who of [trainee, mentor]) {
      const res = await responseOf(() => adminHome({ request: makeRequest("/admin"), context: who.context, params: {} }));
      expect(res.status).toBe(403);
    }
    const ok = await responseOf(() => adminHome({ request: makeRequest("/admin"), context: admin.context, params: {} }));
    expect(ok.status).toBe(200);
  });
});
