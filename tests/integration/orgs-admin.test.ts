import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrgKind } from "~/domain/org-tree";
import { translate, type MessageKey } from "~/i18n";
import { createOrgUnit, getOrgUnit } from "~/models/orgs.server";
import { action as orgAction, loader as orgLoader, type OrgOutcome } from "~/routes/admin.orgs";
import type { TrackColumn } from "../../db/schema";
import { createTestApp, makeRequest, responseOf } from "../support/app";

let app: Awaited<ReturnType<typeof createTestApp>>;
let admin: Awaited<ReturnType<Awaited<ReturnType<typeof createTestApp>>["signIn"]>>;
let nationalId: string;

beforeAll(async () => {
  app = await createTestApp();
  admin = await app.signIn(["admin"]);
  nationalId = await app.programmeRoot();
});
afterAll(async () => app?.close());

let provinceCounter = 0;
/**
 * A province of this test's own, with one city, district, a campus school with a class, and a community centre:
 * tests share one database, so each builds its own branch.
 */
async function seedProvince(cityName = "运城市") {
  provinceCounter += 1;
  const add = (parentId: string, kind: OrgKind, name: string, track: TrackColumn | null = null) =>
    createOrgUnit(app.db, { parentId, kind, name, track });
  const province = await add(nationalId, "province", `测试省${provinceCounter}`);
  const city = await add(province, "city", cityName);
  const district = await add(city, "district", "盐湖区");
  const school = await add(district, "site", "实验中学", "campus");
  const klass = await add(school, "group", "初二（3）班", "campus");
  const centre = await add(district, "site", "东城社区心理服务站", "community");
  return { province, city, district, school, klass, centre };
}

async function unit(id: string) {
  const row = await getOrgUnit(app.db, id);
  if (!row) throw new Error(`org unit ${id} is gone`);
  return row;
}

async function submit(form: Record<string, string>, context = admin.context) {
  const res = await responseOf(() => orgAction({ request: makeRequest("/admin/orgs", { form }), context, params: {} }));
  return res;
}

/** Submits as the admin and returns the status and the outcome the page renders. */
async function outcomeOf(form: Record<string, string>): Promise<{ status: number; body: OrgOutcome; text: string }> {
  const res = await submit(form);
  const body = (await res.json()) as OrgOutcome;
  const params = Object.fromEntries(
    Object.entries(body.params).map(([k, v]) => [k, typeof v === "object" ? translate("zh-CN", v.msg) : v]),
  );
  return { status: res.status, body, text: translate("zh-CN", body.message as MessageKey, params) };
}

async function auditRows(targetId: string) {
  return app.db.selectFrom("audit_events").selectAll().where("target_id", "=", targetId).orderBy("id").execute();
}

async function childrenOf(parentId: string) {
  return app.db.selectFrom("org_units").selectAll().where("parent_id", "=", parentId).execute();
}

describe("who may open /admin/orgs", () => {
  it("sends anonymous visitors to the login page and back", async () => {
    const res = await responseOf(() => orgLoader({ request: makeRequest("/admin/orgs"), context: app.anonymous(), params: {} }));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login?redirectTo=%2Fadmin%2Forgs");
    const post = await submit({ intent: "create", parentId: nationalId, name: "匿名省" }, app.anonymous());
    expect(post.status).toBe(302);
  });

  it("refuses trainees and mentors, for the page and for changes", async () => {
    for (const roles of [["trainee"], ["mentor"]] as const) {
      const who = await app.signIn([...roles]);
      const page = await responseOf(() => orgLoader({ request: makeRequest("/admin/orgs"), context: who.context, params: {} }));
      expect(page.status).toBe(403);
      const post = await submit({ intent: "create", parentId: nationalId, name: "越权省" }, who.context);
      expect(post.status).toBe(403);
    }
    expect((await childrenOf(nationalId)).some((u) => u.name === "越权省")).toBe(false);
  });

  it("shows admins the tree with members per subtree, archived units only on request", async () => {
    const tree = await seedProvince();
    await app.signIn(["trainee"], { orgUnitId: tree.klass, track: "campus" });
    await app.signIn(["trainee"], { orgUnitId: tree.centre, track: "community" });
    const gone = await createOrgUnit(app.db, { parentId: tree.district, kind: "site", name: "已撤并学校", track: "campus" });
    await app.db.updateTable("org_units").set({ archived_at: new Date() }).where("id", "=", gone).execute();

    const res = await responseOf(() => orgLoader({ request: makeRequest("/admin/orgs"), context: admin.context, params: {} }));
    expect(res.status).toBe(200);
    const data = (await res.json()) as { units: Array<{ id: string; members: number; archived: boolean }> };
    const byId = new Map(data.units.map((u) => [u.id, u]));
    expect(byId.get(tree.klass)?.members).toBe(1);
    expect(byId.get(tree.school)?.members).toBe(1);
    expect(byId.get(tree.district)?.members).toBe(2);
    expect(byId.get(tree.province)?.members).toBe(2);
    expect(byId.has(gone)).toBe(false);

    const all = await responseOf(() => orgLoader({ request: makeRequest("/admin/orgs?archived=1"), context: admin.context, params: {} }));
    const withArchived = (await all.json()) as typeof data;
    expect(withArchived.units.find((u) => u.id === gone)?.archived).toBe(true);
  });
});

describe("creating a unit", () => {
  it("creates a child of the next level under its parent, with its path, and audits it", async () => {
    const tree = await seedProvince();
    const { status, body, text } = await outcomeOf({ intent: "create", parentId: tree.city, name: "  临猗县 ", track: "" });
    expect(status).toBe(200);
    expect(text).toBe("已新建“临猗县”。");
    const created = (await childrenOf(tree.city)).find((u) => u.name === "临猗县");
    expect(created).toMatchObject({ kind: "district", level: 4, track: null, archived_at: null });
    const city = await unit(tree.city);
    expect(created?.path).toBe(`${city.path}${created?.id}/`);
    expect(body.ok && body.path).toBe(created?.path);
    const audit = await auditRows(created!.id);
    expect(audit.map((a) => a.action)).toEqual(["org.created"]);
    expect(audit[0]).toMatchObject({ actor_id: admin.id, target_type: "org_unit" });
    expect(audit[0]!.details).toMatchObject({ name: "临猗县", kind: "district", parentId: tree.city });
  });

  it("requires a track for schools and classes, and the parent's track below a tracked unit", async () => {
    const tree = await seedProvince();
    const noTrack = await outcomeOf({ intent: "create", parentId: tree.district, name: "第二中学", track: "" });
    expect(noTrack.status).toBe(400);
    expect(noTrack.body).toMatchObject({ ok: false, field: "track", values: { name: "第二中学", track: "" } });
    expect(noTrack.text).toContain("必须选择条线");

    const mismatch = await outcomeOf({ intent: "create", parentId: tree.school, name: "社区网格", track: "community" });
    expect(mismatch.status).toBe(400);
    expect(mismatch.text).toBe("“实验中学”属于校园行，下级也必须属于校园行。");

    const ok = await outcomeOf({ intent: "create", parentId: tree.district, name: "第二中学", track: "campus" });
    expect(ok.status).toBe(200);
    const names = (await childrenOf(tree.district)).map((u) => u.name).sort();
    expect(names).toEqual(["东城社区心理服务站", "实验中学", "第二中学"].sort());
    const klass = await outcomeOf({ intent: "create", parentId: tree.school, name: "初一（1）班", track: "campus" });
    expect(klass.status).toBe(200);
    expect((await childrenOf(tree.school)).find((u) => u.name === "初一（1）班")).toMatchObject({ kind: "group", level: 6, track: "campus" });
  });

  it("refuses an empty, a too long or a duplicate sibling name and keeps what was typed", async () => {
    const tree = await seedProvince();
    const before = (await childrenOf(tree.school)).length;

    const empty = await outcomeOf({ intent: "create", parentId: tree.school, name: "   ", track: "campus" });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ ok: false, field: "name", values: { name: "   ", track: "campus" } });
    expect(empty.text).toBe("请填写名称。");

    const long = "班".repeat(61);
    const tooLong = await outcomeOf({ intent: "create", parentId: tree.school, name: long, track: "campus" });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toBe("名称不能超过 60 个字（现在是 61 个）。");
    expect(tooLong.body.ok === false && tooLong.body.values.name).toBe(long);

    // Half-width brackets and extra spaces do not make a different class.
    const duplicate = await outcomeOf({ intent: "create", parentId: tree.school, name: "初二 (3)班", track: "campus" });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body).toMatchObject({ ok: false, field: "name" });
    expect(duplicate.text).toBe("“实验中学”下已有名为“初二 (3)班”的单位，请换一个名称。");

    expect((await childrenOf(tree.school)).length).toBe(before);

    // The same name under another parent is fine.
    const elsewhere = await outcomeOf({ intent: "create", parentId: tree.centre, name: "初二（3）班", track: "community" });
    expect(elsewhere.status).toBe(200);
  });

  it("refuses a child below the last level or under an archived unit, and a second national root", async () => {
    const tree = await seedProvince();
    const below = await outcomeOf({ intent: "create", parentId: tree.klass, name: "小组", track: "campus" });
    expect(below.status).toBe(400);
    expect(below.text).toBe("班级或网格是最末一级，下面不能再建单位。");

    await app.db.updateTable("org_units").set({ archived_at: new Date() }).where("id", "=", tree.centre).execute();
    const archived = await outcomeOf({ intent: "create", parentId: tree.centre, name: "新网格", track: "community" });
    expect(archived.status).toBe(400);
    expect(archived.text).toBe("“东城社区心理服务站”已归档，不能在其下新建单位。");

    const root = await outcomeOf({ intent: "create", parentId: "", name: "第二个全国", track: "" });
    expect(root.status).toBe(400);
    expect(root.text).toBe("已有全国节点，只能在它下面新建单位。");
    expect(await app.db.selectFrom("org_units").select("id").where("parent_id", "is", null).execute()).toHaveLength(1);
  });

  it("answers 404 for a malformed or unknown parent id", async () => {
    for (const parentId of ["not-a-uuid", "00000000-0000-4000-8000-000000000000"]) {
      const res = await submit({ intent: "create", parentId, name: "某区", track: "" });
      expect(res.status).toBe(404);
    }
  });
});

describe("renaming a unit", () => {
  it("renames, trims and audits the old and new name", async () => {
    const tree = await seedProvince();
    const { status, text } = await outcomeOf({ intent: "rename", id: tree.city, name: " 运城市（新） " });
    expect(status).toBe(200);
    expect(text).toBe("已将“运城市”重命名为“运城市（新）”。");
    expect((await unit(tree.city)).name).toBe("运城市（新）");
    const audit = await auditRows(tree.city);
    expect(audit.map((a) => a.action)).toEqual(["org.renamed"]);
    expect(audit[0]!.details).toEqual({ from: "运城市", to: "运城市（新）" });
  });

  it("refuses an empty name or a sibling's name, and writes no audit row", async () => {
    const tree = await seedProvince();
    const empty = await outcomeOf({ intent: "rename", id: tree.school, name: "" });
    expect(empty.status).toBe(400);
    expect(empty.text).toBe("请填写名称。");
    const taken = await outcomeOf({ intent: "rename", id: tree.school, name: "东城社区心理服务站" });
    expect(taken.status).toBe(400);
    expect(taken.body).toMatchObject({ ok: false, field: "name", values: { name: "东城社区心理服务站" } });
    expect(taken.text).toBe("“盐湖区”下已有名为“东城社区心理服务站”的单位，请换一个名称。");
    expect((await unit(tree.school)).name).toBe("实验中学");
    expect(await auditRows(tree.school)).toEqual([]);
  });

  it("answers 404 for an unknown unit", async () => {
    const res = await submit({ intent: "rename", id: "00000000-0000-4000-8000-000000000000", name: "某地" });
    expect(res.status).toBe(404);
  });
});

describe("moving a unit", () => {
  it("moves a city and rebases the paths of its whole subtree", async () => {
    const from = await seedProvince();
    const to = await seedProvince("烟台市");
    const { status, text } = await outcomeOf({ intent: "move", id: from.city, newParentId: to.province });
    expect(status).toBe(200);
    expect(text).toBe(`已将“运城市”（连同下级共 5 个单位）移动到“测试省${provinceCounter}”之下。`);

    const newProvince = await unit(to.province);
    const city = await unit(from.city);
    expect(city.parent_id).toBe(to.province);
    expect(city.path).toBe(`${newProvince.path}${from.city}/`);
    expect((await unit(from.district)).path).toBe(`${city.path}${from.district}/`);
    expect((await unit(from.school)).path).toBe(`${city.path}${from.district}/${from.school}/`);
    expect((await unit(from.klass)).path).toBe(`${city.path}${from.district}/${from.school}/${from.klass}/`);
    expect((await unit(from.centre)).path).toBe(`${city.path}${from.district}/${from.centre}/`);
    // The other branch of the target province is untouched.
    expect((await unit(to.city)).path).toBe(`${newProvince.path}${to.city}/`);
    const leftBehind = await app.db
      .selectFrom("org_units")
      .select("id")
      .where("path", "like", `${(await unit(from.province)).path}%`)
      .execute();
    expect(leftBehind.map((u) => u.id)).toEqual([from.province]);

    const audit = await auditRows(from.city);
    expect(audit.map((a) => a.action)).toEqual(["org.moved"]);
    expect(audit[0]!.details).toMatchObject({ fromParentId: from.province, toParentId: to.province, units: 5 });
  });

  it("refuses a move into the unit's own subtree", async () => {
    const tree = await seedProvince();
    const before = await unit(tree.city);
    const { status, body, text } = await outcomeOf({ intent: "move", id: tree.city, newParentId: tree.district });
    expect(status).toBe(400);
    expect(body).toMatchObject({ ok: false, field: "newParentId", values: { newParentId: tree.district } });
    expect(text).toBe("不能把“运城市”移动到它自己或它的下级之下。");
    expect(await unit(tree.city)).toEqual(before);
    expect(await auditRows(tree.city)).toEqual([]);
  });

  it("refuses a parent of the wrong level with the levels named", async () => {
    const tree = await seedProvince();
    const other = await seedProvince();
    const { status, text } = await outcomeOf({ intent: "move", id: tree.school, newParentId: other.city });
    expect(status).toBe(400);
    expect(text).toBe("学校或社区中心只能放在区县之下，而“运城市”是市。");
    expect((await unit(tree.school)).parent_id).toBe(tree.district);
  });

  it("refuses a class into a community centre, the national root, and an empty choice", async () => {
    const tree = await seedProvince();
    const mismatch = await outcomeOf({ intent: "move", id: tree.klass, newParentId: tree.centre });
    expect(mismatch.status).toBe(400);
    expect(mismatch.text).toBe("“初二（3）班”属于校园行，不能放到属于社区行的“东城社区心理服务站”之下。");
    const root = await outcomeOf({ intent: "move", id: nationalId, newParentId: tree.province });
    expect(root.status).toBe(400);
    // The national root is the programme admin's own unit: nobody moves it.
    expect(root.text).toBe("不能重命名、移动或归档您自己所在的单位，请联系上级管理员。");
    const none = await outcomeOf({ intent: "move", id: tree.klass, newParentId: "" });
    expect(none.status).toBe(400);
    expect(none.text).toBe("请选择新的上级。");
    expect((await unit(tree.klass)).parent_id).toBe(tree.school);
  });

  it("refuses a move that would put two same-named units under one parent", async () => {
    const from = await seedProvince();
    const to = await seedProvince();
    const { status, text } = await outcomeOf({ intent: "move", id: from.klass, newParentId: to.school });
    expect(status).toBe(400);
    expect(text).toBe("“实验中学”下已有名为“初二（3）班”的单位，请换一个名称。");
    expect((await unit(from.klass)).parent_id).toBe(from.school);
    const city = await outcomeOf({ intent: "move", id: from.city, newParentId: to.province });
    expect(city.text).toBe(`“测试省${provinceCounter}”下已有名为“运城市”的单位，请换一个名称。`);
  });
});

describe("archiving a unit", () => {
  it("asks for confirmation when people are in the subtree, then archives the whole subtree without deleting", async () => {
    const tree = await seedProvince();
    await app.signIn(["trainee"], { orgUnitId: tree.klass, track: "campus" });
    await app.signIn(["mentor"], { orgUnitId: tree.school, track: "campus" });

    const refused = await outcomeOf({ intent: "archive", id: tree.school });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ ok: false, field: "confirm", confirmCount: 2 });
    expect(refused.text).toBe("“实验中学”及其下级共有 2 名在册成员。归档后他们仍挂在原单位上，请勾选确认后再归档。");
    expect((await unit(tree.school)).archived_at).toBeNull();
    expect(await auditRows(tree.school)).toEqual([]);

    const done = await outcomeOf({ intent: "archive", id: tree.school, confirm: "yes" });
    expect(done.status).toBe(200);
    expect(done.text).toBe("已归档“实验中学”，共 2 个单位。");
    expect((await unit(tree.school)).archived_at).not.toBeNull();
    expect((await unit(tree.klass)).archived_at).not.toBeNull();
    expect((await unit(tree.centre)).archived_at).toBeNull();
    expect((await unit(tree.district)).archived_at).toBeNull();
    const people = await app.db.selectFrom("users").select("org_unit_id").where("org_unit_id", "in", [tree.school, tree.klass]).execute();
    expect(people).toHaveLength(2);

    const audit = await auditRows(tree.school);
    expect(audit.map((a) => a.action)).toEqual(["org.archived"]);
    expect(audit[0]!.details).toMatchObject({ units: 2, members: 2 });

    const again = await outcomeOf({ intent: "archive", id: tree.school, confirm: "yes" });
    expect(again.status).toBe(400);
    expect(again.text).toBe("“实验中学”已经归档了。");
    const rename = await outcomeOf({ intent: "rename", id: tree.klass, name: "新名字" });
    expect(rename.text).toBe("“初二（3）班”已归档，不能再修改。");
  });

  it("archives an empty unit without confirmation", async () => {
    const tree = await seedProvince();
    const { status } = await outcomeOf({ intent: "archive", id: tree.centre });
    expect(status).toBe(200);
    expect((await unit(tree.centre)).archived_at).not.toBeNull();
  });

  it("answers 404 for an unknown unit and 400 for an unknown intent", async () => {
    expect((await submit({ intent: "archive", id: "x" })).status).toBe(404);
    expect((await submit({ intent: "delete", id: nationalId })).status).toBe(400);
  });
});
