import type { AppLoadContext } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOrgByNamePath } from "~/models/orgs.server";
import { insertUser } from "~/models/users.server";
import { action as previewAction, loader as previewLoader } from "~/routes/admin.users.import.$importId";
import { loader as rejectedLoader } from "~/routes/admin.users.import.$importId.rejected[.]csv";
import { action as uploadAction, loader as uploadLoader } from "~/routes/admin.users.import._index";
import { loader as templateLoader } from "~/routes/admin.users.import.template[.]csv";
import { seedDemo } from "../../db/seed";
import { createTestApp, makeRequest, responseOf } from "../support/app";

let app: Awaited<ReturnType<typeof createTestApp>>;
let admin: { id: string; context: AppLoadContext };
beforeAll(async () => {
  app = await createTestApp();
  await seedDemo(app.db);
  admin = await app.signIn(["admin"]);
});
afterAll(async () => app?.close());

const header = "姓名,手机号,邮箱,角色,单位,条线\r\n";
const school = "山西省/运城市/盐湖区/运城市盐湖区实验中学";
const bom = new Uint8Array([0xef, 0xbb, 0xbf]);

function upload(context: AppLoadContext, content: string | Uint8Array<ArrayBuffer>, fileName = "学员名单.csv") {
  const form = new FormData();
  const bytes = typeof content === "string" ? new Uint8Array([...bom, ...new TextEncoder().encode(content)]) : content;
  form.append("file", new Blob([bytes], { type: "text/csv" }), fileName);
  const request = new Request("http://localhost/admin/users/import", { method: "POST", body: form });
  return responseOf(() => uploadAction({ request, context, params: {} }));
}

/** Uploads a file as the admin and returns the id of the saved preview. */
async function preview(content: string | Uint8Array<ArrayBuffer>): Promise<string> {
  const res = await upload(admin.context, content);
  expect(res.status, await res.clone().text()).toBe(302);
  const match = /^\/admin\/users\/import\/([0-9a-f-]{36})$/.exec(res.headers.get("Location") ?? "");
  expect(match).not.toBeNull();
  return match![1]!;
}

async function previewData(importId: string, context = admin.context, query = "") {
  const res = await responseOf(() => previewLoader({ request: makeRequest(`/admin/users/import/${importId}${query}`), context, params: { importId } }));
  return { status: res.status, data: res.status === 200 ? await res.json() : null };
}

function confirm(importId: string, context = admin.context) {
  return responseOf(() =>
    previewAction({ request: makeRequest(`/admin/users/import/${importId}`, { form: { intent: "import" } }), context, params: { importId } }),
  );
}

async function rejectedCsv(importId: string, context = admin.context) {
  return responseOf(() => rejectedLoader({ request: makeRequest(`/admin/users/import/${importId}/rejected.csv`), context, params: { importId } }));
}

async function userByPhone(phone: string) {
  return app.db
    .selectFrom("users as u")
    .leftJoin("org_units as o", "o.id", "u.org_unit_id")
    .select(["u.id", "u.name", "u.email", "u.track", "o.name as orgName"])
    .where("u.phone", "=", phone)
    .executeTakeFirst();
}
async function rolesOf(userId: string) {
  const rows = await app.db.selectFrom("user_roles").select(["role", "granted_by"]).where("user_id", "=", userId).orderBy("role").execute();
  return rows;
}
const countUsers = async () => Number((await app.db.selectFrom("users").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

describe("guards", () => {
  it("sends anonymous visitors to log in and refuses trainees and mentors on every import route", async () => {
    const importId = await preview(header + `甲,13900000001,,学员,${school},\r\n`);
    const calls: Array<{ path: string; run: (context: AppLoadContext) => Promise<unknown> }> = [
      { path: "/admin/users/import", run: (context) => uploadLoader({ request: makeRequest("/admin/users/import"), context, params: {} }) },
      {
        path: "/admin/users/import",
        run: (context) => {
          const form = new FormData();
          form.append("file", new Blob([header]), "a.csv");
          return uploadAction({ request: new Request("http://localhost/admin/users/import", { method: "POST", body: form }), context, params: {} });
        },
      },
      {
        path: "/admin/users/import/template.csv",
        run: (context) => templateLoader({ request: makeRequest("/admin/users/import/template.csv"), context, params: {} }),
      },
      { path: `/admin/users/import/${importId}`, run: (context) => previewLoader({ request: makeRequest(`/admin/users/import/${importId}`), context, params: { importId } }) },
      {
        path: `/admin/users/import/${importId}`,
        run: (context) => previewAction({ request: makeRequest(`/admin/users/import/${importId}`, { form: { intent: "import" } }), context, params: { importId } }),
      },
      {
        path: `/admin/users/import/${importId}/rejected.csv`,
        run: (context) => rejectedLoader({ request: makeRequest(`/admin/users/import/${importId}/rejected.csv`), context, params: { importId } }),
      },
    ];
    const trainee = await app.signIn(["trainee"]);
    const mentor = await app.signIn(["mentor"]);
    for (const call of calls) {
      const anonymous = await responseOf(() => call.run(app.anonymous()));
      expect(anonymous.status, call.path).toBe(302);
      expect(anonymous.headers.get("Location")).toBe(`/login?redirectTo=${encodeURIComponent(call.path)}`);
      for (const who of [trainee, mentor]) expect((await responseOf(() => call.run(who.context))).status, call.path).toBe(403);
    }
    expect((await previewData(importId)).data.status).toBe("previewed");
  });

  it("answers 404 for an unknown id, a malformed id and another administrator's import", async () => {
    const importId = await preview(header + `乙,13900000002,,学员,${school},\r\n`);
    const other = await app.signIn(["admin"]);
    for (const [id, context] of [
      ["00000000-0000-4000-8000-000000000000", admin.context],
      ["not-a-uuid", admin.context],
      [importId, other.context],
    ] as const) {
      expect((await previewData(id, context)).status).toBe(404);
      expect((await confirm(id, context)).status).toBe(404);
      expect((await rejectedCsv(id, context)).status).toBe(404);
    }
    expect((await previewData(importId)).data.status).toBe("previewed");
  });
});

describe("importing", () => {
  it("imports a good file: every row, with its roles, org unit and track, and an audit event", async () => {
    const before = await countUsers();
    const importId = await preview(
      header +
        `张三,13900000011,zhangsan@example.cn,学员,${school},校园行\r\n` +
        "李四,13900000012,,导师、管理员,全国工作组/山东省/烟台市,社区行\r\n" +
        // The issue's own example skips the district level.
        `王五,,wangwu@example.cn,trainee,山西省/运城市/运城市盐湖区实验中学,campus\r\n`,
    );
    const shown = await previewData(importId);
    expect(shown.data).toMatchObject({ status: "previewed", total: 3, ok: 3, rejected: 0 });
    expect(shown.data.rows[2].orgLabel).toBe("全国工作组/山西省/运城市/盐湖区/运城市盐湖区实验中学");

    const res = await confirm(importId);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/admin/users/import/${importId}`);
    expect(await countUsers()).toBe(before + 3);

    const zhang = await userByPhone("13900000011");
    expect(zhang).toMatchObject({ name: "张三", email: "zhangsan@example.cn", track: "campus", orgName: "运城市盐湖区实验中学" });
    expect(await rolesOf(zhang!.id)).toEqual([{ role: "trainee", granted_by: admin.id }]);
    const li = await userByPhone("13900000012");
    expect(li).toMatchObject({ track: "community", orgName: "烟台市" });
    expect((await rolesOf(li!.id)).map((r) => r.role)).toEqual(["admin", "mentor"]);
    const wang = await app.db.selectFrom("users").select(["org_unit_id", "phone"]).where("email", "=", "wangwu@example.cn").executeTakeFirstOrThrow();
    expect(wang.org_unit_id).toBe((await findOrgByNamePath(app.db, school))!.id);

    const after = await previewData(importId);
    expect(after.data).toMatchObject({ status: "imported", importedCount: 3, rejectedCount: 0 });
    const audit = await app.db.selectFrom("audit_events").selectAll().where("action", "=", "users.imported").where("target_id", "=", importId).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: admin.id, details: { imported: 3, rejected: 0, roles: { trainee: 2, mentor: 1, admin: 1 } } });
  });

  it("imports only the valid rows of a mixed file and reports the others with their reasons", async () => {
    const before = await countUsers();
    const importId = await preview(
      header +
        `好人,13900000021,,学员,${school},\r\n` +
        "坏角色,13900000022,,校长,山西省/火星区,\r\n" +
        "无单位,13900000023,,学员,山西省/运城市/不存在中学,\r\n" +
        `重复甲,13900000024,,学员,${school},\r\n` +
        `重复乙,13900000024,,学员,${school},\r\n` +
        `坏手机,12345,,学员,${school},\r\n` +
        `=HYPERLINK("http://evil"),13900000025,,学员,${school},,多余\r\n`,
    );
    const shown = await previewData(importId, admin.context, "?show=rejected");
    expect(shown.data).toMatchObject({ total: 7, ok: 1, rejected: 6, listedTotal: 6 });

    expect((await confirm(importId)).status).toBe(302);
    expect(await countUsers()).toBe(before + 1);
    expect(await userByPhone("13900000021")).toMatchObject({ name: "好人" });
    for (const phone of ["13900000022", "13900000023", "13900000024"]) expect(await userByPhone(phone)).toBeUndefined();

    const res = await rejectedCsv(importId);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toMatch(/^attachment; /);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).split("\r\n");
    expect(lines[0]).toBe("行号,姓名,手机号,邮箱,角色,单位,条线,原因");
    expect(lines.slice(1, -1)).toEqual([
      "3,坏角色,13900000022,,校长,山西省/火星区,,角色“校长”不存在，可填写：学员、导师、管理员。单位“山西省/火星区”不存在：“山西省”下没有名为“火星区”的单位。",
      "4,无单位,13900000023,,学员,山西省/运城市/不存在中学,,单位“山西省/运城市/不存在中学”不存在：“山西省/运城市”下没有名为“不存在中学”的单位。",
      `5,重复甲,13900000024,,学员,${school},,手机号 13900000024 在文件中重复出现（第 5、6 行），这些行都未导入。`,
      `6,重复乙,13900000024,,学员,${school},,手机号 13900000024 在文件中重复出现（第 5、6 行），这些行都未导入。`,
      `7,坏手机,12345,,学员,${school},,手机号“12345”不是有效的 11 位中国大陆手机号。`,
      `8,"'=HYPERLINK(""http://evil"")",13900000025,,学员,${school},,这一行有 7 列，表头有 6 列（可能多了或少了逗号）。`,
    ]);
    expect((await previewData(importId)).data).toMatchObject({ status: "imported", importedCount: 1, rejectedCount: 6 });
  });

  it("imports a GBK file from a Chinese Excel", async () => {
    const ascii = (s: string) => Array.from(new TextEncoder().encode(s));
    const hex = (h: string) => h.split(" ").map((b) => Number.parseInt(b, 16));
    const gbk = new Uint8Array([
      ...hex("d0 d5 c3 fb"), // 姓名
      ...ascii(",phone,role,org\r\n"),
      ...hex("d5 c5 c8 fd"), // 张三
      ...ascii(",13900000031,"),
      ...hex("d1 a7 d4 b1"), // 学员
      ...ascii(","),
      ...hex("c9 bd ce f7 ca a1 2f d4 cb b3 c7 ca d0"), // 山西省/运城市
      ...ascii("\r\n"),
    ]);
    const importId = await preview(gbk);
    expect((await confirm(importId)).status).toBe(302);
    expect(await userByPhone("13900000031")).toMatchObject({ name: "张三", orgName: "运城市" });
  });

  it("refuses a file in a wrong encoding with a clear message and saves nothing", async () => {
    const importsBefore = (await app.db.selectFrom("user_imports").select("id").execute()).length;
    const latin1 = new Uint8Array([...new TextEncoder().encode("name,phone,role,org\r\nJos"), 0xe9, ...new TextEncoder().encode(",13900000041,trainee,北京市\r\n")]);
    const res = await upload(admin.context, latin1, "export.csv");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "import.file.encoding", fileName: "export.csv" });
    // A zip that is not a readable workbook, and an old .xls: each named for what it is.
    const workbook = await upload(admin.context, new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), "名单.xlsx");
    expect(await workbook.json()).toMatchObject({ error: "import.file.notWorkbook" });
    const xls = await upload(admin.context, new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), "名单.xls");
    expect(await xls.json()).toMatchObject({ error: "import.file.xls" });
    expect((await app.db.selectFrom("user_imports").select("id").execute()).length).toBe(importsBefore);
  });

  it("refuses a missing file and a file over 2 MB", async () => {
    const empty = new FormData();
    const none = await responseOf(() => uploadAction({ request: new Request("http://localhost/admin/users/import", { method: "POST", body: empty }), context: admin.context, params: {} }));
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({ error: "import.file.missing" });
    const big = await upload(admin.context, header + "x".repeat(2_000_001));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: "import.file.tooLarge", params: { maxMb: 2 } });
  });

  it("imports once when the confirmation is sent twice, one after the other or at the same time", async () => {
    const first = await preview(header + `一次,13900000051,,学员,${school},\r\n`);
    const before = await countUsers();
    expect((await confirm(first)).status).toBe(302);
    const again = await confirm(first);
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: "import.alreadyImported" });
    expect(await countUsers()).toBe(before + 1);

    const second = await preview(header + `并发,13900000052,,学员,${school},\r\n`);
    const statuses = (await Promise.all([confirm(second), confirm(second)])).map((r) => r.status).sort();
    expect(statuses).toEqual([302, 409]);
    expect(await countUsers()).toBe(before + 2);
    const audits = await app.db.selectFrom("audit_events").select("id").where("action", "=", "users.imported").where("target_id", "in", [first, second]).execute();
    expect(audits).toHaveLength(2);
  });

  it("rejects a phone already in the database, at preview and when it is taken after the preview", async () => {
    // 13800000001 belongs to a seeded trainee.
    const importId = await preview(
      header + `旧号,13800000001,,学员,${school},\r\n` + `新号,13900000061,,学员,${school},\r\n` + `后来被占,13900000062,late@example.cn,学员,${school},\r\n`,
    );
    const shown = await previewData(importId);
    expect(shown.data).toMatchObject({ ok: 2, rejected: 1 });
    expect(shown.data.rows[0].reasons).toEqual([{ key: "import.row.phoneTaken", params: { value: "13800000001" } }]);

    await insertUser(app.db, { name: "抢先", phone: null, email: "LATE@example.cn", orgUnitId: null, track: null }, ["trainee"], null);
    expect((await confirm(importId)).status).toBe(302);
    expect(await userByPhone("13900000061")).toMatchObject({ name: "新号" });
    expect(await userByPhone("13900000062")).toBeUndefined();
    const after = await previewData(importId);
    expect(after.data).toMatchObject({ importedCount: 1, rejectedCount: 2 });
    const csv = await (await rejectedCsv(importId)).text();
    expect(csv).toContain("手机号 13800000001 已被系统中的其他账号使用。");
    expect(csv).toContain("邮箱 late@example.cn 已被系统中的其他账号使用。");
  });
});

describe("template", () => {
  it("is a UTF-8 CSV with a BOM and the header the upload accepts", async () => {
    const res = await responseOf(() => templateLoader({ request: makeRequest("/admin/users/import/template.csv"), context: admin.context, params: {} }));
    expect(res.headers.get("Content-Disposition")).toMatch(/^attachment; /);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes)).toBe("姓名,手机号,邮箱,角色,单位,条线\r\n");
    const importId = await preview(new TextDecoder().decode(bytes) + `模板用户,13900000071,,学员,${school},\r\n`);
    expect((await previewData(importId)).data).toMatchObject({ ok: 1 });
  });
});
