import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orgOptions } from "~/models/org-options.server";
import { createOrgUnit, getOrgUnit } from "~/models/orgs.server";
import { createTestApp } from "../support/app";

// Org units offered as options: only the subtree asked for is read (a trainee's field-work page read all
// 20,000 units at programme scale to keep a handful), labelled from the root or from the subtree's own unit.

let app: Awaited<ReturnType<typeof createTestApp>>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  app = await createTestApp();
  const root = await app.programmeRoot();
  ids.shanxi = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "山西省", track: null });
  ids.shandong = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "山东省", track: null });
  ids.yuncheng = await createOrgUnit(app.db, { parentId: ids.shanxi, kind: "city", name: "运城市", track: null });
  ids.jinan = await createOrgUnit(app.db, { parentId: ids.shandong, kind: "city", name: "济南市", track: null });
  ids.yanhu = await createOrgUnit(app.db, { parentId: ids.yuncheng, kind: "district", name: "盐湖区", track: null });
  ids.school = await createOrgUnit(app.db, { parentId: ids.yanhu, kind: "site", name: "盐湖实验中学", track: "campus" });
});
afterAll(() => app?.close());

const pathOf = async (id: string) => (await getOrgUnit(app.db, id))!.path;

describe("org options", () => {
  it("a region filter: the admin's subtree to a level, labelled from the root, nothing of another province", async () => {
    const options = await orgOptions(app.db, { within: await pathOf(ids.shanxi!), maxLevel: 3 });
    expect(options.map((o) => o.label)).toEqual(["全国工作组/山西省", "全国工作组/山西省/运城市"]);
    expect(options.map((o) => o.id)).toEqual([ids.shanxi, ids.yuncheng]);
  });

  it("a trainee's places: their unit and everything below it, labelled from their unit", async () => {
    const options = await orgOptions(app.db, { within: await pathOf(ids.yuncheng!), labelsFromWithin: true });
    expect(options.map((o) => o.label)).toEqual(["运城市", "运城市/盐湖区", "运城市/盐湖区/盐湖实验中学"]);
  });

  it("the whole programme in tree order", async () => {
    const labels = (await orgOptions(app.db, { maxLevel: 3 })).map((o) => o.label);
    expect(labels.filter((l) => l.startsWith("全国工作组/山"))).toEqual(["全国工作组/山东省", "全国工作组/山东省/济南市", "全国工作组/山西省", "全国工作组/山西省/运城市"]);
  });
});
