import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import { translate } from "~/i18n";
import { syncCatalog } from "~/models/curriculum.server";
import { createOrgUnit } from "~/models/orgs.server";
import { action as taskAction, loader as taskLoader } from "~/routes/tasks.$taskId";
import { createTestApp, makeRequest, responseOf } from "../support/app";

// The field-work "开展单位" follows the tree: a trainee names their own unit or one below it (their
// own by default); work at another school is named in text and attached to their own unit.

let app: Awaited<ReturnType<typeof createTestApp>>;
type SignedIn = Awaited<ReturnType<Awaited<ReturnType<typeof createTestApp>>["signIn"]>>;
const units = { root: "", school: "", klass: "", district: "", otherSchool: "" };
let trainee: SignedIn;
const fieldTask = () => catalog().modules.find((m) => m.track === "campus" && m.tier === "foundation" && m.tasks.some((t) => t.type === "field_work"))!.tasks.find((t) => t.type === "field_work")!;

beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
  units.root = await app.programmeRoot();
  const shanxi = await createOrgUnit(app.db, { parentId: units.root, kind: "province", name: "山西省", track: null });
  const yuncheng = await createOrgUnit(app.db, { parentId: shanxi, kind: "city", name: "运城市", track: null });
  units.district = await createOrgUnit(app.db, { parentId: yuncheng, kind: "district", name: "盐湖区", track: null });
  units.school = await createOrgUnit(app.db, { parentId: units.district, kind: "site", name: "盐湖区实验中学", track: "campus" });
  units.klass = await createOrgUnit(app.db, { parentId: units.school, kind: "group", name: "初二（3）班", track: "campus" });
  const shandong = await createOrgUnit(app.db, { parentId: units.root, kind: "province", name: "山东省", track: null });
  const yantai = await createOrgUnit(app.db, { parentId: shandong, kind: "city", name: "烟台市", track: null });
  const zhifu = await createOrgUnit(app.db, { parentId: yantai, kind: "district", name: "芝罘区", track: null });
  units.otherSchool = await createOrgUnit(app.db, { parentId: zhifu, kind: "site", name: "芝罘区第二实验小学", track: "campus" });
  trainee = await app.signIn(["trainee"], { name: "李静", orgUnitId: units.school, track: "campus" });
});
afterAll(async () => app?.close());

async function page(who: SignedIn) {
  const task = fieldTask();
  const res = await responseOf(() => taskLoader({ request: makeRequest(`/tasks/${task.id}`), context: who.context, params: { taskId: task.id } }));
  expect(res.status).toBe(200);
  return (await res.json()) as { orgs: Array<{ id: string; label: string }>; values: { orgUnitId: string; otherOrgName: string } };
}

async function save(who: SignedIn, fields: Record<string, string>) {
  const task = fieldTask();
  const res = await responseOf(() => taskAction({ request: makeRequest(`/tasks/${task.id}`, { form: { intent: "save", activityTitle: "情绪小课堂", ...fields } }), context: who.context, params: { taskId: task.id } }));
  const row = await app.db.selectFrom("submissions").select(["org_unit_id", "other_org_name", "activity_title"]).where("user_id", "=", who.id).where("task_id", "=", task.id).executeTakeFirst();
  return { res, row };
}

describe("the field-work org picker", () => {
  it("offers the trainee's own unit and the units below it, their own unit first and chosen", async () => {
    const { orgs, values } = await page(trainee);
    expect(orgs.map((o) => o.id)).toEqual([units.school, units.klass]);
    expect(values.orgUnitId).toBe(units.school);
  });

  it("refuses a unit outside the trainee's subtree with a Chinese message, writes nothing, and audits the attempt", async () => {
    const refusals = async () =>
      (await app.db.selectFrom("audit_events").select("target_id").where("action", "=", "reach.refused").where("actor_id", "=", trainee.id).orderBy("id").execute()).map((r) => r.target_id);
    const before = (await refusals()).length;
    for (const outside of [units.otherSchool, units.district, units.root]) {
      const { res, row } = await save(trainee, { orgUnitId: outside });
      expect(res.status).toBe(400);
      expect((await res.json()).errors).toEqual({ orgUnitId: "sub.error.orgOutside" });
      expect(row?.org_unit_id ?? null).toBeNull();
      expect(row?.activity_title ?? null).toBeNull();
    }
    expect(translate("zh-CN", "sub.error.orgOutside")).toContain("其他单位名称");
    expect((await refusals()).slice(before)).toEqual([units.otherSchool, units.district, units.root]);
  });

  it("keeps a unit below the trainee's own", async () => {
    const { res, row } = await save(trainee, { orgUnitId: units.klass });
    expect(res.status).toBe(200);
    expect(row).toMatchObject({ org_unit_id: units.klass, other_org_name: null });
  });

  it("keeps the name of another school and attaches the work to the trainee's own unit", async () => {
    const { res, row } = await save(trainee, { orgUnitId: "", otherOrgName: "  运城市第二中学 " });
    expect(res.status).toBe(200);
    expect(row).toMatchObject({ org_unit_id: units.school, other_org_name: "运城市第二中学" });
    const shown = await page(trainee);
    expect(shown.values).toMatchObject({ orgUnitId: units.school, otherOrgName: "运城市第二中学" });
  });

  it("tells a trainee of no unit that they cannot name one yet, and offers none", async () => {
    const unplaced = await app.signIn(["trainee"], { track: "campus" });
    expect((await page(unplaced)).orgs).toEqual([]);
    const { res } = await save(unplaced, { orgUnitId: units.school });
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual({ orgUnitId: "sub.error.noOwnUnit" });
  });
});
