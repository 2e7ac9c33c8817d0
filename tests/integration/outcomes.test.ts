import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import { createOrgUnit } from "~/models/orgs.server";
import { syncCatalog } from "~/models/curriculum.server";
import { action as dashboardAction, loader as dashboard } from "~/routes/admin.outcomes._index";
import { loader as drill } from "~/routes/admin.outcomes.$indicatorId";
import { createTestApp, makeRequest, responseOf } from "../support/app";

let app: Awaited<ReturnType<typeof createTestApp>>;
const ids = {} as Record<"root" | "a" | "b" | "aCity" | "aDistrict" | "aSchool" | "bCity", string>;
const task = "campus-foundation-emotion-friendly-classroom-field";

beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
  ids.root = await app.programmeRoot();
  ids.a = await createOrgUnit(app.db, { parentId: ids.root, kind: "province", name: "甲省", track: null });
  ids.b = await createOrgUnit(app.db, { parentId: ids.root, kind: "province", name: "乙省", track: null });
  ids.aCity = await createOrgUnit(app.db, { parentId: ids.a, kind: "city", name: "甲市", track: null });
  ids.aDistrict = await createOrgUnit(app.db, { parentId: ids.aCity, kind: "district", name: "甲区", track: null });
  ids.aSchool = await createOrgUnit(app.db, { parentId: ids.aDistrict, kind: "site", name: "甲校", track: "campus" });
  ids.bCity = await createOrgUnit(app.db, { parentId: ids.b, kind: "city", name: "乙市", track: null });

  const field = async (orgUnitId: string, people: number, status: "passed" | "not_passed", date = "2026-10-15") => {
    const trainee = await app.signIn(["trainee"], { track: "campus", orgUnitId });
    await app.db
      .insertInto("submissions")
      .values({ user_id: trainee.id, task_id: task, task_version: 1, module_id: "campus-foundation-emotion-friendly-classroom", track: "campus", tier: "foundation", type: "field_work", status, activity_title: `活动${people}`, activity_date: date, org_unit_id: orgUnitId, audience_type: "students", people_reached: people })
      .execute();
  };
  await field(ids.aSchool, 30, "passed");
  await field(ids.aSchool, 12, "passed");
  await field(ids.aSchool, 99, "not_passed");
  await field(ids.bCity, 7, "passed");
  await field(ids.aSchool, 500, "passed", "2025-10-01"); // before the programme: not year 1
});
afterAll(async () => app?.close());

const url = (region: string, extra = "") => `/admin/outcomes?region=${region}&track=campus&year=1${extra}`;

describe("outcomes dashboard", () => {
  it("computes people reached from passed field work only, rolled up the tree, and the drill-down agrees", async () => {
    const admin = await app.signIn(["admin"], { orgUnitId: ids.root });
    const res = await responseOf(() => dashboard({ request: makeRequest(url(ids.root)), context: admin.context, params: {} }));
    const data = await res.json();
    const students = data.indicators.find((i: { id: string }) => i.id === "campus-y1-students");
    expect(students.figure).toBe(49);
    expect(students.target).toBe(10000);
    expect(data.comparison.map((c: { name: string; cells: Array<{ figure: number }> }) => [c.name, c.cells[data.indicators.indexOf(students)]!.figure])).toEqual(
      expect.arrayContaining([
        ["甲省", 42],
        ["乙省", 7],
      ]),
    );
    const list = await responseOf(() => drill({ request: makeRequest(url(ids.a).replace("/admin/outcomes", "/admin/outcomes/campus-y1-students")), context: admin.context, params: { indicatorId: "campus-y1-students" } }));
    const rows = await list.json();
    expect(rows.figure).toBe(42);
    expect(rows.rows.reduce((s: number, r: { amount: number }) => s + r.amount, 0)).toBe(42);
  });

  it("keeps a regional admin inside their subtree", async () => {
    const regional = await app.signIn(["admin"], { orgUnitId: ids.a });
    const own = await responseOf(() => dashboard({ request: makeRequest(url(ids.aCity)), context: regional.context, params: {} }));
    expect(own.status).toBe(200);
    const other = await responseOf(() => dashboard({ request: makeRequest(url(ids.b)), context: regional.context, params: {} }));
    expect(other.status).toBe(403);
    const drillOther = await responseOf(() => drill({ request: makeRequest(`/admin/outcomes/campus-y1-students?region=${ids.b}`), context: regional.context, params: { indicatorId: "campus-y1-students" } }));
    expect(drillOther.status).toBe(403);
  });

  it("shows 未设定 for a province without a target of its own, never the national target", async () => {
    const admin = await app.signIn(["admin"], { orgUnitId: ids.root });
    const data = await (await responseOf(() => dashboard({ request: makeRequest(url(ids.b)), context: admin.context, params: {} }))).json();
    const students = data.indicators.find((i: { id: string }) => i.id === "campus-y1-students");
    expect(students.target).toBeNull();
    expect(students.percent).toBeNull();
  });

  it("lists the regions a level at a time: the way up to the admin's own unit, the region, and its children", async () => {
    const admin = await app.signIn(["admin"], { orgUnitId: ids.root });
    const atRoot = await (await responseOf(() => dashboard({ request: makeRequest(url(ids.root)), context: admin.context, params: {} }))).json();
    expect(atRoot.regions.map((r: { name: string }) => r.name)).toEqual(["全国工作组", "\u3000甲省", "\u3000乙省"]);
    const inCity = await (await responseOf(() => dashboard({ request: makeRequest(url(ids.aCity)), context: admin.context, params: {} }))).json();
    expect(inCity.regions.map((r: { name: string }) => r.name)).toEqual(["全国工作组", "\u3000甲省", "\u3000\u3000甲市", "\u3000\u3000\u3000甲区"]);
    expect(inCity.ancestors.map((r: { name: string }) => r.name)).toEqual(["全国工作组", "甲省"]);
    // A regional admin's way up stops at their own unit.
    const regional = await app.signIn(["admin"], { orgUnitId: ids.a });
    const theirs = await (await responseOf(() => dashboard({ request: makeRequest(url(ids.aDistrict)), context: regional.context, params: {} }))).json();
    expect(theirs.ancestors.map((r: { name: string }) => r.name)).toEqual(["甲省", "甲市"]);
  });

  it("refuses bad targets and saves a good one for the region", async () => {
    const admin = await app.signIn(["admin"], { orgUnitId: ids.root });
    const post = (target: string) => responseOf(() => dashboardAction({ request: makeRequest(url(ids.a), { form: { intent: "target", indicatorId: "campus-y1-students", target } }), context: admin.context, params: {} }));
    expect((await (await post("-5")).json()).error).toBe("outcomes.target.negative");
    expect((await (await post("很多")).json()).error).toBe("outcomes.target.notNumber");
    expect((await post("800")).status).toBe(200);
    const data = await (await responseOf(() => dashboard({ request: makeRequest(url(ids.a)), context: admin.context, params: {} }))).json();
    expect(data.indicators.find((i: { id: string }) => i.id === "campus-y1-students").target).toBe(800);
  });

  it("marks a school's milestone only with evidence, once", async () => {
    const admin = await app.signIn(["admin"], { orgUnitId: ids.root });
    const post = (evidence: string) =>
      responseOf(() => dashboardAction({ request: makeRequest(url(ids.root), { form: { intent: "milestone", orgUnitId: ids.aSchool, milestone: "standardised", evidence } }), context: admin.context, params: {} }));
    expect((await (await post("")).json()).error).toBe("outcomes.milestone.noEvidence");
    expect((await post("2026年市教育局规范化评估达标，文件编号运教〔2026〕12号")).status).toBe(200);
    expect((await post("重复标记的依据说明文字")).status).toBe(409);
    const year2 = await (await responseOf(() => dashboard({ request: makeRequest(`/admin/outcomes?region=${ids.root}&track=campus&year=2`), context: admin.context, params: {} }))).json();
    expect(year2.indicators.find((i: { id: string }) => i.id === "campus-y2-standardised-schools").figure).toBe(1);
  });

  it("draws each sub-region's bar against that region's own target, not against the biggest sibling", async () => {
    const admin = await app.signIn(["admin"], { orgUnitId: ids.root });
    const setTarget = (region: string, target: string) =>
      responseOf(() => dashboardAction({ request: makeRequest(url(region), { form: { intent: "target", indicatorId: "campus-y1-students", target } }), context: admin.context, params: {} }));
    expect((await setTarget(ids.b, "1000")).status).toBe(200);
    expect((await setTarget(ids.a, "800")).status).toBe(200);
    const data = await (await responseOf(() => dashboard({ request: makeRequest(url(ids.root)), context: admin.context, params: {} }))).json();
    const k = data.indicators.findIndex((i: { id: string }) => i.id === "campus-y1-students");
    const cell = (name: string) => data.comparison.find((c: { name: string }) => c.name === name).cells[k];
    // 7 of 1,000 is a sliver (1%), even though 乙省 is the only sibling with a target.
    expect(cell("乙省")).toEqual({ figure: 7, target: 1000, percent: 1 });
    expect(cell("甲省")).toEqual({ figure: 42, target: 800, percent: 5 });
    // 甲市 has no target of its own: the figure shows, no bar is invented.
    const inA = await (await responseOf(() => dashboard({ request: makeRequest(url(ids.a)), context: admin.context, params: {} }))).json();
    expect(inA.comparison.find((c: { name: string }) => c.name === "甲市").cells[k]).toEqual({ figure: 42, target: null, percent: null });
  });

  it("is for admins only", async () => {
    const trainee = await app.signIn(["trainee"]);
    expect((await responseOf(() => dashboard({ request: makeRequest(url(ids.root)), context: trainee.context, params: {} }))).status).toBe(403);
    expect((await responseOf(() => dashboard({ request: makeRequest(url(ids.root)), context: app.anonymous(), params: {} }))).status).toBe(302);
  });
});

describe("public showcase", () => {
  it("shows only approved work whose author consented, without login", async () => {
    const { loader: showcase } = await import("~/routes/showcase._index");
    const { loader: showcaseItem } = await import("~/routes/showcase.$submissionId");
    const { action: approve } = await import("~/routes/admin.showcase");
    const admin = await app.signIn(["admin"], { orgUnitId: ids.root });
    const make = async (consent: boolean) => {
      const trainee = await app.signIn(["trainee"], { track: "campus", orgUnitId: ids.aSchool });
      const row = await app.db
        .insertInto("submissions")
        .values({ user_id: trainee.id, task_id: task, task_version: 1, module_id: "campus-foundation-emotion-friendly-classroom", track: "campus", tier: "foundation", type: "field_work", status: "passed", activity_title: consent ? "公开的活动" : "未同意的活动", activity_date: "2026-10-20", org_unit_id: ids.aSchool, audience_type: "students", people_reached: 20, showcase_consent: consent, body: JSON.stringify({ reflection: "反思内容" }) })
        .returning("id")
        .executeTakeFirstOrThrow();
      await app.db.insertInto("showcase_items").values({ submission_id: row.id, nominated_by: admin.id }).execute();
      return row.id;
    };
    const consented = await make(true);
    const refused = await make(false);
    const decide = (submissionId: string) => responseOf(() => approve({ request: makeRequest("/admin/showcase", { form: { submissionId, intent: "approve" } }), context: admin.context, params: {} }));
    expect((await decide(consented)).status).toBe(200);
    expect((await decide(refused)).status).toBe(409);
    expect((await decide(consented)).status).toBe(409); // already decided

    const list = await (await responseOf(() => showcase({ request: makeRequest("/showcase?track=campus"), context: app.anonymous(), params: {} }))).json();
    expect(list.items.map((i: { title: string }) => i.title)).toEqual(["公开的活动"]);
    expect((await responseOf(() => showcaseItem({ request: makeRequest("/x"), context: app.anonymous(), params: { submissionId: consented } }))).status).toBe(200);
    expect((await responseOf(() => showcaseItem({ request: makeRequest("/x"), context: app.anonymous(), params: { submissionId: refused } }))).status).toBe(404);
  });
});

describe("trend", () => {
  it("spreads the figure over the months of the programme year", async () => {
    const admin = await app.signIn(["admin"], { orgUnitId: ids.root });
    const data = await (await responseOf(() => dashboard({ request: makeRequest(url(ids.a)), context: admin.context, params: {} }))).json();
    const students = data.indicators.find((i: { id: string }) => i.id === "campus-y1-students");
    expect(students.trend).toHaveLength(12);
    expect(students.trend[0].month).toBe("2026-09");
    expect(students.trend.find((p: { month: string }) => p.month === "2026-10").value).toBe(students.figure); // every activity here was in October
    expect(students.trend.reduce((s: number, p: { value: number }) => s + p.value, 0)).toBe(students.figure);
  });
});

describe("certified trainees", () => {
  it("counts live certificates of the indicator's tier in the year, not revoked or superseded ones", async () => {
    const admin = await app.signIn(["admin"], { orgUnitId: ids.root });
    const cert = async (status: "issued" | "revoked" | "superseded", tier: "foundation" | "specialist", issuedAt: string, orgUnitId = ids.aSchool) => {
      const trainee = await app.signIn(["trainee"], { track: "campus", orgUnitId });
      await app.db
        .insertInto("certificates")
        .values({ number: `T-${Math.random().toString(36).slice(2)}`, user_id: trainee.id, track: "campus", tier, status, name_on_certificate: "测试", issued_at: issuedAt })
        .execute();
    };
    await cert("issued", "foundation", "2026-10-01T08:00:00+08:00");
    await cert("issued", "foundation", "2027-03-01T08:00:00+08:00", ids.bCity);
    await cert("revoked", "foundation", "2026-10-02T08:00:00+08:00");
    await cert("superseded", "foundation", "2026-10-03T08:00:00+08:00");
    await cert("issued", "specialist", "2026-10-04T08:00:00+08:00");
    await cert("issued", "foundation", "2025-10-01T08:00:00+08:00"); // before year 1
    const data = await (await responseOf(() => dashboard({ request: makeRequest(url(ids.root)), context: admin.context, params: {} }))).json();
    const byId = (id: string) => data.indicators.find((i: { id: string }) => i.id === id).figure;
    expect(byId("campus-y1-all-subject-teachers")).toBe(2); // foundation, year 1, live
    expect(byId("campus-y1-mh-teachers")).toBe(1); // specialist
    const regionA = await (await responseOf(() => dashboard({ request: makeRequest(url(ids.a)), context: admin.context, params: {} }))).json();
    expect(regionA.indicators.find((i: { id: string }) => i.id === "campus-y1-all-subject-teachers").figure).toBe(1);
  });
});
