import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childrenPerPage } from "~/domain/org-tree";
import { createOrgUnit } from "~/models/orgs.server";
import { registerStorage, LocalDiskStorage } from "~/services/storage.server";
import { action as startExport, loader as exportsPage } from "~/routes/admin.exports";
import { loader as downloadExport } from "~/routes/admin.exports.$exportId[.]csv";
import { buildExport } from "../../workers/processors/exports";
import { createTestApp, makeRequest, responseOf } from "../support/app";

let app: Awaited<ReturnType<typeof createTestApp>>;
let root: string;
let province: string;
let city: string;
let district: string;
let school: string;

beforeAll(async () => {
  app = await createTestApp();
  registerStorage(new LocalDiskStorage(mkdtempSync(path.join(tmpdir(), "baicheng-exports-"))));
  root = await app.programmeRoot();
  province = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "甲省", track: null });
  city = await createOrgUnit(app.db, { parentId: province, kind: "city", name: "甲市", track: null });
  district = await createOrgUnit(app.db, { parentId: city, kind: "district", name: "甲区", track: null });
  school = await createOrgUnit(app.db, { parentId: district, kind: "site", name: "甲校", track: "campus" });
  for (const name of ["=HYPERLINK(\"x\")", "李老师", "王老师"]) await app.signIn(["trainee"], { name, track: "campus", orgUnitId: school });
});
afterAll(async () => app?.close());

describe("exports", () => {
  it("builds a trainees CSV in the background that Excel reads (BOM, escaped, formula-safe) and only its author downloads", async () => {
    const admin = await app.signIn(["admin"], { orgUnitId: root });
    const res = await responseOf(() => startExport({ request: makeRequest("/admin/exports", { form: { kind: "trainees", region: root, track: "campus" } }), context: admin.context, params: {} }));
    expect(res.status).toBe(302);
    const list = await (await responseOf(() => exportsPage({ request: makeRequest("/admin/exports"), context: admin.context, params: {} }))).json();
    expect(list.exports[0]).toMatchObject({ kind: "trainees", status: "queued" });
    const id = list.exports[0].id as string;
    const outbox = await app.db.selectFrom("job_outbox").select("job_id").where("job_id", "=", `export-${id}`).executeTakeFirst();
    expect(outbox).toBeTruthy();

    await buildExport(app.db, id);
    const row = await app.db.selectFrom("exports").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "done", rows_total: 3, rows_done: 3 });
    const file = await responseOf(() => downloadExport({ request: makeRequest(`/admin/exports/${id}.csv`), context: admin.context, params: { exportId: id } }));
    expect(file.headers.get("Content-Disposition")).toMatch(/^attachment/);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await file.arrayBuffer()); // keep the BOM to check it
    expect(text.startsWith("\uFEFF姓名,")).toBe(true);
    expect(text.split("\r\n").filter(Boolean)).toHaveLength(4);
    expect(text).toContain("李老师");
    expect(text).toContain(`"'=HYPERLINK(""x"")"`);

    const other = await app.signIn(["admin"], { orgUnitId: root });
    expect((await responseOf(() => downloadExport({ request: makeRequest("/x"), context: other.context, params: { exportId: id } }))).status).toBe(404);
    const trainee = await app.signIn(["trainee"]);
    expect((await responseOf(() => downloadExport({ request: makeRequest("/x"), context: trainee.context, params: { exportId: id } }))).status).toBe(403);
  });

  it("exports indicator figures per region", async () => {
    const admin = await app.signIn(["admin"], { orgUnitId: root });
    await responseOf(() => startExport({ request: makeRequest("/admin/exports", { form: { kind: "indicators", region: root, track: "campus", year: "1" } }), context: admin.context, params: {} }));
    const id = (await app.db.selectFrom("exports").select("id").where("created_by", "=", admin.id).executeTakeFirstOrThrow()).id;
    await buildExport(app.db, id);
    const row = await app.db.selectFrom("exports").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    // The root and every region below it to districts, in tree order, indented; no province target of its own: 未设定.
    expect(row).toMatchObject({ status: "done", rows_total: 4, rows_done: 4 });
    const file = await responseOf(() => downloadExport({ request: makeRequest(`/admin/exports/${id}.csv`), context: admin.context, params: { exportId: id } }));
    const lines = (await file.text()).replace(/^\uFEFF/, "").split("\r\n").filter(Boolean);
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(["全国工作组", "\u3000甲省", "\u3000\u3000甲市", "\u3000\u3000\u3000甲区"]);
    expect(lines[1]).not.toContain("未设定");
    expect(lines[2]).toContain("未设定");
  });

  it("exports a city's indicators for exactly that city and the districts below it", async () => {
    const admin = await app.signIn(["admin"], { orgUnitId: root });
    const otherDistrict = await createOrgUnit(app.db, { parentId: city, kind: "district", name: "丙区", track: null });
    const res = await responseOf(() => startExport({ request: makeRequest("/admin/exports", { form: { kind: "indicators", region: city, track: "campus", year: "1" } }), context: admin.context, params: {} }));
    expect(res.headers.get("Location")).toBe(`/admin/exports?region=${city}`);
    const row = await app.db.selectFrom("exports").select("params").where("created_by", "=", admin.id).executeTakeFirstOrThrow();
    const paths = await app.db.selectFrom("org_units").select(["id", "path"]).where("id", "in", [city, district, otherDistrict]).execute();
    const pathOf = (id: string) => paths.find((p) => p.id === id)!.path;
    // Siblings by pinyin: 丙 (bǐng) before 甲 (jiǎ); the city at depth 0, its districts one full-width space in.
    expect((row.params as { regions: unknown }).regions).toEqual([
      { id: city, name: "甲市", path: pathOf(city) },
      { id: otherDistrict, name: "\u3000丙区", path: pathOf(otherDistrict) },
      { id: district, name: "\u3000甲区", path: pathOf(district) },
    ]);
    await app.db.updateTable("org_units").set({ archived_at: new Date() }).where("id", "=", otherDistrict).execute();
  });

  it("offers the regions a level at a time: the way up, the region, its children, never the levels below", async () => {
    const admin = await app.signIn(["admin"], { orgUnitId: root });
    const page = async (query: string) => (await responseOf(() => exportsPage({ request: makeRequest(`/admin/exports${query}`), context: admin.context, params: {} }))).json();
    const atRoot = await page("");
    expect(atRoot.region).toEqual({ id: root, name: "全国工作组" });
    expect(atRoot.ancestors).toEqual([]);
    expect(atRoot.children).toEqual([{ id: province, name: "甲省" }]);
    expect(atRoot.regions.map((r: { name: string }) => r.name)).toEqual(["全国工作组", "\u3000甲省"]);
    // Nothing on the page names a region two or more levels down.
    for (const below of ["甲市", "甲区", "甲校"]) expect(JSON.stringify(atRoot)).not.toContain(below);

    const inProvince = await page(`?region=${province}`);
    expect(inProvince.ancestors).toEqual([{ id: root, name: "全国工作组" }]);
    expect(inProvince.children).toEqual([{ id: city, name: "甲市" }]);
    expect(inProvince.regions).toEqual([
      { id: root, name: "全国工作组" },
      { id: province, name: "\u3000甲省" },
      { id: city, name: "\u3000\u3000甲市" },
    ]);
    expect(JSON.stringify(inProvince)).not.toContain("甲区");

    // A district is as far down as exports go: its schools are not offered.
    const inDistrict = await page(`?region=${district}`);
    expect(inDistrict.ancestors.map((a: { name: string }) => a.name)).toEqual(["全国工作组", "甲省", "甲市"]);
    expect(inDistrict.children).toEqual([]);
    expect(inDistrict.childrenTotal).toBe(0);
  });

  it("pages a region's children when there are many", async () => {
    const admin = await app.signIn(["admin"], { orgUnitId: root });
    const crowded = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "多市省", track: null });
    for (let n = 1; n <= childrenPerPage + 2; n += 1) await createOrgUnit(app.db, { parentId: crowded, kind: "city", name: `第${String(n).padStart(2, "0")}市`, track: null });
    const page = async (query: string) => (await responseOf(() => exportsPage({ request: makeRequest(`/admin/exports?region=${crowded}${query}`), context: admin.context, params: {} }))).json();
    const first = await page("");
    expect(first.childrenTotal).toBe(childrenPerPage + 2);
    expect(first.children).toHaveLength(childrenPerPage);
    expect(first.regions).toHaveLength(2 + childrenPerPage);
    const second = await page("&page=2");
    expect(second.children.map((c: { name: string }) => c.name)).toEqual([`第${childrenPerPage + 1}市`, `第${childrenPerPage + 2}市`]);
    await app.db.updateTable("org_units").set({ archived_at: new Date() }).where("path", "like", `%${crowded}%`).execute();
  });

  it("writes the certificate column in Chinese and names the file by the Beijing date", async () => {
    const admin = await app.signIn(["admin"], { orgUnitId: root });
    const holder = await app.signIn(["trainee"], { name: "证书持有人", track: "campus", orgUnitId: school });
    const stamp = Math.random().toString(36).slice(2, 8).toUpperCase();
    for (const [n, tier, status, issuedAt] of [[1, "foundation", "revoked", "2026-10-01T08:00:00+08:00"], [2, "foundation", "issued", "2026-10-02T08:00:00+08:00"]] as const) {
      await app.db.insertInto("certificates").values({ number: `BC-2026-${stamp}${n}`, user_id: holder.id, track: "campus", tier, status, name_on_certificate: "证书持有人", issued_at: issuedAt }).execute();
    }
    await responseOf(() => startExport({ request: makeRequest("/admin/exports", { form: { kind: "trainees", region: school, track: "campus" } }), context: admin.context, params: {} }));
    const id = (await app.db.selectFrom("exports").select("id").where("created_by", "=", admin.id).executeTakeFirstOrThrow()).id;
    // Asked for at 07:30 on 1 December in Beijing, which is still 30 November in UTC.
    await app.db.updateTable("exports").set({ created_at: new Date("2026-11-30T23:30:00Z") }).where("id", "=", id).execute();
    await buildExport(app.db, id);
    const file = await responseOf(() => downloadExport({ request: makeRequest(`/admin/exports/${id}.csv`), context: admin.context, params: { exportId: id } }));
    expect(decodeURIComponent(file.headers.get("Content-Disposition")!)).toContain("学员数据-2026-12-01.csv");
    const line = (await file.text()).split("\r\n").find((l) => l.startsWith("证书持有人"))!;
    expect(line).toContain(`BC-2026-${stamp}1 普及级（已撤销）; BC-2026-${stamp}2 普及级（已颁发）`);
    expect(line).not.toMatch(/foundation|issued|revoked/);
  });

  it("keeps a regional admin to their own subtree", async () => {
    const elsewhere = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "乙省", track: null });
    const regional = await app.signIn(["admin"], { orgUnitId: elsewhere });
    const res = await responseOf(() => startExport({ request: makeRequest("/admin/exports", { form: { kind: "trainees", region: school } }), context: regional.context, params: {} }));
    expect(res.status).toBe(403);
    const shown = await responseOf(() => exportsPage({ request: makeRequest(`/admin/exports?region=${province}`), context: regional.context, params: {} }));
    expect(shown.status).toBe(403);
    const refused = await app.db.selectFrom("audit_events").select(["target_id"]).where("actor_id", "=", regional.id).where("action", "=", "reach.refused").orderBy("id").execute();
    expect(refused.map((r) => r.target_id)).toEqual([school, province]);
    const nothing = await app.db.selectFrom("exports").select("id").where("created_by", "=", regional.id).execute();
    expect(nothing).toEqual([]);
  });
});
