import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrgUnit } from "~/models/orgs.server";
import { loader as search } from "~/routes/admin.search";
import { createTestApp, makeRequest, responseOf } from "../support/app";

// Admin search: people, units and certificates by name or number, only inside the admin's reach.

let app: Awaited<ReturnType<typeof createTestApp>>;
let root: string;
let province: string;
let other: string;
const stamp = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  app = await createTestApp();
  root = await app.programmeRoot();
  province = await createOrgUnit(app.db, { parentId: root, kind: "province", name: `搜索省${stamp}`, track: null });
  other = await createOrgUnit(app.db, { parentId: root, kind: "province", name: `其他省${stamp}`, track: null });
  await createOrgUnit(app.db, { parentId: province, kind: "city", name: `搜索市${stamp}`, track: null });
});
afterAll(async () => app?.close());

const find = async (who: Awaited<ReturnType<typeof app.signIn>>, q: string) => {
  const res = await responseOf(() => search({ request: makeRequest(`/admin/search?q=${encodeURIComponent(q)}`), context: who.context, params: {} }));
  expect(res.status).toBe(200);
  return res.json();
};

describe("admin search", () => {
  it("finds people by name or phone, units by name and certificates by number or holder, within reach only", async () => {
    const trainee = await app.signIn(["trainee"], { name: `王搜索${stamp}`, track: "campus", orgUnitId: province });
    const number = `BC-S-${stamp}`;
    await app.db.insertInto("certificates").values({ number, user_id: trainee.id, track: "campus", tier: "foundation", status: "issued", name_on_certificate: `王搜索${stamp}`, issued_at: new Date() }).execute();
    const { phone } = await app.db.selectFrom("users").select("phone").where("id", "=", trainee.id).executeTakeFirstOrThrow();

    const national = await app.signIn(["admin"], { orgUnitId: root });
    expect((await find(national, `王搜索${stamp}`)).people.rows.map((p: { id: string }) => p.id)).toEqual([trainee.id]);
    if (phone) expect((await find(national, phone)).people.rows.map((p: { id: string }) => p.id)).toEqual([trainee.id]);
    expect((await find(national, `搜索市${stamp}`)).units.rows.map((u: { label: string }) => u.label)).toEqual([expect.stringContaining(`搜索市${stamp}`)]);
    const byNumber = await find(national, number);
    expect(byNumber.certificates.rows).toEqual([expect.objectContaining({ number, name: `王搜索${stamp}`, status: "issued" })]);

    const regional = await app.signIn(["admin"], { orgUnitId: province });
    expect((await find(regional, number)).certificates.rows).toHaveLength(1);

    const outside = await app.signIn(["admin"], { orgUnitId: other });
    const none = await find(outside, `王搜索${stamp}`);
    expect(none.people.rows).toEqual([]);
    expect(none.certificates.rows).toEqual([]);
    expect((await find(outside, number)).certificates.rows).toEqual([]);
    expect((await find(outside, `搜索市${stamp}`)).units.rows).toEqual([]);
  });

  it("is for admins only and answers an empty box with nothing", async () => {
    const admin = await app.signIn(["admin"], { orgUnitId: root });
    expect(await find(admin, "")).toEqual({ q: "", people: null, units: null, certificates: null });
    const trainee = await app.signIn(["trainee"]);
    expect((await responseOf(() => search({ request: makeRequest("/admin/search?q=x"), context: trainee.context, params: {} }))).status).toBe(403);
    expect((await responseOf(() => search({ request: makeRequest("/admin/search?q=x"), context: app.anonymous(), params: {} }))).status).toBe(302);
  });
});
