import type { AppLoadContext } from "@remix-run/node";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOrgByNamePath } from "~/models/orgs.server";
import { action as importAction, loader as importLoader } from "~/routes/admin.users.import.$importId";
import { loader as csvLoader } from "~/routes/admin.users.import.$importId.links[.]csv";
import { loader as sheetLoader } from "~/routes/admin.users.import.$importId_.sheet";
import { action as uploadAction } from "~/routes/admin.users.import._index";
import { loader as templateLoader } from "~/routes/admin.users.import.template[.]xlsx";
import { readRosterWorkbook as readRosterWorkbookHere } from "~/services/roster-reading";
import { readRosterWorkbook } from "~/services/roster-workbook.server";
import { action as inviteAction } from "~/routes/invite.$token";
import { seedDemo } from "../../db/seed";
import { createTestApp, makeRequest, responseOf } from "../support/app";

// Bulk onboarding after a workbook import: everyone's links in one action, the list and the sheet,
// expiry after 72 hours and new links for the expired, and the reach rule on all of it.

let app: Awaited<ReturnType<typeof createTestApp>>;
let shandongAdmin: { id: string; context: AppLoadContext };
let shanxiAdmin: { id: string; context: AppLoadContext };
const suffix = String(Date.now()).slice(-6);
const phones = [`139${suffix}01`, `139${suffix}02`, `139${suffix}03`];

beforeAll(async () => {
  app = await createTestApp();
  await seedDemo(app.db);
  const shandong = (await findOrgByNamePath(app.db, "全国工作组/山东省"))!;
  const shanxi = (await findOrgByNamePath(app.db, "全国工作组/山西省"))!;
  shandongAdmin = await app.signIn(["admin"], { orgUnitId: shandong.id });
  shanxiAdmin = await app.signIn(["admin"], { orgUnitId: shanxi.id });
});
afterAll(async () => app?.close());

async function rosterWorkbook(): Promise<Uint8Array<ArrayBuffer>> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet("名单");
  sheet.addRow(["姓名", "手机号", "角色", "单位"]);
  sheet.addRow(["齐鲁甲", Number(phones[0]), "学员", "山东省"]);
  sheet.addRow(["齐鲁乙", Number(phones[1]), "学员", "山东省"]);
  sheet.addRow(["齐鲁丙", phones[2], "导师", "山东省"]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

async function importWorkbook(context: AppLoadContext): Promise<string> {
  const form = new FormData();
  form.append("file", new Blob([await rosterWorkbook()], { type: "application/octet-stream" }), "山东名单.xlsx");
  const res = await responseOf(() => uploadAction({ request: new Request("http://localhost/admin/users/import", { method: "POST", body: form }), context, params: {} }));
  expect(res.status, await res.clone().text()).toBe(302);
  const importId = /([0-9a-f-]{36})$/.exec(res.headers.get("Location") ?? "")![1]!;
  const confirmed = await post(importId, "import", context);
  expect(confirmed.status).toBe(302);
  return importId;
}

const post = (importId: string, intent: string, context: AppLoadContext) =>
  responseOf(() => importAction({ request: makeRequest(`/admin/users/import/${importId}`, { form: { intent } }), context, params: { importId } }));
const page = async (importId: string, context: AppLoadContext) => {
  const res = await responseOf(() => importLoader({ request: makeRequest(`/admin/users/import/${importId}`), context, params: { importId } }));
  return { status: res.status, data: res.status === 200 ? await res.json() : null };
};
const download = (importId: string, context: AppLoadContext) =>
  responseOf(() => csvLoader({ request: makeRequest(`/admin/users/import/${importId}/links.csv`), context, params: { importId } }));
const sheet = (importId: string, context: AppLoadContext) =>
  responseOf(() => sheetLoader({ request: makeRequest(`/admin/users/import/${importId}/sheet`), context, params: { importId } }));

const handoutRows = (importId: string) =>
  app.db.selectFrom("access_tokens").select(["id", "user_id", "handout_token", "used_at", "expires_at", "created_at"]).where("user_import_id", "=", importId).orderBy("created_at").execute();
const refusals = async (actorId: string) =>
  Number((await app.db.selectFrom("audit_events").select((eb) => eb.fn.countAll().as("n")).where("action", "=", "reach.refused").where("actor_id", "=", actorId).executeTakeFirstOrThrow()).n);

describe("links for everyone of an import", () => {
  let importId: string;
  beforeAll(async () => {
    importId = await importWorkbook(shandongAdmin.context);
  });

  it("makes one 72-hour link per new person in one action, and offers them as a list and a sheet", async () => {
    const before = await page(importId, shandongAdmin.context);
    expect(before.data.links.counts).toMatchObject({ none: 3, active: 0 });

    const made = await post(importId, "links", shandongAdmin.context);
    expect(await made.json()).toEqual({ notice: "links.issued", count: 3 });
    const rows = await handoutRows(importId);
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      const hours = (new Date(r.expires_at).getTime() - new Date(r.created_at).getTime()) / 3600_000;
      expect(hours).toBeCloseTo(72, 1);
    }
    // A second click makes nothing new: live links stay valid (a printed sheet keeps working).
    expect(await (await post(importId, "links", shandongAdmin.context)).json()).toEqual({ notice: "links.nothingToDo", count: 0 });
    expect(await handoutRows(importId)).toHaveLength(3);

    const csv = await download(importId, shandongAdmin.context);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("Cache-Control")).toContain("no-store");
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)], "a BOM, so Excel reads UTF-8").toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text.startsWith("姓名,手机号,邮箱,单位,邀请链接,有效期至\r\n")).toBe(true);
    for (const [i, name] of ["齐鲁甲", "齐鲁乙", "齐鲁丙"].entries()) expect(text).toMatch(new RegExp(`${name},${phones[i]},,山东省,http[^,]+/invite/[\\w-]{43},`));

    const printable = await sheet(importId, shandongAdmin.context);
    const data = await printable.json();
    expect(data.cards).toHaveLength(3);
    expect(data.cards[0].qr).toMatch(/^<svg/);
    const downloads = await app.db.selectFrom("audit_events").select("details").where("action", "=", "users.links_downloaded").where("target_id", "=", importId).execute();
    expect(downloads.map((d) => (d.details as { format: string }).format).sort()).toEqual(["csv", "sheet"]);
  });

  it("refuses a 山西 coordinator every part of a 山东 import, writes nothing and audits each attempt", async () => {
    const tokensBefore = await handoutRows(importId);
    const refusedBefore = await refusals(shanxiAdmin.id);
    expect((await post(importId, "links", shanxiAdmin.context)).status).toBe(404);
    expect((await page(importId, shanxiAdmin.context)).status).toBe(404);
    expect((await download(importId, shanxiAdmin.context)).status).toBe(404);
    expect((await sheet(importId, shanxiAdmin.context)).status).toBe(404);
    expect(await handoutRows(importId)).toEqual(tokensBefore);
    expect(await refusals(shanxiAdmin.id)).toBe(refusedBefore + 4);
  });

  it("shows unused links as expired after 72 hours and makes new ones only for them, never for someone who set a password", async () => {
    const [first, second, third] = await handoutRows(importId);
    // 73 hours later for the first two; the third person has meanwhile set a password.
    await app.db
      .updateTable("access_tokens")
      .set({ created_at: new Date(Date.now() - 73 * 3600_000), expires_at: new Date(Date.now() - 3600_000) })
      .where("id", "in", [first!.id, second!.id, third!.id])
      .execute();
    await app.db.updateTable("users").set({ password_hash: "$argon2id$v=19$m=19456,t=2,p=1$x$y" }).where("id", "=", third!.user_id).execute();

    const expired = await page(importId, shandongAdmin.context);
    expect(expired.data.links.counts).toMatchObject({ expired: 2, signedUp: 1, active: 0 });
    expect(expired.data.links.due.map((p: { state: string }) => p.state)).toEqual(["expired", "expired"]);
    // Expired links are no longer downloadable.
    expect((await (await download(importId, shandongAdmin.context)).text()).trim().split("\r\n")).toHaveLength(1);

    expect(await (await post(importId, "links", shandongAdmin.context)).json()).toEqual({ notice: "links.issued", count: 2 });
    const after = await handoutRows(importId);
    expect(after).toHaveLength(5);
    expect(after.filter((r) => r.user_id === third!.user_id)).toHaveLength(1);
    expect((await page(importId, shandongAdmin.context)).data.links.counts).toMatchObject({ active: 2, expired: 0, signedUp: 1 });
  });

  it("forgets a handout token once it is used: the person sets a password through it and is signed in", async () => {
    const live = (await handoutRows(importId)).filter((r) => r.handout_token && !r.used_at && new Date(r.expires_at) > new Date());
    const token = live[0]!.handout_token!;
    const res = await responseOf(() =>
      inviteAction({ request: makeRequest(`/invite/${token}`, { form: { password: "Qilu-onboarding-2026", confirm: "Qilu-onboarding-2026" } }), context: app.anonymous(), params: { token } }),
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("Set-Cookie")).toBeTruthy();
    const used = await app.db.selectFrom("access_tokens").select(["handout_token", "used_at"]).where("id", "=", live[0]!.id).executeTakeFirstOrThrow();
    expect(used.handout_token).toBeNull();
    expect(used.used_at).not.toBeNull();
  });
});

describe("the workbook template", () => {
  it("is a workbook our reader takes: the header row only, the phone column kept as text", async () => {
    const res = await responseOf(() => templateLoader({ request: makeRequest("/admin/users/import/template.xlsx"), context: shanxiAdmin.context, params: {} }));
    expect(res.headers.get("Content-Type")).toContain("spreadsheetml");
    const bytes = new Uint8Array(await res.arrayBuffer());
    const read = await readRosterWorkbook(bytes);
    expect(read.ok && read.records.map((r) => r.fields)).toEqual([["姓名", "手机号", "邮箱", "角色", "单位", "条线"]]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
    expect(wb.worksheets[0]!.getColumn(2).numFmt).toBe("@");
    const refused = await responseOf(() => templateLoader({ request: makeRequest("/admin/users/import/template.xlsx"), context: app.anonymous(), params: {} }));
    expect(refused.status).toBe(302);
  });
});

describe("reading a workbook off the request thread", () => {
  it("keeps this thread answering while a 5,000-row roster is read (compared with reading it here, in the same run)", async () => {
    const wb = new ExcelJS.Workbook();
    const rows = wb.addWorksheet("名单");
    rows.addRow(["姓名", "手机号", "角色", "单位"]);
    for (let i = 0; i < 5000; i++) rows.addRow([`学员${i}`, 13700000000 + i, "学员", "山东省"]);
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    /** The longest time this thread could not run a timer while `read` went on. */
    const longestStall = async (read: () => Promise<unknown>) => {
      let last = performance.now();
      let longest = 0;
      const ticker = setInterval(() => {
        const now = performance.now();
        longest = Math.max(longest, now - last);
        last = now;
      }, 5);
      const result = await read();
      clearInterval(ticker);
      return { result, longest };
    };
    // The baseline: the same reader run on this thread, as the request thread once did.
    const here = await longestStall(() => readRosterWorkbookHere(bytes));
    const pooled = await longestStall(() => readRosterWorkbook(bytes));
    const read = pooled.result as Awaited<ReturnType<typeof readRosterWorkbook>>;
    expect(read.ok && read.records.length).toBe(5001);
    // A ratio, not a time: on a busy machine both grow, but only the in-thread read blocks in one long piece.
    expect(pooled.longest, `worker ${pooled.longest.toFixed(0)} ms vs here ${here.longest.toFixed(0)} ms`).toBeLessThan(here.longest / 2);
  }, 120_000);
});

describe("an import not yet confirmed", () => {
  it("makes no links before the import is confirmed", async () => {
    const form = new FormData();
    form.append("file", new Blob([await rosterWorkbook()]), "again.xlsx");
    const res = await responseOf(() => uploadAction({ request: new Request("http://localhost/admin/users/import", { method: "POST", body: form }), context: shandongAdmin.context, params: {} }));
    const importId = /([0-9a-f-]{36})$/.exec(res.headers.get("Location") ?? "")![1]!;
    const made = await post(importId, "links", shandongAdmin.context);
    expect(made.status).toBe(409);
    expect(await made.json()).toEqual({ error: "links.notImported" });
  });
});
