import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import { syncCatalog } from "~/models/curriculum.server";
import { createOrgUnit } from "~/models/orgs.server";
import { loader as approvalPage } from "~/routes/admin.showcase";
import { loader as fileLoader } from "~/routes/files.$fileId";
import { loader as publicItem } from "~/routes/showcase.$submissionId";
import { LocalDiskStorage, registerStorage, storage } from "~/services/storage.server";
import { saveOrSubmit } from "~/submissions/written.server";
import { createTestApp, makeRequest, responseOf } from "../support/app";
import { insertSubmission } from "../support/arrange";

// Showcase photos: the admin sees the whole work and its photos before approving; the public sees
// photos only of approved work whose trainee confirmed the faces may be shown, and never anything else.

let app: Awaited<ReturnType<typeof createTestApp>>;
let school: string;
const fieldModule = () => catalog().modules.find((m) => m.track === "campus" && m.tier === "foundation" && m.tasks.some((t) => t.type === "field_work"))!;
const fieldTask = () => fieldModule().tasks.find((t) => t.type === "field_work")!;

beforeAll(async () => {
  app = await createTestApp();
  registerStorage(new LocalDiskStorage(mkdtempSync(path.join(tmpdir(), "baicheng-showcase-"))));
  await syncCatalog(app.db, catalog());
  const root = await app.programmeRoot();
  school = await createOrgUnit(app.db, { parentId: root, kind: "site", name: "展示小学", track: "campus" });
});
afterAll(async () => app?.close());

async function showcased(opts: { photos: boolean; status: "nominated" | "approved" }) {
  const trainee = await app.signIn(["trainee"], { track: "campus", orgUnitId: school });
  const mentor = await app.signIn(["mentor"], { track: "campus" });
  const { id } = await insertSubmission(app.db, {
    userId: trainee.id,
    module: fieldModule(),
    task: fieldTask(),
    orgUnitId: school,
    status: "passed",
    score: 90,
    showcase_consent: true,
    showcase_photos: opts.photos,
    body: JSON.stringify({ plan: "情绪卡片分类活动方案", reflection: "学生学会了说出自己的感受。" }),
  });
  const file = async (kind: "photo" | "sign_in_sheet") => {
    const key = `test/${id}/${kind}-${Math.random()}`;
    await storage().put(key, new Uint8Array([0xff, 0xd8, 0xff, 0xd9]), "image/jpeg");
    const row = await app.db
      .insertInto("evidence_files")
      .values({ submission_id: id, owner_id: trainee.id, kind, storage_key: key, mime_type: "image/jpeg", size_bytes: 4, sha256: "x", original_name: `${kind}.jpg` })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  };
  const photo = await file("photo");
  const sheet = await file("sign_in_sheet");
  await app.db
    .insertInto("showcase_items")
    .values({ submission_id: id, nominated_by: mentor.id, status: opts.status, ...(opts.status === "approved" && { decided_at: new Date() }) })
    .execute();
  return { id, photo, sheet };
}

const fetchFile = (fileId: string, context = app.anonymous()) => responseOf(() => fileLoader({ request: makeRequest(`/files/${fileId}`), context, params: { fileId } }));

describe("showcase approval", () => {
  it("shows the admin the whole work, its photos (not the sign-in sheet) and the trainee's photo choice", async () => {
    const withPhotos = await showcased({ photos: true, status: "nominated" });
    const without = await showcased({ photos: false, status: "nominated" });
    const admin = await app.signIn(["admin"], { orgUnitId: await app.programmeRoot() });
    const data = await (await responseOf(() => approvalPage({ request: makeRequest("/admin/showcase"), context: admin.context, params: {} }))).json();
    const item = data.items.find((i: { submission_id: string }) => i.submission_id === withPhotos.id);
    expect(item.work.body).toEqual({ plan: "情绪卡片分类活动方案", reflection: "学生学会了说出自己的感受。" });
    expect(item.photos.map((p: { id: string }) => p.id)).toEqual([withPhotos.photo]);
    expect(item.showcase_photos).toBe(true);
    expect(data.items.find((i: { submission_id: string }) => i.submission_id === without.id).showcase_photos).toBe(false);
    expect((await fetchFile(withPhotos.photo, admin.context)).status).toBe(200);
  });
});

describe("the public showcase and its photos", () => {
  it("shows and serves the photos of approved work whose trainee consented to faces being shown", async () => {
    const item = await showcased({ photos: true, status: "approved" });
    const page = await (await responseOf(() => publicItem({ request: makeRequest(`/showcase/${item.id}`), context: app.anonymous(), params: { submissionId: item.id } }))).json();
    expect(page.photos.map((p: { id: string }) => p.id)).toEqual([item.photo]);
    const res = await fetchFile(item.photo);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/jpeg");
    // The sign-in sheet (names of minors) never goes public.
    expect((await fetchFile(item.sheet)).status).toBe(302);
    const stranger = await app.signIn(["trainee"], { track: "campus" });
    expect((await fetchFile(item.sheet, stranger.context)).status).toBe(404);
  });

  it("shows approved work without consent to faces with no photos, and serves none of them", async () => {
    const item = await showcased({ photos: false, status: "approved" });
    const page = await (await responseOf(() => publicItem({ request: makeRequest(`/showcase/${item.id}`), context: app.anonymous(), params: { submissionId: item.id } }))).json();
    expect(page.photos).toEqual([]);
    expect(page.sections.length).toBeGreaterThan(0);
    expect((await fetchFile(item.photo)).status).toBe(302);
    const stranger = await app.signIn(["trainee"], { track: "campus" });
    expect((await fetchFile(item.photo, stranger.context)).status).toBe(404);
  });

  it("serves no photo of work still waiting for approval, even with consent", async () => {
    const item = await showcased({ photos: true, status: "nominated" });
    expect((await fetchFile(item.photo)).status).toBe(302);
  });

  it("keeps the photo choice only with consent to publish the work itself", async () => {
    const trainee = await app.signIn(["trainee"], { track: "campus", orgUnitId: school });
    const task = fieldTask();
    const { id } = await insertSubmission(app.db, { userId: trainee.id, module: fieldModule(), task, orgUnitId: school, status: "draft", attempts_used: 0, submitted_at: null });
    const raw = { activityTitle: "情绪小课堂", activityDate: "2026-11-20", orgUnitId: school, otherOrgName: "", place: "教室", audienceType: "students", peopleReached: "42", durationMinutes: "40", plan: "方案", reflection: "反思", text: "", consentConfirmed: true };
    const stored = async () => (await app.db.selectFrom("submissions").select(["showcase_consent", "showcase_photos"]).where("id", "=", id).executeTakeFirstOrThrow());
    await saveOrSubmit(app.db, { submissionId: id, userId: trainee.id, task, raw: { ...raw, showcaseConsent: false, showcasePhotos: true }, submit: false });
    expect(await stored()).toEqual({ showcase_consent: false, showcase_photos: false });
    await saveOrSubmit(app.db, { submissionId: id, userId: trainee.id, task, raw: { ...raw, showcaseConsent: true, showcasePhotos: true }, submit: false });
    expect(await stored()).toEqual({ showcase_consent: true, showcase_photos: true });
  });
});
