import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrgUnit } from "~/models/orgs.server";
import { registerStorage, LocalDiskStorage } from "~/services/storage.server";
import { action as startExport, loader as exportsPage } from "~/routes/admin.exports";
import { loader as downloadExport } from "~/routes/admin.exports.$exportId[.]csv";
import { buildExport } from "../../workers/processors/exports";
import { createTestApp, makeRequest, responseOf } from "../support/app";

let app: Awaited<ReturnType<typeof createTestApp>>;
let root: string;
let school: string;

beforeAll(async () => {
  app = await createTestApp();
  registerStorage(new LocalDiskStorage(mkdtempSync(path.join(tmpdir(), "baicheng-exports-"))));
  root = await app.programmeRoot();
  const province = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "甲省", track: null });
  const city = await createOrgUnit(app.db, { parentId: province, kind: "city", name: "甲市", track: null });
  const district = await createOrgUnit(app.db, { parentId: city, kind: "district", name: "甲区", track: null });
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
  });
});
