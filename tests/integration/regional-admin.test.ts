import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import { syncCatalog } from "~/models/curriculum.server";
import { createOrgUnit } from "~/models/orgs.server";
import { loader as auditLoader } from "~/routes/admin.audit";
import { action as assignmentsAction, loader as assignmentsLoader } from "~/routes/admin.assignments";
import { loader as calibrationLoader } from "~/routes/admin.calibration";
import { action as certificatesAction } from "~/routes/admin.certificates";
import { action as importAction } from "~/routes/admin.users.import._index";
import { action as importConfirm } from "~/routes/admin.users.import.$importId";
import { action as orgsAction } from "~/routes/admin.orgs";
import { loader as outcomesLoader } from "~/routes/admin.outcomes._index";
import { action as showcaseAction } from "~/routes/admin.showcase";
import { action as userAction, loader as userLoader } from "~/routes/admin.users.$userId";
import { loader as usersLoader } from "~/routes/admin.users._index";
import { action as newUserAction } from "~/routes/admin.users.new";
import { loader as certificatePdf } from "~/routes/certificates.$certificateId[.]pdf";
import { loader as fileLoader } from "~/routes/files.$fileId";
import { action as gradeAction, loader as gradeLoader } from "~/routes/mentor.submissions.$submissionId";
import { LocalDiskStorage, registerStorage, storage } from "~/services/storage.server";
import { createTestApp, makeRequest, responseOf } from "../support/app";
import { insertSubmission } from "../support/arrange";

// A coordinator of 山西 tried every path that let a regional admin take over the programme or act on
// 山东's people and work. Each must now be refused, write nothing, and leave an audit row.

let app: Awaited<ReturnType<typeof createTestApp>>;
type SignedIn = Awaited<ReturnType<Awaited<ReturnType<typeof createTestApp>>["signIn"]>>;
let national: SignedIn;
let shanxi: SignedIn;
let root: string;
let storageRoot: string;
const units: Record<"shanxi" | "yuncheng" | "shandong" | "yantai" | "school", string> = { shanxi: "", yuncheng: "", shandong: "", yantai: "", school: "" };
let shandongTrainee: SignedIn;
let shandongMentor: SignedIn;
let submissionId: string;
let evidenceId: string;
let certificateId: string;

beforeAll(async () => {
  app = await createTestApp();
  storageRoot = mkdtempSync(path.join(tmpdir(), "baicheng-reach-"));
  registerStorage(new LocalDiskStorage(storageRoot));
  await syncCatalog(app.db, catalog());
  root = await app.programmeRoot();
  units.shanxi = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "山西省", track: null });
  units.yuncheng = await createOrgUnit(app.db, { parentId: units.shanxi, kind: "city", name: "运城市", track: null });
  units.shandong = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "山东省", track: null });
  units.yantai = await createOrgUnit(app.db, { parentId: units.shandong, kind: "city", name: "烟台市", track: null });
  const district = await createOrgUnit(app.db, { parentId: units.yantai, kind: "district", name: "芝罘区", track: null });
  units.school = await createOrgUnit(app.db, { parentId: district, kind: "site", name: "芝罘区第二实验小学", track: "campus" });
  national = await app.signIn(["admin"], { name: "项目管理员", orgUnitId: root });
  shanxi = await app.signIn(["admin"], { name: "山西协调员", orgUnitId: units.shanxi });
  shandongTrainee = await app.signIn(["trainee"], { name: "刘芳", orgUnitId: units.school, track: "campus" });
  shandongMentor = await app.signIn(["mentor"], { name: "烟台导师", orgUnitId: units.yantai, track: "campus" });

  const module = catalog().modules.find((m) => m.track === "campus" && m.tier === "foundation" && m.tasks.some((t) => t.type === "field_work"))!;
  const task = module.tasks.find((t) => t.type === "field_work")!;
  submissionId = (await insertSubmission(app.db, { userId: shandongTrainee.id, module, task, orgUnitId: units.school, status: "passed", score: 92, showcase_consent: true })).id;
  const key = `evidence/reach/${submissionId}.png`;
  await storage().put(key, new Uint8Array([0x89, 0x50, 0x4e, 0x47]), "image/png");
  evidenceId = (
    await app.db
      .insertInto("evidence_files")
      .values({ submission_id: submissionId, owner_id: shandongTrainee.id, kind: "photo", storage_key: key, mime_type: "image/png", size_bytes: 4, sha256: "ab", original_name: "班会.png" })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
  await app.db.insertInto("showcase_items").values({ submission_id: submissionId, nominated_by: shandongMentor.id, reason: "优秀" }).execute();
  const pdfKey = `certificates/reach/${submissionId}.pdf`;
  await storage().put(pdfKey, new TextEncoder().encode("%PDF-1.7 test"), "application/pdf");
  certificateId = (
    await app.db
      .insertInto("certificates")
      .values({ number: `BC-2026-RE${String(Date.now() % 100).padStart(2, "0")}-ACH1`, user_id: shandongTrainee.id, track: "campus", tier: "foundation", name_on_certificate: "刘芳", pdf_key: pdfKey, rendered_at: new Date() })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
});
afterAll(async () => {
  registerStorage(null);
  rmSync(storageRoot, { recursive: true, force: true });
  await app?.close();
});

const refusals = async () =>
  Number((await app.db.selectFrom("audit_events").select((eb) => eb.fn.countAll<number>().as("n")).where("action", "=", "reach.refused").where("actor_id", "=", shanxi.id).executeTakeFirstOrThrow()).n);

/** Runs a refused call and checks the audit log grew by one refusal. */
async function refused(run: () => Promise<unknown>): Promise<Response> {
  const before = await refusals();
  const res = await responseOf(run);
  expect(await refusals(), "the refusal is audited").toBe(before + 1);
  return res;
}

const userForm = (over: Record<string, string | string[]> = {}) => ({ intent: "save", name: "改过的名字", phone: "", email: "admin@demo.baicheng.org", orgUnitId: "", track: "", roles: ["admin"], ...over });

describe("taking over the national admin", () => {
  it("cannot make an invitation or reset link for the national admin, nor open their page", async () => {
    const link = await refused(() => userAction({ request: makeRequest(`/admin/users/${national.id}`, { form: { intent: "link" } }), context: shanxi.context, params: { userId: national.id } }));
    expect(link.status).toBe(404);
    expect(await app.db.selectFrom("access_tokens").select("id").where("user_id", "=", national.id).execute()).toEqual([]);
    const page = await refused(() => userLoader({ request: makeRequest(`/admin/users/${national.id}`), context: shanxi.context, params: { userId: national.id } }));
    expect(page.status).toBe(404);
  });

  it("cannot deactivate, edit or re-place the national admin", async () => {
    for (const form of [{ intent: "deactivate" }, userForm({ orgUnitId: units.shanxi })]) {
      const res = await refused(() => userAction({ request: makeRequest(`/admin/users/${national.id}`, { form }), context: shanxi.context, params: { userId: national.id } }));
      expect(res.status).toBe(404);
    }
    const row = await app.db.selectFrom("users").select(["status", "name", "org_unit_id"]).where("id", "=", national.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "active", name: "项目管理员", org_unit_id: root });
  });
});

describe("promoting oneself", () => {
  it("cannot save their own record at all, so an empty unit cannot make them programme-wide", async () => {
    const res = await refused(() =>
      userAction({ request: makeRequest(`/admin/users/${shanxi.id}`, { form: userForm({ name: "山西协调员", orgUnitId: "" }) }), context: shanxi.context, params: { userId: shanxi.id } }),
    );
    expect(res.status).toBe(403);
    expect((await app.db.selectFrom("users").select("org_unit_id").where("id", "=", shanxi.id).executeTakeFirstOrThrow()).org_unit_id).toBe(units.shanxi);
    // Their own page sends them to /profile.
    const page = await responseOf(() => userLoader({ request: makeRequest(`/admin/users/${shanxi.id}`), context: shanxi.context, params: { userId: shanxi.id } }));
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toBe("/profile");
  });

  it("an admin with no unit reaches nothing: other regions' outcomes stay closed", async () => {
    const unplaced = await app.signIn(["admin"], { orgUnitId: null });
    const res = await responseOf(() => outcomesLoader({ request: makeRequest(`/admin/outcomes?region=${units.shandong}`), context: unplaced.context, params: {} }));
    expect(res.status).toBe(403);
    const own = await responseOf(() => outcomesLoader({ request: makeRequest(`/admin/outcomes?region=${units.shandong}`), context: shanxi.context, params: {} }));
    expect(own.status).toBe(403);
  });
});

describe("creating admins above their region", () => {
  const person = (phone: string, over: Record<string, string | string[]>) => ({ name: "影子国家管理员", phone, email: "", orgUnitId: root, track: "", roles: ["admin"], ...over });

  it("/admin/users/new refuses an admin at the root, at their own unit, and anyone in another region", async () => {
    const cases: Array<[Record<string, string | string[]>, string, string]> = [
      [person("13900000099", {}), "orgUnitId", "reach.error.outsideReach"],
      [person("13900000098", { orgUnitId: units.shanxi }), "roles", "reach.error.adminAtOrAbove"],
      [person("13900000097", { orgUnitId: units.yantai, roles: ["trainee"] }), "orgUnitId", "reach.error.outsideReach"],
    ];
    for (const [form, field, message] of cases) {
      const res = await refused(() => newUserAction({ request: makeRequest("/admin/users/new", { form }), context: shanxi.context, params: {} }));
      expect(res.status).toBe(403);
      expect((await res.json()).errors[field]).toBe(message);
      expect(await app.db.selectFrom("users").select("id").where("phone", "=", String(form.phone)).execute()).toEqual([]);
    }
    // Below their own unit they may: a city coordinator for 运城.
    const ok = await responseOf(() => newUserAction({ request: makeRequest("/admin/users/new", { form: person("13900000096", { name: "运城协调员", orgUnitId: units.yuncheng }) }), context: shanxi.context, params: {} }));
    expect(ok.status).toBe(302);
  });

  it("a CSV row for an admin at 全国工作组 is rejected in the preview and never imported", async () => {
    const csv = "姓名,手机号,邮箱,角色,单位,条线\n影子国家管理员,13900000095,,管理员,全国工作组,\n运城学员,13900000094,,学员,山西省/运城市,校园行\n";
    const body = new FormData();
    body.append("file", new File([new TextEncoder().encode(csv)], "roster.csv", { type: "text/csv" }));
    const upload = await refused(() => importAction({ request: new Request("http://localhost/admin/users/import", { method: "POST", body }), context: shanxi.context, params: {} }));
    expect(upload.status).toBe(302);
    const importId = upload.headers.get("location")!.split("/").pop()!;
    const stored = await app.db.selectFrom("user_imports").select("rows").where("id", "=", importId).executeTakeFirstOrThrow();
    const reasons = (stored.rows as Array<{ row: number; reasons: Array<{ key: string }> }>).map((r) => r.reasons.map((x) => x.key));
    expect(reasons[0]).toContain("import.row.outsideReach");
    expect(reasons[1]).toEqual([]);
    await responseOf(() => importConfirm({ request: makeRequest(`/admin/users/import/${importId}`, { form: { intent: "import" } }), context: shanxi.context, params: { importId } }));
    expect(await app.db.selectFrom("users").select("id").where("phone", "=", "13900000095").execute()).toEqual([]);
    expect(await app.db.selectFrom("users").select("org_unit_id").where("phone", "=", "13900000094").executeTakeFirst()).toEqual({ org_unit_id: units.yuncheng });
  });
});

describe("acting on another region", () => {
  it("cannot grade a 山东 trainee's work, nor open it", async () => {
    const view = await refused(() => gradeLoader({ request: makeRequest(`/mentor/submissions/${submissionId}`), context: shanxi.context, params: { submissionId } }));
    expect(view.status).toBe(404);
    const grade = await refused(() =>
      gradeAction({ request: makeRequest(`/mentor/submissions/${submissionId}`, { form: { intent: "grade", decision: "pass" } }), context: shanxi.context, params: { submissionId } }),
    );
    expect(grade.status).toBe(404);
    expect(await app.db.selectFrom("grades").select("id").where("submission_id", "=", submissionId).execute()).toEqual([]);
    // The national admin still can (the same ids are real).
    expect((await responseOf(() => gradeLoader({ request: makeRequest(`/mentor/submissions/${submissionId}`), context: national.context, params: { submissionId } }))).status).toBe(200);
  });

  it("cannot download her evidence photos (evidence concerns minors)", async () => {
    const res = await refused(() => fileLoader({ request: makeRequest(`/files/${evidenceId}`), context: shanxi.context, params: { fileId: evidenceId } }));
    expect(res.status).toBe(404);
    expect((await responseOf(() => fileLoader({ request: makeRequest(`/files/${evidenceId}`), context: national.context, params: { fileId: evidenceId } }))).status).toBe(200);
  });

  it("cannot issue, download or revoke her certificate, nor approve her work for the showcase", async () => {
    const issue = await refused(() =>
      certificatesAction({ request: makeRequest("/admin/certificates", { form: { intent: "issue", candidate: `${shandongTrainee.id}|campus|foundation` } }), context: shanxi.context, params: {} }),
    );
    expect(issue.status).toBe(404);
    const pdf = await refused(() => certificatePdf({ request: makeRequest(`/certificates/${certificateId}.pdf`), context: shanxi.context, params: { certificateId } }));
    expect(pdf.status).toBe(404);
    for (const intent of ["revoke", "reissue"]) {
      const res = await refused(() =>
        certificatesAction({ request: makeRequest("/admin/certificates", { form: { intent, certificateId, reason: "越权撤销" } }), context: shanxi.context, params: {} }),
      );
      expect(res.status).toBe(404);
    }
    expect((await app.db.selectFrom("certificates").select("status").where("user_id", "=", shandongTrainee.id).execute()).map((c) => c.status)).toEqual(["issued"]);
    for (const intent of ["approve", "reject"]) {
      const res = await refused(() => showcaseAction({ request: makeRequest("/admin/showcase", { form: { intent, submissionId } }), context: shanxi.context, params: {} }));
      expect(res.status).toBe(404);
    }
    expect((await app.db.selectFrom("showcase_items").select("status").where("submission_id", "=", submissionId).executeTakeFirstOrThrow()).status).toBe("nominated");
    expect((await responseOf(() => certificatePdf({ request: makeRequest(`/certificates/${certificateId}.pdf`), context: national.context, params: { certificateId } }))).status).toBe(200);
  });

  it("cannot rename 山东省, nor rename, move or archive their own 山西省", async () => {
    const rename = await refused(() => orgsAction({ request: makeRequest("/admin/orgs", { form: { intent: "rename", id: units.shandong, name: "被改名的省" } }), context: shanxi.context, params: {} }));
    expect(rename.status).toBe(404);
    const ownUnitChanges: Array<Record<string, string>> = [
      { intent: "rename", id: units.shanxi, name: "晋" },
      { intent: "archive", id: units.shanxi, confirm: "yes" },
    ];
    for (const form of ownUnitChanges) {
      const res = await refused(() => orgsAction({ request: makeRequest("/admin/orgs", { form }), context: shanxi.context, params: {} }));
      expect(res.status).toBe(400);
      expect((await res.json()).message).toBe("reach.error.ownUnit");
    }
    const move = await refused(() => orgsAction({ request: makeRequest("/admin/orgs", { form: { intent: "move", id: units.yuncheng, newParentId: units.shandong } }), context: shanxi.context, params: {} }));
    expect((await move.json()).message).toBe("reach.error.outsideReach");
    const names = await app.db.selectFrom("org_units").select(["id", "name", "parent_id", "archived_at"]).where("id", "in", [units.shandong, units.shanxi, units.yuncheng]).execute();
    expect(names.find((u) => u.id === units.shandong)?.name).toBe("山东省");
    expect(names.find((u) => u.id === units.shanxi)).toMatchObject({ name: "山西省", archived_at: null });
    expect(names.find((u) => u.id === units.yuncheng)?.parent_id).toBe(units.shanxi);
  });

  it("reads only its own region's audit log, without others' addresses", async () => {
    // The national admin acts on the 山东 trainee: an event of 山东.
    await responseOf(() => userAction({ request: makeRequest(`/admin/users/${shandongTrainee.id}`, { form: { intent: "link" } }), context: { ...national.context, ip: "203.0.113.9" }, params: { userId: shandongTrainee.id } }));
    const res = await responseOf(() => auditLoader({ request: makeRequest("/admin/audit"), context: shanxi.context, params: {} }));
    const body = (await res.json()) as { events: Array<{ target_id: string | null; ip: string | null; action: string }> };
    expect(body.events.length).toBeGreaterThan(0);
    expect(body.events.some((e) => e.target_id === shandongTrainee.id)).toBe(false);
    expect(body.events.some((e) => e.ip === "203.0.113.9")).toBe(false);
    const all = await responseOf(() => auditLoader({ request: makeRequest("/admin/audit"), context: national.context, params: {} }));
    expect(((await all.json()) as typeof body).events.some((e) => e.target_id === shandongTrainee.id && e.ip === "203.0.113.9")).toBe(true);
  });

  it("sees only the mentors who serve its region on assignments and calibration, and cannot reassign 山东 work", async () => {
    const shanxiMentor = await app.signIn(["mentor"], { name: "运城导师", orgUnitId: units.yuncheng, track: "campus" });
    const assignments = (await (await responseOf(() => assignmentsLoader({ request: makeRequest("/admin/assignments"), context: shanxi.context, params: {} }))).json()) as { mentors: Array<{ id: string }> };
    expect(assignments.mentors.map((m) => m.id)).toEqual([shanxiMentor.id]);
    const calibration = (await (await responseOf(() => calibrationLoader({ request: makeRequest("/admin/calibration"), context: shanxi.context, params: {} }))).json()) as { mentors: Array<{ id: string }> };
    expect(calibration.mentors.map((m) => m.id)).toEqual([shanxiMentor.id]);
    await app.db.updateTable("submissions").set({ status: "submitted" }).where("id", "=", submissionId).execute();
    const reassign = await refused(() =>
      assignmentsAction({ request: makeRequest("/admin/assignments", { form: { submissionId, mentorId: shanxiMentor.id, role: "marker" } }), context: shanxi.context, params: {} }),
    );
    expect(reassign.status).toBe(404);
    expect(await app.db.selectFrom("submission_assignments").select("mentor_id").where("submission_id", "=", submissionId).execute()).toEqual([]);
    await app.db.updateTable("submissions").set({ status: "passed" }).where("id", "=", submissionId).execute();
  });

  it("lists only its own people", async () => {
    const res = await responseOf(() => usersLoader({ request: makeRequest("/admin/users"), context: shanxi.context, params: {} }));
    const ids = ((await res.json()) as { users: Array<{ id: string }> }).users.map((u) => u.id);
    expect(ids).not.toContain(shandongTrainee.id);
    expect(ids).not.toContain(national.id);
    const forged = await responseOf(() => usersLoader({ request: makeRequest(`/admin/users?region=${units.shandong}`), context: shanxi.context, params: {} }));
    expect(((await forged.json()) as { users: Array<{ id: string }> }).users.map((u) => u.id)).not.toContain(shandongTrainee.id);
  });
});
