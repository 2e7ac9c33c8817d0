import { randomUUID } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import { reachOf } from "~/domain/reach";
import { syncCatalog } from "~/models/curriculum.server";
import { createOrgUnit } from "~/models/orgs.server";
import { insertEnrolment } from "~/models/training-sessions.server";
import { action as cohortAction } from "~/routes/admin.cohorts.$cohortId";
import { loader as attendanceCsvLoader } from "~/routes/admin.cohorts.$cohortId_.attendance[.]csv";
import { loader as attendanceXlsxLoader } from "~/routes/admin.cohorts.$cohortId_.attendance[.]xlsx";
import { action as progressAction, loader as progressLoader } from "~/routes/admin.cohorts.$cohortId_.progress";
import { loader as progressCsvLoader } from "~/routes/admin.cohorts.$cohortId_.progress[.]csv";
import { loader as progressXlsxLoader } from "~/routes/admin.cohorts.$cohortId_.progress[.]xlsx";
import { action as createCohortAction } from "~/routes/admin.cohorts._index";
import { action as sessionAction } from "~/routes/admin.sessions.$sessionId";
import { loader as checkinLoader } from "~/routes/checkin.$sessionId";
import { loader as learnLoader } from "~/routes/learn._index";
import { loader as notificationsLoader } from "~/routes/notifications";
import { tasksOf } from "~/services/cohorts.server";
import { createSession, currentCheckinUrl } from "~/services/training-sessions.server";
import { startWorkers, type RunningWorkers } from "../../workers/runtime";
import { insertSubmission } from "../support/arrange";
import { createTestApp, makeRequest, responseOf } from "../support/app";
import { waitFor } from "../support/wait";

// The cohort view (issue 17 item 5) and attendance in eligibility (item 4): the table's figures for
// a cohort with people ahead, behind and certified; the behind filter; the table and the cohort's
// attendance as CSV and Excel; another region's coordinator refused everywhere (audited); and the
// message to the cohort, once per message, to current members only, through the notifications worker.

type SignedIn = Awaited<ReturnType<Awaited<ReturnType<typeof createTestApp>>["signIn"]>>;
let app: Awaited<ReturnType<typeof createTestApp>>;
let workers: RunningWorkers;
let shanxi: SignedIn;
let shandong: SignedIn;
const people: Record<"behind" | "onTrack" | "certified" | "left", SignedIn> = {} as never;
let cohortId = "";
let cohortSession = "";
let regionSession = "";
const units = { shanxi: "", school: "", shandong: "" };

const json = async (res: Response) => (await res.json()) as Record<string, unknown>;
const params = () => ({ cohortId });
const get = (loader: (args: { request: Request; context: AppLoadContext; params: Record<string, string> }) => Promise<unknown>, path: string, who: SignedIn = shanxi) =>
  responseOf(() => loader({ request: makeRequest(path), context: who.context, params: params() }));
const staffOf = (who: SignedIn) => ({ id: who.id, reach: reachOf(who.context.auth.user!)!, ip: "127.0.0.1" });
const minutes = (n: number) => new Date(Date.now() + n * 60_000);

beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
  const root = await app.programmeRoot();
  units.shanxi = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "山西省", track: null });
  units.school = await createOrgUnit(app.db, { parentId: units.shanxi, kind: "site", name: "运城实验中学", track: "campus" });
  units.shandong = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "山东省", track: null });
  shanxi = await app.signIn(["admin"], { name: "山西协调员", orgUnitId: units.shanxi });
  shandong = await app.signIn(["admin"], { name: "山东协调员", orgUnitId: units.shandong });
  people.behind = await app.signIn(["trainee"], { name: "甲落后", orgUnitId: units.school, track: "campus" });
  people.onTrack = await app.signIn(["trainee"], { name: "乙按时", orgUnitId: units.school, track: "campus" });
  people.certified = await app.signIn(["trainee"], { name: "丙持证", orgUnitId: units.school, track: "campus" });
  people.left = await app.signIn(["trainee"], { name: "丁已退出", orgUnitId: units.school, track: "campus" });
  workers = await startWorkers({ db: app.db, redisUrl: app.redis.redisUrl, prefix: app.redis.prefix, concurrency: 2 });

  // A 督导 cohort that started last year; its first task was due long ago, its second is due later.
  const created = await responseOf(() =>
    createCohortAction({
      request: makeRequest("/admin/cohorts", { form: { name: "山西督导一期", orgUnitId: units.shanxi, track: "campus", tier: "supervisor", programmeYear: "1", startsOn: "2025-09-01", endsOn: "2030-06-30" } }),
      context: shanxi.context,
      params: {},
    }),
  );
  expect(created.status).toBe(302);
  cohortId = created.headers.get("location")!.split("/")[3]!.split("?")[0]!;
  const [first, second] = tasksOf("campus", "supervisor");
  const post = (form: Record<string, string | string[]>) => responseOf(() => cohortAction({ request: makeRequest(`/admin/cohorts/${cohortId}`, { form }), context: shanxi.context, params: params() }));
  expect((await post({ intent: "save", name: "山西督导一期", startsOn: "2025-09-01", endsOn: "2030-06-30", [`due.${first!.id}`]: "2025-10-01", [`due.${second!.id}`]: "2030-06-01" })).status).toBe(200);
  expect((await post({ intent: "add", userId: Object.values(people).map((p) => p.id), q: "" })).status).toBe(200);
  expect((await post({ intent: "remove", userId: people.left.id })).status).toBe(200);

  // 乙 handed in the overdue task, passed the other and read a module; 丙 holds the certificate.
  const moduleOf = (taskId: string) => catalog().modules.find((m) => m.tasks.some((t) => t.id === taskId))!;
  const taskOf = (taskId: string) => moduleOf(taskId).tasks.find((t) => t.id === taskId)!;
  await insertSubmission(app.db, { userId: people.onTrack.id, module: moduleOf(first!.id), task: taskOf(first!.id), orgUnitId: units.school });
  await insertSubmission(app.db, { userId: people.onTrack.id, module: moduleOf(second!.id), task: taskOf(second!.id), orgUnitId: units.school, status: "passed", score: 90 });
  await app.db.insertInto("module_progress").values({ user_id: people.onTrack.id, module_id: moduleOf(first!.id).id }).execute();
  await app.db
    .insertInto("certificates")
    .values({ number: "BC-2026-CERT-0001", user_id: people.certified.id, track: "campus", tier: "supervisor", name_on_certificate: "丙持证" })
    .execute();

  // Two sessions under way (the cohort's, and one open to 山西) and one of the cohort's still to come.
  const session = (title: string, startsIn: number, where: Parameters<typeof createSession>[3]) =>
    createSession(
      app.db,
      staffOf(shanxi),
      { title, kind: "group_supervision", startsAt: minutes(startsIn), endsAt: minutes(startsIn + 180), place: "运城", onlineUrl: null, capacity: 30, hours: 3, cancelBy: null, lateAfterMinutes: 10 },
      where,
    );
  const made = await Promise.all([
    session("团体督导（一）", -30, { cohortId }),
    session("山西团体督导", -30, { orgUnit: { id: units.shanxi, path: reachOf(shanxi.context.auth.user!)!.path } }),
    session("团体督导（二）", 60 * 24 * 7, { cohortId }),
  ]);
  for (const m of made) expect(m.ok).toBe(true);
  cohortSession = (made[0] as { id: string }).id;
  regionSession = (made[1] as { id: string }).id;
});
afterAll(async () => {
  await workers?.close();
  await app?.close();
});

const eligibilityJobs = (userId: string) =>
  app.db.selectFrom("job_outbox").select(["job_id", "payload"]).where("queue", "=", "eligibility").where("job_id", "like", `eligibility-${userId}-%-attendance-%`).execute();

describe("attendance moves eligibility", () => {
  it("a QR check-in and marks by hand queue an evaluation, and the stored and the live eligibility count the sessions", async () => {
    // 甲 scans the cohort session's code (30 minutes in: late, which counts) and is marked present at the region's.
    const url = new URL((await currentCheckinUrl(app.db, cohortSession, "http://localhost"))!);
    const scanned = await responseOf(() => checkinLoader({ request: makeRequest(`${url.pathname}${url.search}`), context: people.behind.context, params: { sessionId: cohortSession } }));
    expect(scanned.status).toBe(200);
    expect(await json(scanned)).toMatchObject({ ok: true, message: "checkin.late" });
    await insertEnrolment(app.db, { sessionId: regionSession, userId: people.behind.id, status: "enrolled", by: shanxi.id });
    await insertEnrolment(app.db, { sessionId: cohortSession, userId: people.onTrack.id, status: "enrolled", by: shanxi.id });
    const mark = (sessionId: string, userId: string, status: string) =>
      responseOf(() => sessionAction({ request: makeRequest(`/admin/sessions/${sessionId}`, { form: { intent: "mark", userId, status, note: "" } }), context: shanxi.context, params: { sessionId } }));
    expect((await mark(regionSession, people.behind.id, "present")).status).toBe(200);
    expect((await mark(cohortSession, people.onTrack.id, "present")).status).toBe(200);

    // One job per change, for the keys whose rule asks for attendance: the cohort's (督导) key only.
    const jobs = await eligibilityJobs(people.behind.id);
    expect(jobs).toHaveLength(2);
    for (const j of jobs) expect(j.payload).toEqual({ userId: people.behind.id, track: "campus", tier: "supervisor" });

    const stored = await waitFor("甲's stored evaluation counting both sessions", async () => {
      const row = await app.db.selectFrom("eligibility").selectAll().where("user_id", "=", people.behind.id).where("tier", "=", "supervisor").executeTakeFirst();
      const missing = (row?.missing ?? []) as Array<{ key: string; params?: Record<string, number> }>;
      return missing.some((m) => m.key === "elig.sessions.group_supervision" && m.params?.have === 2) ? missing : undefined;
    });
    expect(stored).toContainEqual({ key: "elig.hours", params: { have: 6, need: 12 } });
    // Every job done: nothing left pending in the outbox.
    await waitFor("the attendance jobs completed", async () => ((await eligibilityJobs(people.behind.id)).length === 2 && (await app.db.selectFrom("job_outbox").select("job_id").where("queue", "=", "eligibility").where("completed_at", "is", null).execute()).length === 0 ? true : undefined));

    // The trainee's own certificates panel says it in Chinese.
    const learn = await json(await responseOf(() => learnLoader({ request: makeRequest("/learn"), context: people.behind.context, params: {} })));
    const campus = (learn.tracks as Array<{ id: string; certificates: Array<{ tier: string; missing: string[] }> }>).find((t) => t.id === "campus")!;
    const supervisor = campus.certificates.find((c) => c.tier === "supervisor")!;
    expect(supervisor.missing).toContain("团体督导 2/4 次");
    expect(supervisor.missing).toContain("活动学时 6/12");
    // Tiers without an attendance rule say nothing of sessions.
    expect(campus.certificates.find((c) => c.tier === "foundation")!.missing.join("")).not.toContain("团体督导");

    // Marked absent after all: the region session no longer counts, and the evaluation follows.
    expect((await mark(regionSession, people.behind.id, "absent")).status).toBe(200);
    await waitFor("甲's evaluation back to one session", async () => {
      const row = await app.db.selectFrom("eligibility").select("missing").where("user_id", "=", people.behind.id).where("tier", "=", "supervisor").executeTakeFirst();
      return ((row?.missing ?? []) as Array<{ key: string; params?: Record<string, number> }>).some((m) => m.key === "elig.sessions.group_supervision" && m.params?.have === 1) ? true : undefined;
    });
    expect((await mark(regionSession, people.behind.id, "present")).status).toBe(200);
  });
});

describe("the cohort view", () => {
  type Row = { name: string; modulesRead: number; modulesTotal: number; tasksPassed: number; tasksTotal: number; overdue: number; sessionsAttended: number; sessionsHeld: number; hoursAttended: number; standing: string; missing: string[]; behind: boolean };

  it("shows every current member with modules read, tasks passed, overdue tasks, sessions attended and their standing; behind first", async () => {
    const res = await get(progressLoader, `/admin/cohorts/${cohortId}/progress`);
    expect(res.status).toBe(200);
    const data = await json(res);
    const rows = data.rows as Row[];
    expect(rows[0]!.name).toBe("甲落后");
    expect(rows.map((r) => r.name).sort()).toEqual(["丙持证", "乙按时", "甲落后"].sort());
    expect(data).toMatchObject({ total: 3, behind: 1, show: "all" });
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    const tasks = tasksOf("campus", "supervisor").length;
    const modules = catalog().modules.filter((m) => m.track === "campus" && m.tier === "supervisor").length;
    expect(byName["甲落后"]).toMatchObject({ modulesRead: 0, modulesTotal: modules, tasksPassed: 0, tasksTotal: tasks, overdue: 1, sessionsAttended: 1, sessionsHeld: 1, hoursAttended: 6, standing: "missing", behind: true });
    expect(byName["甲落后"]!.missing).toContain("团体督导 2/4 次");
    expect(byName["乙按时"]).toMatchObject({ modulesRead: 1, tasksPassed: 1, overdue: 0, sessionsAttended: 1, sessionsHeld: 1, hoursAttended: 3, standing: "missing", behind: false });
    expect(byName["乙按时"]!.missing).toContain("团体督导 1/4 次");
    // Certified is never behind, whatever is still open.
    expect(byName["丙持证"]).toMatchObject({ standing: "certified", missing: [], overdue: 1, behind: false });
  });

  it("filters to the trainees behind", async () => {
    const data = await json(await get(progressLoader, `/admin/cohorts/${cohortId}/progress?show=behind`));
    expect(data.show).toBe("behind");
    expect((data.rows as Row[]).map((r) => r.name)).toEqual(["甲落后"]);
  });

  it("exports the table as CSV (UTF-8 with BOM) and Excel, the behind filter kept", async () => {
    const csv = await get(progressCsvLoader, `/admin/cohorts/${cohortId}/progress.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.headers.get("content-disposition")).toContain(encodeURIComponent("学员进度-山西督导一期.csv"));
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toBe("姓名,手机号,单位,已读模块,模块总数,通过任务,任务总数,逾期任务,参加本期活动,本期已举办活动,计入学时,颁证情况,尚缺条件,进度落后");
    expect(lines).toHaveLength(4);
    const behind = lines.find((l) => l.startsWith("甲落后,"))!;
    expect(behind).toContain(",运城实验中学,0,");
    expect(behind).toContain("团体督导 2/4 次");
    expect(behind.endsWith(",是")).toBe(true);
    expect(lines.find((l) => l.startsWith("丙持证,"))).toContain(",已获证书,,否");

    const filtered = new TextDecoder().decode(await (await get(progressCsvLoader, `/admin/cohorts/${cohortId}/progress.csv?show=behind`)).arrayBuffer()).trim().split("\r\n");
    expect(filtered.slice(1).map((l) => l.split(",")[0])).toEqual(["甲落后"]);

    const xlsx = await get(progressXlsxLoader, `/admin/cohorts/${cohortId}/progress.xlsx`);
    expect(xlsx.status).toBe(200);
    const { default: ExcelJS } = await import("exceljs");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await xlsx.arrayBuffer());
    const sheet = book.getWorksheet("学员进度")!;
    expect(sheet.getRow(1).getCell(1).value).toBe("姓名");
    const values = [2, 3, 4].map((n) => sheet.getRow(n).values as unknown[]);
    const first = values.find((v) => v[1] === "甲落后")!;
    // Numbers stay numbers in the workbook.
    expect(first.slice(4, 12)).toEqual([0, expect.any(Number), 0, expect.any(Number), 1, 1, 1, 6]);
  });

  it("exports the cohort's attendance, every session of it and no region session, as CSV and Excel", async () => {
    const csv = await get(attendanceCsvLoader, `/admin/cohorts/${cohortId}/attendance.csv`);
    expect(csv.status).toBe(200);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    const lines = text.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toBe("活动,类型,开始时间,学时,姓名,手机号,单位,报名状态,考勤,方式,记录时间,备注");
    expect(lines.filter((l) => l.startsWith("团体督导（一）,团体督导,")).map((l) => [l.split(",")[4], l.split(",")[8], l.split(",")[9]]).sort()).toEqual(
      [
        ["乙按时", "出席", "手工"],
        ["甲落后", "迟到", "扫码"],
      ].sort(),
    );
    expect(text).not.toContain("山西团体督导");

    const xlsx = await get(attendanceXlsxLoader, `/admin/cohorts/${cohortId}/attendance.xlsx`);
    expect(xlsx.status).toBe(200);
    const { default: ExcelJS } = await import("exceljs");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await xlsx.arrayBuffer());
    expect(book.getWorksheet("考勤")!.rowCount).toBe(3);
  });

  it("answers another region's coordinator 404 on the page, the exports and the message, each refusal audited, nothing sent", async () => {
    const refusals = async () => Number((await app.db.selectFrom("audit_events").select((eb) => eb.fn.countAll<number>().as("n")).where("action", "=", "reach.refused").where("actor_id", "=", shandong.id).executeTakeFirstOrThrow()).n);
    const before = await refusals();
    for (const [loader, path] of [
      [progressLoader, `/admin/cohorts/${cohortId}/progress`],
      [progressCsvLoader, `/admin/cohorts/${cohortId}/progress.csv`],
      [progressXlsxLoader, `/admin/cohorts/${cohortId}/progress.xlsx`],
      [attendanceCsvLoader, `/admin/cohorts/${cohortId}/attendance.csv`],
      [attendanceXlsxLoader, `/admin/cohorts/${cohortId}/attendance.xlsx`],
    ] as const) {
      const res = await get(loader, path, shandong);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain("甲落后");
    }
    const message = await responseOf(() =>
      progressAction({ request: makeRequest(`/admin/cohorts/${cohortId}/progress`, { form: { intent: "message", messageId: randomUUID(), title: "越权通知", body: "越权" } }), context: shandong.context, params: params() }),
    );
    expect(message.status).toBe(404);
    expect(await refusals()).toBe(before + 6);
    expect(await app.db.selectFrom("cohort_messages").select("id").where("title", "=", "越权通知").execute()).toEqual([]);
    // A trainee is refused the page outright.
    expect((await get(progressLoader, `/admin/cohorts/${cohortId}/progress`, people.behind)).status).toBe(403);
  });
});

describe("a message to the cohort", () => {
  const send = (form: Record<string, string>) =>
    responseOf(() => progressAction({ request: makeRequest(`/admin/cohorts/${cohortId}/progress`, { form: { intent: "message", ...form } }), context: shanxi.context, params: params() }));
  const notices = (userId: string) => app.db.selectFrom("notifications").select(["id", "kind", "payload"]).where("user_id", "=", userId).where("kind", "=", "cohort.message").execute();

  it("refuses an empty or over-long title or body with a message by the field, sending nothing", async () => {
    const empty = await send({ messageId: randomUUID(), title: " ", body: "" });
    expect(empty.status).toBe(400);
    expect((await json(empty)).errors).toEqual({ title: "cview.message.error.titleRequired", body: "cview.message.error.bodyRequired" });
    const long = await send({ messageId: randomUUID(), title: "长".repeat(51), body: "好" });
    expect((await json(long)).errors).toEqual({ title: "cview.message.error.titleTooLong" });
    expect((await send({ messageId: "not-a-uuid", title: "标题", body: "内容" })).status).toBe(400);
    expect(await app.db.selectFrom("cohort_messages").select("id").execute()).toEqual([]);
  });

  it("notifies each current member once in the notification centre, audited; the same post again sends nothing", async () => {
    const messageId = randomUUID();
    const first = await send({ messageId, title: "周六团体督导改到三楼", body: "本周六的团体督导改在三楼会议室，请准时参加。" });
    expect(first.status).toBe(200);
    expect(await json(first)).toMatchObject({ ok: true, message: "cview.message.sent", params: { count: 3 } });
    for (const who of [people.behind, people.onTrack, people.certified]) {
      const rows = await waitFor(`the notice for ${who.id}`, async () => ((await notices(who.id)).length ? notices(who.id) : undefined));
      expect(rows).toEqual([{ id: `cohort-message-${messageId}-${who.id}`, kind: "cohort.message", payload: expect.objectContaining({ title: "周六团体督导改到三楼", cohort: "山西督导一期" }) }]);
    }
    // Someone who left the cohort is not told.
    expect(await notices(people.left.id)).toEqual([]);

    // The centre shows the title and the whole message, linking to the trainee's cohorts.
    const centre = await json(await responseOf(() => notificationsLoader({ request: makeRequest("/notifications"), context: people.onTrack.context, params: {} })));
    const item = (centre.items as Array<{ view: { titleKey: string; params: Record<string, string>; quote: string; href: string } }>)[0]!;
    expect(item.view).toMatchObject({ titleKey: "notif.kind.cohort.message", params: { cohort: "山西督导一期", title: "周六团体督导改到三楼" }, quote: "本周六的团体督导改在三楼会议室，请准时参加。", href: "/cohorts" });

    const again = await send({ messageId, title: "周六团体督导改到三楼", body: "本周六的团体督导改在三楼会议室，请准时参加。" });
    expect(await json(again)).toMatchObject({ ok: true, message: "cview.message.already" });
    const audits = await app.db.selectFrom("audit_events").select(["target_id", "details"]).where("action", "=", "cohort.messaged").execute();
    expect(audits).toEqual([{ target_id: cohortId, details: expect.objectContaining({ messageId, count: 3, title: "周六团体督导改到三楼", cohort: "山西督导一期" }) }]);
    expect(await app.db.selectFrom("cohort_messages").select(["id", "recipients"]).execute()).toEqual([{ id: messageId, recipients: 3 }]);
    expect(await app.db.selectFrom("job_outbox").select("job_id").where("job_id", "like", `notify-cohort-message-${messageId}-%`).execute()).toHaveLength(3);
    for (const who of [people.behind, people.onTrack, people.certified]) expect(await notices(who.id)).toHaveLength(1);

    // The page lists what was sent.
    const page = await json(await get(progressLoader, `/admin/cohorts/${cohortId}/progress`));
    expect(page.messages).toEqual([expect.objectContaining({ id: messageId, title: "周六团体督导改到三楼", recipients: 3, sender: "山西协调员" })]);
    expect(page.messageId).not.toBe(messageId);
  });
});
