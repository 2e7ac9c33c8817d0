import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Job } from "bullmq";
import sharp from "sharp";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkinToken } from "~/domain/checkin-token";
import { describeNotification, type DisplayNames } from "~/domain/notifications";
import { translate } from "~/i18n";
import { createOrgUnit } from "~/models/orgs.server";
import { action as cohortAction } from "~/routes/admin.cohorts.$cohortId";
import { action as createCohortAction } from "~/routes/admin.cohorts._index";
import { loader as csvLoader } from "~/routes/admin.sessions.$sessionId.attendance[.]csv";
import { loader as sheetLoader } from "~/routes/admin.sessions.$sessionId.sheets.$sheetId";
import { action as adminAction, loader as adminLoader } from "~/routes/admin.sessions.$sessionId";
import { loader as checkinScreenLoader } from "~/routes/admin.sessions.$sessionId_.checkin";
import { action as createAction, loader as adminListLoader } from "~/routes/admin.sessions._index";
import { loader as checkinLoader } from "~/routes/checkin.$sessionId";
import { action as joinAction } from "~/routes/cohorts";
import { action as pageAction, loader as pageLoader } from "~/routes/sessions.$sessionId";
import { action as mineAction } from "~/routes/sessions._index";
import { applyRetention } from "~/services/retention.server";
import { LocalDiskStorage, registerStorage } from "~/services/storage.server";
import { cancelPlace, checkIn, signUp, signerFor } from "~/services/training-sessions.server";
import { notificationsProcessor } from "../../workers/processors/notifications";
import { createTestApp, makeRequest, responseOf } from "../support/app";

// Sessions end to end against PostgreSQL and Redis: regional scoping, capacity and the waitlist
// (concurrent sign-ups too), cancellation and promotion, check-in codes, manual attendance, event
// notifications and paper sign-in sheets. Every refusal writes nothing (rows counted before/after).

let app: Awaited<ReturnType<typeof createTestApp>>;
type SignedIn = Awaited<ReturnType<Awaited<ReturnType<typeof createTestApp>>["signIn"]>>;
let national: SignedIn;
let shanxi: SignedIn;
let shandong: SignedIn;
let storeRoot: string;
const units = { shanxi: "", shandong: "", school: "", shandongSchool: "" };

beforeAll(async () => {
  app = await createTestApp();
  storeRoot = mkdtempSync(path.join(tmpdir(), "baicheng-sheets-"));
  registerStorage(new LocalDiskStorage(storeRoot));
  const root = await app.programmeRoot();
  units.shanxi = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "山西省", track: null });
  units.school = await createOrgUnit(app.db, { parentId: units.shanxi, kind: "site", name: "运城实验中学", track: "campus" });
  units.shandong = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "山东省", track: null });
  units.shandongSchool = await createOrgUnit(app.db, { parentId: units.shandong, kind: "site", name: "烟台二中", track: "campus" });
  national = await app.signIn(["admin"], { name: "项目管理员" });
  shanxi = await app.signIn(["admin"], { name: "山西协调员", orgUnitId: units.shanxi });
  shandong = await app.signIn(["admin"], { name: "山东协调员", orgUnitId: units.shandong });
});
afterAll(async () => {
  registerStorage(null);
  rmSync(storeRoot, { recursive: true, force: true });
  await app?.close();
});

const hour = 3_600_000;
const trainee = (name?: string, unit = units.school) => app.signIn(["trainee"], { name, orgUnitId: unit, track: "campus" });

type Table = "training_sessions" | "session_enrolments" | "session_attendance" | "session_sheets" | "audit_events" | "job_outbox" | "cohort_due_dates" | "cohort_join_requests" | "cohort_members";
const count = async (table: Table) => Number((await app.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
const counts = async () => ({
  sessions: await count("training_sessions"),
  enrolments: await count("session_enrolments"),
  attendance: await count("session_attendance"),
  sheets: await count("session_sheets"),
  outbox: await count("job_outbox"),
});
const refusals = async (who: SignedIn) =>
  Number((await app.db.selectFrom("audit_events").select((eb) => eb.fn.countAll<number>().as("n")).where("action", "=", "reach.refused").where("actor_id", "=", who.id).executeTakeFirstOrThrow()).n);

/** A session written as the create form leaves it, at any time (the form refuses the past). */
async function newSession(over: { unit?: string; capacity?: number; startsIn?: number; lastsHours?: number; cancelBy?: Date | null; lateAfterMinutes?: number; title?: string; cohortId?: string } = {}) {
  const starts = new Date(Date.now() + (over.startsIn ?? 48 * hour));
  const row = await app.db
    .insertInto("training_sessions")
    .values({
      org_unit_id: over.unit ?? units.shanxi,
      cohort_id: over.cohortId ?? null,
      kind: "training",
      title: over.title ?? `心理急救培训${Math.random().toString(36).slice(2, 6)}`,
      starts_at: starts,
      ends_at: new Date(starts.getTime() + (over.lastsHours ?? 2) * hour),
      place: "运城市教育局三楼会议室",
      capacity: over.capacity ?? 30,
      cancel_by: over.cancelBy ?? null,
      late_after_minutes: over.lateAfterMinutes ?? 10,
      checkin_secret: `${Math.random().toString(36).slice(2)}${"s".repeat(40)}`,
    })
    .returning(["id", "checkin_secret"])
    .executeTakeFirstOrThrow();
  return { id: row.id, secret: row.checkin_secret, startsAt: starts };
}

const statusOf = async (sessionId: string, userId: string) =>
  (await app.db.selectFrom("session_enrolments").select("status").where("session_id", "=", sessionId).where("user_id", "=", userId).where("status", "<>", "cancelled").executeTakeFirst())?.status ?? null;

const adminPost = (who: SignedIn, sessionId: string, form: Record<string, string>) =>
  responseOf(() => adminAction({ request: makeRequest(`/admin/sessions/${sessionId}`, { form }), context: who.context, params: { sessionId } }));
const minePost = (who: SignedIn, sessionId: string, intent: "signUp" | "cancel") =>
  responseOf(() => mineAction({ request: makeRequest("/sessions", { form: { intent, sessionId } }), context: who.context, params: {} }));
const by = (who: SignedIn) => ({ id: who.id, ip: "127.0.0.1" });
const orgPathOf = async (unitId: string) => (await app.db.selectFrom("org_units").select("path").where("id", "=", unitId).executeTakeFirstOrThrow()).path;

describe("regional scoping", () => {
  const createForm = (forValue: string, title: string) => ({
    title,
    kind: "lecture",
    for: forValue,
    date: new Date(Date.now() + 10 * 24 * hour).toISOString().slice(0, 10),
    start: "09:00",
    end: "11:00",
    place: "会议室",
    onlineUrl: "",
    capacity: "20",
    hours: "2",
    cancelHours: "24",
    lateMinutes: "10",
  });
  const create = (who: SignedIn, form: Record<string, string>) => responseOf(() => createAction({ request: makeRequest("/admin/sessions", { form }), context: who.context, params: {} }));

  it("creating a session in another region is refused with a field message, audited, and writes nothing", async () => {
    const own = await create(shanxi, createForm(`unit:${units.school}`, "山西的讲座"));
    expect(own.status).toBe(302);
    const before = await counts();
    const audits = await refusals(shanxi);
    const refused = await create(shanxi, createForm(`unit:${units.shandong}`, "越界的讲座"));
    expect(refused.status).toBe(400);
    expect((await refused.json()).errors).toEqual({ for: "sessions.error.for" });
    expect(await counts()).toEqual(before);
    expect(await refusals(shanxi)).toBe(audits + 1);
  });

  it("another region's session is a 404 to see, change, export, check in and sheet, each attempt audited; the list leaves it out", async () => {
    const theirs = await newSession({ unit: units.shandong, title: "鲁的团体督导" });
    const person = await trainee("山东学员", units.shandongSchool);
    await signUp(app.db, { sessionId: theirs.id, user: { id: person.id, orgPath: await orgPathOf(units.shandongSchool) }, by: by(person) });
    const before = await counts();
    const audits = await refusals(shanxi);
    const params = { sessionId: theirs.id };
    const get = (run: (args: Parameters<typeof adminLoader>[0]) => Promise<unknown>, url: string) => responseOf(() => run({ request: makeRequest(url), context: shanxi.context, params }));
    expect((await get(adminLoader, `/admin/sessions/${theirs.id}`)).status).toBe(404);
    expect((await get(csvLoader, `/admin/sessions/${theirs.id}/attendance.csv`)).status).toBe(404);
    expect((await get(checkinScreenLoader, `/admin/sessions/${theirs.id}/checkin`)).status).toBe(404);
    const forms: Array<Record<string, string>> = [
      { intent: "mark", userId: person.id, status: "absent", note: "" },
      { intent: "enrol", userId: person.id },
      { intent: "cancelFor", userId: person.id },
      { intent: "removeSheet", sheetId: "00000000-0000-0000-0000-000000000000" },
    ];
    for (const form of forms) {
      expect((await adminPost(shanxi, theirs.id, form)).status, form.intent).toBe(404);
    }
    expect(await refusals(shanxi)).toBe(audits + 7);
    expect(await counts()).toEqual(before);
    expect(await statusOf(theirs.id, person.id)).toBe("enrolled");

    const titles = async (who: SignedIn) => (await (await responseOf(() => adminListLoader({ request: makeRequest("/admin/sessions"), context: who.context, params: {} }))).json()).sessions.map((s: { title: string }) => s.title);
    expect(await titles(shanxi)).not.toContain("鲁的团体督导");
    expect(await titles(national)).toContain("鲁的团体督导");
    // Their own coordinator and the programme admin see it.
    expect((await responseOf(() => adminLoader({ request: makeRequest(`/admin/sessions/${theirs.id}`), context: shandong.context, params }))).status).toBe(200);
    expect((await responseOf(() => adminLoader({ request: makeRequest(`/admin/sessions/${theirs.id}`), context: national.context, params }))).status).toBe(200);
  });

  it("a trainee of another region cannot see or sign up for a region session", async () => {
    const session = await newSession({ unit: units.shanxi });
    const outsider = await trainee("外省学员", units.shandongSchool);
    const before = await counts();
    const res = await minePost(outsider, session.id, "signUp");
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe("sessions.problem.notOpen");
    expect((await responseOf(() => pageLoader({ request: makeRequest(`/sessions/${session.id}`), context: outsider.context, params: { sessionId: session.id } }))).status).toBe(404);
    expect(await counts()).toEqual(before);
  });
});

describe("capacity and the waitlist", () => {
  it("over capacity goes on the waitlist, never over", async () => {
    const session = await newSession({ capacity: 2 });
    const people = [await trainee("甲"), await trainee("乙"), await trainee("丙")];
    const answers = [];
    for (const p of people) answers.push(await (await minePost(p, session.id, "signUp")).json());
    expect(answers.map((a) => a.message)).toEqual(["sessions.signedUp", "sessions.signedUp", "sessions.waitlisted"]);
    expect(await statusOf(session.id, people[2]!.id)).toBe("waitlisted");
    // The waitlisted person sees their place on their session page.
    const page = await (await responseOf(() => pageLoader({ request: makeRequest(`/sessions/${session.id}`), context: people[2]!.context, params: { sessionId: session.id } }))).json();
    expect(page).toMatchObject({ mine: "waitlisted", position: 1, enrolled: 2, waiting: 1 });
  });

  it("many sign-ups racing for the last places: exactly capacity enrolled, the rest waitlisted", async () => {
    const session = await newSession({ capacity: 3 });
    const path = await orgPathOf(units.school);
    const people = await Promise.all(Array.from({ length: 12 }, (_, i) => trainee(`并发${i}`)));
    const results = await Promise.all(people.map((p) => signUp(app.db, { sessionId: session.id, user: { id: p.id, orgPath: path }, by: by(p) })));
    expect(results.every((r) => r.ok)).toBe(true);
    const rows = await app.db.selectFrom("session_enrolments").select("status").where("session_id", "=", session.id).execute();
    expect(rows.filter((r) => r.status === "enrolled")).toHaveLength(3);
    expect(rows.filter((r) => r.status === "waitlisted")).toHaveLength(9);
  });

  it("a cancellation promotes the longest-waiting person at once, audited and notified", async () => {
    const session = await newSession({ capacity: 1 });
    const [first, second, third] = [await trainee("先到"), await trainee("候补一"), await trainee("候补二")];
    for (const p of [first, second, third]) expect((await minePost(p!, session.id, "signUp")).status).toBe(200);
    expect((await minePost(first!, session.id, "cancel")).status).toBe(200);
    expect(await statusOf(session.id, first!.id)).toBeNull();
    expect(await statusOf(session.id, second!.id)).toBe("enrolled");
    expect(await statusOf(session.id, third!.id)).toBe("waitlisted");
    const promoted = await app.db.selectFrom("audit_events").select("target_id").where("action", "=", "session.promoted").where(sql<string>`details->>'sessionId'`, "=", session.id).execute();
    expect(promoted.map((p) => p.target_id)).toEqual([second!.id]);
  });

  it("the cancellation deadline is enforced for the trainee (nothing changes); staff may still cancel", async () => {
    const session = await newSession({ capacity: 5, startsIn: 10 * hour, cancelBy: new Date(Date.now() - hour) });
    const person = await trainee("错过截止");
    expect((await minePost(person, session.id, "signUp")).status).toBe(200);
    const before = await counts();
    const late = await minePost(person, session.id, "cancel");
    expect(late.status).toBe(400);
    expect((await late.json()).message).toBe("sessions.problem.tooLate");
    expect(await counts()).toEqual(before);
    expect(await statusOf(session.id, person.id)).toBe("enrolled");
    expect((await adminPost(shanxi, session.id, { intent: "cancelFor", userId: person.id })).status).toBe(200);
    expect(await statusOf(session.id, person.id)).toBeNull();
  });

  it("a session that has started cannot be signed up for", async () => {
    const session = await newSession({ startsIn: -hour });
    const person = await trainee("迟来者");
    const before = await counts();
    const res = await minePost(person, session.id, "signUp");
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe("sessions.problem.past");
    expect(await counts()).toEqual(before);
  });

  it("overlapping sessions give a warning, not a block", async () => {
    const morning = await newSession({ startsIn: 72 * hour, lastsHours: 3, title: "上午的督导" });
    const overlapping = await newSession({ startsIn: 73 * hour, lastsHours: 2, title: "重叠的讲座" });
    const person = await trainee("忙碌的人");
    expect(await (await minePost(person, morning.id, "signUp")).json()).toMatchObject({ ok: true });
    const second = await (await minePost(person, overlapping.id, "signUp")).json();
    expect(second).toMatchObject({ ok: true, message: "sessions.signedUp", warning: "上午的督导" });
    expect(await statusOf(overlapping.id, person.id)).toBe("enrolled");
  });
});

describe("QR check-in", () => {
  const expired = translate("zh-CN", "checkin.expired");

  it("the current code marks present; a late arrival is late; a second scan changes nothing", async () => {
    const session = await newSession({ startsIn: -5 * 60_000, lateAfterMinutes: 10 });
    const path = await orgPathOf(units.school);
    const onTime = await trainee("准时");
    await signUp(app.db, { sessionId: session.id, user: { id: onTime.id, orgPath: path }, by: by(onTime), now: new Date(Date.now() - hour) });
    const token = checkinToken(session.id, new Date(), signerFor(session.secret));
    const res = await responseOf(() => checkinLoader({ request: makeRequest(`/checkin/${session.id}?t=${encodeURIComponent(token)}`), context: onTime.context, params: { sessionId: session.id } }));
    expect(res.status).toBe(200);
    expect((await res.json()).message).toBe("checkin.present");
    const first = await app.db.selectFrom("session_attendance").selectAll().where("session_id", "=", session.id).where("user_id", "=", onTime.id).executeTakeFirstOrThrow();
    expect(first).toMatchObject({ status: "present", via: "qr" });

    const audits = await count("audit_events");
    const again = await responseOf(() => checkinLoader({ request: makeRequest(`/checkin/${session.id}?t=${encodeURIComponent(token)}`), context: onTime.context, params: { sessionId: session.id } }));
    expect((await again.json()).message).toBe("checkin.already");
    const second = await app.db.selectFrom("session_attendance").selectAll().where("session_id", "=", session.id).where("user_id", "=", onTime.id).executeTakeFirstOrThrow();
    expect(second).toEqual(first);
    expect(await count("audit_events")).toBe(audits);

    // Eleven minutes after the start, with the code of that moment: late.
    const lateComer = await trainee("迟到者");
    const at = new Date(session.startsAt.getTime() + 11 * 60_000);
    const late = await checkIn(app.db, { sessionId: session.id, token: checkinToken(session.id, at, signerFor(session.secret)), user: { id: lateComer.id, orgPath: path }, ip: null, now: at });
    expect(late).toMatchObject({ ok: true, status: "late", already: false });
    // Ten minutes exactly is still on time.
    const edge = new Date(session.startsAt.getTime() + 10 * 60_000);
    const punctual = await trainee("踩点");
    expect(await checkIn(app.db, { sessionId: session.id, token: checkinToken(session.id, edge, signerFor(session.secret)), user: { id: punctual.id, orgPath: path }, ip: null, now: edge })).toMatchObject({ ok: true, status: "present" });
  });

  it("an expired code, one replayed from an old window and another session's code: 签到码已过期, nothing written", async () => {
    const session = await newSession({ startsIn: -5 * 60_000 });
    const other = await newSession({ startsIn: -5 * 60_000 });
    const path = await orgPathOf(units.school);
    const person = await trainee("拍照转发");
    const now = new Date();
    const before = await counts();
    const scan = async (token: string) => {
      const res = await responseOf(() => checkinLoader({ request: makeRequest(`/checkin/${session.id}?t=${encodeURIComponent(token)}`), context: person.context, params: { sessionId: session.id } }));
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(translate("zh-CN", body.message)).toBe("签到码已过期，请扫描现场最新二维码");
    };
    await scan(checkinToken(session.id, new Date(now.getTime() - 45_000), signerFor(session.secret)));
    await scan(checkinToken(session.id, new Date(now.getTime() - 10 * 60_000), signerFor(session.secret)));
    await scan(checkinToken(other.id, now, signerFor(other.secret)));
    await scan(checkinToken(session.id, now, signerFor(other.secret)));
    await scan("");
    expect(await counts()).toEqual(before);
    expect(expired).toBe("签到码已过期，请扫描现场最新二维码");
    // The window before the current one is still good (the screen may have just turned).
    const previous = new Date(now.getTime() - 20_000);
    expect(await checkIn(app.db, { sessionId: session.id, token: checkinToken(session.id, previous, signerFor(session.secret)), user: { id: person.id, orgPath: path }, ip: null, now })).toMatchObject({ ok: true });
  });
});

describe("manual attendance", () => {
  it("出席/迟到/缺席/请假 with a note, each audited; someone not signed up is refused and nothing is written", async () => {
    const session = await newSession({ startsIn: -hour });
    const person = await trainee("手动考勤");
    await app.db.insertInto("session_enrolments").values({ session_id: session.id, user_id: person.id, status: "enrolled", enrolled_by: shanxi.id }).execute();
    for (const status of ["present", "late", "absent", "excused"] as const) {
      const res = await adminPost(shanxi, session.id, { intent: "mark", userId: person.id, status, note: `备注-${status}` });
      expect(res.status).toBe(200);
      const row = await app.db.selectFrom("session_attendance").select(["status", "note", "via"]).where("session_id", "=", session.id).where("user_id", "=", person.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ status, note: `备注-${status}`, via: "manual" });
    }
    const audited = await app.db.selectFrom("audit_events").select(["details", "actor_id"]).where("action", "=", "attendance.marked").where("target_id", "=", person.id).orderBy("id").execute();
    expect(audited.map((a) => (a.details as { status: string; note: string }).status)).toEqual(["present", "late", "absent", "excused"]);
    expect(audited.every((a) => a.actor_id === shanxi.id)).toBe(true);
    expect((audited[3]!.details as { note: string }).note).toBe("备注-excused");

    const stranger = await trainee("未报名");
    const before = await counts();
    const refused = await adminPost(shanxi, session.id, { intent: "mark", userId: stranger.id, status: "present", note: "" });
    expect(refused.status).toBe(400);
    expect(await counts()).toEqual(before);
  });
});

describe("cohort rules around sessions", () => {
  const newCohort = async () => {
    const res = await responseOf(() =>
      createCohortAction({
        request: makeRequest("/admin/cohorts", { form: { name: `期次${Math.random().toString(36).slice(2, 6)}`, orgUnitId: units.shanxi, track: "campus", tier: "foundation", programmeYear: "1", startsOn: "2026-09-01", endsOn: "2027-06-30" } }),
        context: shanxi.context,
        params: {},
      }),
    );
    expect(res.status).toBe(302);
    return res.headers.get("location")!.split("/")[3]!.split("?")[0]!;
  };

  it("a due date before the cohort starts gets a clear message and nothing is written", async () => {
    const id = await newCohort();
    const { tasksOf } = await import("~/services/cohorts.server");
    const { catalog } = await import("~/catalog/catalog.server");
    const { syncCatalog } = await import("~/models/curriculum.server");
    await syncCatalog(app.db, catalog());
    const task = tasksOf("campus", "foundation")[0]!;
    const before = await count("cohort_due_dates");
    const res = await responseOf(() =>
      cohortAction({ request: makeRequest(`/admin/cohorts/${id}`, { form: { intent: "save", name: "一期", startsOn: "2026-09-01", endsOn: "2027-06-30", lateWorkAccepted: "1", [`due.${task.id}`]: "2026-08-15" } }), context: shanxi.context, params: { cohortId: id } }),
    );
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(translate("zh-CN", body.errors[`due.${task.id}`])).toMatch(/开始/);
    expect(await count("cohort_due_dates")).toBe(before);
  });

  it("a used-up or revoked join code is refused and writes nothing", async () => {
    const id = await newCohort();
    const post = (form: Record<string, string>) => responseOf(() => cohortAction({ request: makeRequest(`/admin/cohorts/${id}`, { form }), context: shanxi.context, params: { cohortId: id } }));
    expect((await post({ intent: "code", maxUses: "1" })).status).toBe(200);
    const code = await app.db.selectFrom("cohort_join_codes").select(["id", "code"]).where("cohort_id", "=", id).executeTakeFirstOrThrow();
    const join = async (who: SignedIn) => responseOf(() => joinAction({ request: makeRequest("/cohorts", { form: { code: code.code } }), context: who.context, params: {} }));
    expect((await join(await trainee("用掉名额"))).status).toBe(200);
    const before = [await count("cohort_join_requests"), await count("cohort_members")];
    const usedUp = await join(await trainee("晚一步"));
    expect(usedUp.status).toBe(400);
    expect((await usedUp.json()).message).toBe("cohorts.join.usedUp");
    expect((await post({ intent: "code", maxUses: "10" })).status).toBe(200);
    const second = await app.db.selectFrom("cohort_join_codes").select(["id", "code"]).where("cohort_id", "=", id).where("max_uses", "=", 10).executeTakeFirstOrThrow();
    expect((await post({ intent: "revoke", codeId: second.id })).status).toBe(200);
    const asker = await trainee("撤销后再试");
    const revoked = await responseOf(() => joinAction({ request: makeRequest("/cohorts", { form: { code: second.code } }), context: asker.context, params: {} }));
    expect(revoked.status).toBe(400);
    expect((await revoked.json()).message).toBe("cohorts.join.revoked");
    expect([await count("cohort_join_requests"), await count("cohort_members")]).toEqual(before);
  });
});

describe("event notifications", () => {
  const names: DisplayNames = { track: (id) => id, tier: (id) => id, certificate: (id) => id };

  /** Runs every pending notification job of these people twice (a retried, replayed job). */
  async function deliver(userIds: string[]) {
    const process = notificationsProcessor(app.db);
    const jobs = await app.db.selectFrom("job_outbox").select(["job_id", "payload"]).where("queue", "=", "notifications").where("completed_at", "is", null).execute();
    for (const job of jobs) {
      const payload = (typeof job.payload === "string" ? JSON.parse(job.payload) : job.payload) as { userId: string };
      if (!userIds.includes(payload.userId)) continue;
      for (let i = 0; i < 2; i += 1) await process({ id: job.job_id, data: payload } as unknown as Job);
    }
    return app.db.selectFrom("notifications").select(["id", "user_id", "kind", "payload"]).where("user_id", "in", userIds).orderBy("created_at").execute();
  }
  const text = (row: { kind: string; payload: unknown }) => {
    const view = describeNotification(row.kind, row.payload, names)!;
    return { zh: translate("zh-CN", view.titleKey, view.params), en: translate("en", view.titleKey, view.params), href: view.href };
  };

  it("sign-up, staff enrolment, the waitlist, a promotion and a cancellation each notify once, with the session's title, time and link", async () => {
    const session = await newSession({ capacity: 1, title: "家校沟通工作坊" });
    const [self, waiting, enrolledByStaff] = [await trainee("自己报名"), await trainee("排队的人"), await trainee("被报名的人")];
    expect((await minePost(self, session.id, "signUp")).status).toBe(200);
    expect((await minePost(waiting, session.id, "signUp")).status).toBe(200);
    expect((await adminPost(shanxi, session.id, { intent: "enrol", userId: enrolledByStaff.id })).status).toBe(200);
    expect((await minePost(self, session.id, "cancel")).status).toBe(200);

    const rows = await deliver([self.id, waiting.id, enrolledByStaff.id]);
    const of = (userId: string) => rows.filter((r) => r.user_id === userId).map((r) => r.kind);
    expect(of(self.id)).toEqual(["session.enrolled", "session.cancelled"]);
    expect(of(waiting.id)).toEqual(["session.waitlisted", "session.promoted"]);
    expect(of(enrolledByStaff.id)).toEqual(["session.waitlisted"]);

    const promoted = text(rows.find((r) => r.kind === "session.promoted")!);
    expect(promoted.zh).toContain("你已从候补转为正式报名：「家校沟通工作坊」");
    expect(promoted.zh).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}–\d{2}:\d{2}/);
    expect(promoted.en).toContain("“家校沟通工作坊”");
    expect(promoted.href).toBe(`/sessions/${session.id}`);
    expect(text(rows.find((r) => r.kind === "session.enrolled")!).zh).toContain("你已报名「家校沟通工作坊」");
    expect(text(rows.find((r) => r.kind === "session.cancelled")!).zh).toContain("报名已取消");
    expect((rows.find((r) => r.kind === "session.enrolled")!.payload as { by: string }).by).toBe("self");

    // Running the jobs again writes nothing new.
    expect(await deliver([self.id, waiting.id, enrolledByStaff.id])).toHaveLength(rows.length);
  });

  it("a promotion goes by SMS to a verified phone (time-sensitive); the waitlist notice stays in the app", async () => {
    const session = await newSession({ capacity: 1, title: "周末团体督导" });
    const [holder, waiting] = [await trainee("占位者"), await trainee("等短信的人")];
    const phone = (await app.db.selectFrom("users").select("phone").where("id", "=", waiting.id).executeTakeFirstOrThrow()).phone!;
    await app.db.insertInto("contact_verifications").values({ user_id: waiting.id, channel: "sms", address: phone, verified_at: new Date() }).execute();
    expect((await minePost(holder, session.id, "signUp")).status).toBe(200);
    expect((await minePost(waiting, session.id, "signUp")).status).toBe(200);
    expect((await minePost(holder, session.id, "cancel")).status).toBe(200);
    // Midday in Beijing: outside the default quiet hours.
    const noon = new Date("2026-12-01T04:00:00Z");
    const process = notificationsProcessor(app.db, { configured: ["sms"], now: () => noon });
    const jobs = await app.db.selectFrom("job_outbox").select(["job_id", "payload"]).where("job_id", "like", "notify-session-%").where("completed_at", "is", null).execute();
    for (const job of jobs) {
      const payload = (typeof job.payload === "string" ? JSON.parse(job.payload) : job.payload) as { userId: string };
      if (payload.userId === waiting.id) await process({ id: job.job_id, data: payload } as unknown as Job);
    }
    const deliveries = await app.db.selectFrom("deliveries").select(["event_id", "channel", "template", "address"]).where("user_id", "=", waiting.id).execute();
    expect(deliveries).toEqual([{ event_id: expect.stringMatching(/^session-promoted-/), channel: "sms", template: "session.promoted", address: phone }]);
  });

  it("a refused sign-up or cancellation notifies nobody", async () => {
    const session = await newSession({ startsIn: -hour });
    const person = await trainee("被拒绝");
    const before = await count("job_outbox");
    expect((await minePost(person, session.id, "signUp")).status).toBe(400);
    expect((await minePost(person, session.id, "cancel")).status).toBe(400);
    expect(await count("job_outbox")).toBe(before);
    expect(await cancelPlace(app.db, { sessionId: session.id, userId: person.id, by: by(person), asStaff: false })).toEqual({ ok: false, problem: "notIn" });
  });

  it("the trainee's session page signs up and cancels for the session in its address", async () => {
    const session = await newSession({ capacity: 3 });
    const person = await trainee("详情页");
    const post = (intent: string) => responseOf(() => pageAction({ request: makeRequest(`/sessions/${session.id}`, { form: { intent } }), context: person.context, params: { sessionId: session.id } }));
    expect(await (await post("signUp")).json()).toMatchObject({ ok: true, message: "sessions.signedUp" });
    expect(await statusOf(session.id, person.id)).toBe("enrolled");
    expect(await (await post("cancel")).json()).toMatchObject({ ok: true, message: "sessions.cancelled" });
    expect(await statusOf(session.id, person.id)).toBeNull();
  });
});

// ── paper sign-in sheets ─────────────────────────────────────────────────────────────────────────

const latin1 = (text: string) => new Uint8Array(Buffer.from(text, "latin1"));
const sheetPng = async () => new Uint8Array(await sharp({ create: { width: 300, height: 400, channels: 3, background: "#f4f1e8" } }).png().toBuffer());
const cleanPdf = latin1("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
const filesOnDisk = () => (readdirSync(storeRoot, { recursive: true }) as string[]).filter((p) => /\.[a-z]+$/.test(p)).sort();

function uploadRequest(sessionId: string, name: string, bytes: Uint8Array, type = "application/octet-stream") {
  const form = new FormData();
  form.append("intent", "sheet");
  form.append("file", new File([new Uint8Array(bytes)], name, { type }));
  return new Request(`http://localhost/admin/sessions/${sessionId}`, { method: "POST", body: form });
}
const upload = (who: SignedIn, sessionId: string, name: string, bytes: Uint8Array, type?: string) =>
  responseOf(() => adminAction({ request: uploadRequest(sessionId, name, bytes, type), context: who.context, params: { sessionId } }));
const download = (who: SignedIn, sessionId: string, sheetId: string, query = "") =>
  responseOf(() => sheetLoader({ request: makeRequest(`/admin/sessions/${sessionId}/sheets/${sheetId}${query}`), context: who.context, params: { sessionId, sheetId } }));

describe("paper sign-in sheets", () => {
  it("staff in reach upload a photo and a PDF: stored under server-made names, listed with uploader and time, audited", async () => {
    const session = await newSession({ startsIn: -2 * hour });
    const photo = await upload(shanxi, session.id, "../../签到表 第一页.PNG", await sheetPng(), "image/png");
    expect(photo.status).toBe(200);
    expect(await photo.json()).toMatchObject({ ok: true, section: "sheets", message: "sessions.sheets.uploaded" });
    expect((await upload(national, session.id, "扫描件.pdf", cleanPdf, "application/pdf")).status).toBe(200);
    const page = await (await responseOf(() => adminLoader({ request: makeRequest(`/admin/sessions/${session.id}`), context: shanxi.context, params: { sessionId: session.id } }))).json();
    expect(page.sheets).toHaveLength(2);
    expect(page.sheets[0]).toMatchObject({ name: "签到表 第一页.png", uploader: "山西协调员", pdf: false, hasThumbnail: true });
    expect(page.sheets[1]).toMatchObject({ name: "扫描件.pdf", uploader: "项目管理员", pdf: true, hasThumbnail: false });
    const rows = await app.db.selectFrom("session_sheets").select(["storage_key", "thumbnail_key"]).where("session_id", "=", session.id).execute();
    for (const row of rows) expect(row.storage_key).toMatch(/^ev\/\d{4}\/\d{2}\/[0-9a-f]{32}\.(png|pdf)$/);
    const audited = await app.db.selectFrom("audit_events").select(["actor_id", "details"]).where("action", "=", "attendance.sheet_uploaded").where("target_id", "=", session.id).execute();
    expect(audited.map((a) => a.actor_id).sort()).toEqual([shanxi.id, national.id].sort());
  });

  it("only staff whose reach covers the session may open a sheet; trainees, mentors and other regions get 404 (the region audited)", async () => {
    const session = await newSession({ startsIn: -2 * hour });
    expect((await upload(shanxi, session.id, "sheet.png", await sheetPng())).status).toBe(200);
    const sheet = await app.db.selectFrom("session_sheets").select(["id", "sha256"]).where("session_id", "=", session.id).executeTakeFirstOrThrow();
    const ok = await download(shanxi, session.id, sheet.id);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("image/png");
    expect(ok.headers.get("x-content-type-options")).toBe("nosniff");
    expect((await download(national, session.id, sheet.id, "?thumb=1")).headers.get("content-type")).toBe("image/webp");

    const person = await trainee("想看签到表");
    await app.db.insertInto("session_enrolments").values({ session_id: session.id, user_id: person.id, status: "enrolled", enrolled_by: person.id }).execute();
    const mentor = await app.signIn(["mentor"], { orgUnitId: units.shanxi, track: "campus" });
    expect((await download(person, session.id, sheet.id)).status).toBe(404);
    expect((await download(mentor, session.id, sheet.id)).status).toBe(404);
    const audits = await refusals(shandong);
    expect((await download(shandong, session.id, sheet.id)).status).toBe(404);
    expect(await refusals(shandong)).toBe(audits + 1);
    // Another session's id with this sheet: not found.
    const other = await newSession();
    expect((await download(shanxi, other.id, sheet.id)).status).toBe(404);
    // Another region may not upload or remove either, and nothing is written.
    const before = [await counts(), filesOnDisk()];
    expect((await upload(shandong, session.id, "x.png", await sheetPng())).status).toBe(404);
    expect((await adminPost(shandong, session.id, { intent: "removeSheet", sheetId: sheet.id })).status).toBe(404);
    expect([await counts(), filesOnDisk()]).toEqual(before);
  });

  it("a refused file type (an SVG, a renamed program, a scripted PDF) is refused with its message; no row, no file", async () => {
    const session = await newSession({ startsIn: -2 * hour });
    const before = [await counts(), filesOnDisk()];
    const svg = await upload(shanxi, session.id, "签到表.png", latin1('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), "image/png");
    expect(svg.status).toBe(400);
    expect(await svg.json()).toMatchObject({ ok: false, section: "sheets", message: "evidence.error.unsupportedType" });
    const exe = await upload(shanxi, session.id, "签到表.jpg", latin1("MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode.\r\n"), "image/jpeg");
    expect((await exe.json()).message).toBe("evidence.error.unsupportedType");
    const scripted = await upload(shanxi, session.id, "签到表.pdf", latin1("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\n%%EOF\n"));
    expect((await scripted.json()).message).toBe("evidence.error.pdfHasScript");
    const heic = new Uint8Array([0, 0, 0, 24, ...latin1("ftypheic"), 0, 0, 0, 0, ...latin1("mif1heic")]);
    expect((await (await upload(shanxi, session.id, "IMG_0001.HEIC", heic)).json()).message).toBe("evidence.error.heic");
    const empty = await upload(shanxi, session.id, "空.png", new Uint8Array());
    expect(empty.status).toBe(400);
    expect([await counts(), filesOnDisk()]).toEqual(before);
    // A sheet posted urlencoded (no file) is not an upload.
    expect((await adminPost(shanxi, session.id, { intent: "sheet" })).status).toBe(400);
  });

  it("a file over the size limit is refused before it is stored", async () => {
    const session = await newSession({ startsIn: -2 * hour });
    const before = [await counts(), filesOnDisk()];
    const big = new Uint8Array(10 * 1024 * 1024 + 1);
    big.set([0xff, 0xd8, 0xff]);
    const res = await upload(shanxi, session.id, "big.jpg", big);
    expect(res.status).toBe(413);
    expect((await res.json()).message).toBe("evidence.error.tooLarge");
    expect([await counts(), filesOnDisk()]).toEqual(before);
  });

  it("staff in reach remove a sheet (audited); it is gone from the page and the link, its bytes purged after the grace period, live sheets never swept", async () => {
    const session = await newSession({ startsIn: -2 * hour });
    expect((await upload(shanxi, session.id, "keep.png", await sheetPng())).status).toBe(200);
    expect((await upload(shanxi, session.id, "remove.png", await sheetPng())).status).toBe(200);
    const [keep, gone] = await app.db.selectFrom("session_sheets").select(["id", "storage_key", "thumbnail_key", "original_name"]).where("session_id", "=", session.id).orderBy("created_at").orderBy("id").execute();
    expect(keep!.original_name).toBe("keep.png");
    const removed = await adminPost(shanxi, session.id, { intent: "removeSheet", sheetId: gone!.id });
    expect(await removed.json()).toMatchObject({ ok: true, message: "sessions.sheets.removed" });
    expect((await adminPost(shanxi, session.id, { intent: "removeSheet", sheetId: gone!.id })).status).toBe(404);
    expect((await download(shanxi, session.id, gone!.id)).status).toBe(404);
    const page = await (await responseOf(() => adminLoader({ request: makeRequest(`/admin/sessions/${session.id}`), context: shanxi.context, params: { sessionId: session.id } }))).json();
    expect(page.sheets.map((s: { name: string }) => s.name)).toEqual(["keep.png"]);
    const audited = await app.db.selectFrom("audit_events").select(["actor_id", "details"]).where("action", "=", "attendance.sheet_removed").where("target_id", "=", session.id).execute();
    expect(audited).toEqual([{ actor_id: shanxi.id, details: expect.objectContaining({ sheetId: gone!.id, name: "remove.png" }) }]);

    const onDisk = (key: string) => filesOnDisk().includes(key.split("/").join(path.sep));
    expect(onDisk(gone!.storage_key)).toBe(true);
    // Eight days on: the removed sheet's bytes are purged; the live sheet is no orphan and stays.
    const report = await applyRetention(app.db, { now: new Date(Date.now() + 8 * 24 * hour), policy: { purgeAfterDays: 7, draftFilesKeptDays: 0, draftNoticeDays: 30 } });
    expect(report.purgedSheets).toBeGreaterThanOrEqual(1);
    expect(onDisk(gone!.storage_key)).toBe(false);
    expect(onDisk(keep!.storage_key)).toBe(true);
    expect(onDisk(keep!.thumbnail_key!)).toBe(true);
    expect((await download(shanxi, session.id, keep!.id)).status).toBe(200);
  });
});
