import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import type { TaskDefinition, TierId, TrackId } from "~/catalog/schema";
import { syncCatalog } from "~/models/curriculum.server";
import { notificationJobId } from "~/models/notifications.server";
import { addToOutbox } from "~/models/outbox.server";
import { createOrgUnit } from "~/models/orgs.server";
import { enqueue, queue } from "~/queue.server";
import { action as certificatesAction } from "~/routes/admin.certificates";
import { action, loader } from "~/routes/notifications";
import { loader as rootLoader } from "~/root";
import { recordGrade, seenVersionOf } from "~/services/grading.server";
import { routeSubmission } from "../../workers/processors/routing";
import { startWorkers, type RunningWorkers } from "../../workers/runtime";
import { createTestApp, makeRequest, responseOf } from "../support/app";
import { insertSubmission } from "../support/arrange";
import { jobCompleted, waitFor } from "../support/wait";

type GradedTask = Extract<TaskDefinition, { type: "work_product" | "field_work" }>;
type User = Awaited<ReturnType<Awaited<ReturnType<typeof createTestApp>>["signIn"]>>;

let app: Awaited<ReturnType<typeof createTestApp>>;
let workers: RunningWorkers;
let orgId: string;
let admin: User;

beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
  orgId = await app.programmeRoot();
  admin = await app.signIn(["admin"]);
  workers = await startWorkers({ db: app.db, redisUrl: app.redis.redisUrl, prefix: app.redis.prefix, concurrency: 2 });
});
afterAll(async () => {
  await workers?.close();
  await app?.close();
});

const reviewed = (double: boolean) => {
  const module = catalog().modules.find((m) => m.track === "campus" && m.tasks.some((t) => t.type !== "quiz" && t.doubleMarking === double))!;
  return { module, task: module.tasks.find((t) => t.type !== "quiz" && t.doubleMarking === double) as GradedTask };
};

/** Submitted work as the trainee's submit leaves it (routing is not under test here). */
async function submittedWork(trainee: User, double = false) {
  const { module, task } = reviewed(double);
  const { id } = await insertSubmission(app.db, { userId: trainee.id, module, task, orgUnitId: orgId });
  return { id, task };
}

async function assign(submissionId: string, mentor: User, role: "marker" | "second_marker" = "marker") {
  await app.db.insertInto("submission_assignments").values({ submission_id: submissionId, mentor_id: mentor.id, role }).execute();
}

/** Every criterion at the level at `pick` (0 = the first, highest level listed). */
function selections(task: GradedTask, pick = 0) {
  return Object.fromEntries(task.rubric.criteria.map((c) => [c.id, { level: c.levels[pick]!.label }]));
}

async function gradeAs(mentor: User, submissionId: string, task: GradedTask, decision: "pass" | "not_pass" | "return", comment = "", pick = 0) {
  const s = await app.db.selectFrom("submissions").select("updated_at").where("id", "=", submissionId).executeTakeFirstOrThrow();
  const outcome = await recordGrade(app.db, {
    mentor: { id: mentor.id, roles: ["mentor"] },
    submissionId,
    selections: selections(task, pick),
    comment,
    decision,
    seenVersion: seenVersionOf(s),
  });
  expect(outcome).toMatchObject({ ok: true });
  return outcome;
}

const notificationsOf = (userId: string) => app.db.selectFrom("notifications").selectAll().where("user_id", "=", userId).orderBy("created_at").orderBy("id").execute();

/** Waits until the worker has written `count` notifications for the user and their outbox rows are done. */
async function notified(userId: string, count = 1) {
  return waitFor(`${count} notification(s) for ${userId}`, async () => {
    const rows = await notificationsOf(userId);
    if (rows.length < count) return undefined;
    const pending = await app.db
      .selectFrom("job_outbox")
      .select("job_id")
      .where("job_id", "in", rows.map((r) => notificationJobId(r.id)))
      .where("completed_at", "is", null)
      .execute();
    return pending.length === 0 ? rows : undefined;
  });
}

/** Runs a job on the real worker under another job id (a duplicate BullMQ cannot dedupe) and waits for it. */
async function replay(jobId: string) {
  const row = await app.db.selectFrom("job_outbox").selectAll().where("job_id", "=", jobId).executeTakeFirstOrThrow();
  const copy = `${jobId}-replay-${Date.now()}`;
  await enqueue("notifications", row.name, row.payload, copy);
  await jobCompleted(await queue("notifications").getJob(copy), `replayed ${copy}`);
}

describe("grading notifies the trainee of the final decision, once", () => {
  it("a pass: one notification with the task and score, its outbox row done; a replayed job adds nothing", async () => {
    const mentor = await app.signIn(["mentor"]);
    const trainee = await app.signIn(["trainee"]);
    const { id, task } = await submittedWork(trainee);
    await assign(id, mentor);
    await gradeAs(mentor, id, task, "pass", "整体很好。");

    const [n] = await notified(trainee.id);
    expect(n).toMatchObject({
      id: `decision-${id}-1`,
      kind: "submission.passed",
      read_at: null,
      payload: { submissionId: id, taskId: task.id, taskTitle: task.title, score: 100 },
    });
    await replay(notificationJobId(n!.id));
    // The same event written to the outbox again (a retried request) is the same job.
    await addToOutbox(app.db, { jobId: notificationJobId(n!.id), queue: "notifications", name: "notify", payload: {} });
    expect(await notificationsOf(trainee.id)).toHaveLength(1);
    expect(await app.db.selectFrom("job_outbox").select("job_id").where("job_id", "like", `notify-decision-${id}-%`).execute()).toHaveLength(1);
    expect(await notificationsOf(mentor.id)).toEqual([]);
  });

  it("not passed and returned: the kind says which; a return carries the start of the mentor's note", async () => {
    const mentor = await app.signIn(["mentor"]);
    const failing = await app.signIn(["trainee"]);
    const first = await submittedWork(failing);
    await assign(first.id, mentor);
    const lowest = first.task.rubric.criteria[0]!.levels.length - 1;
    await gradeAs(mentor, first.id, first.task, "not_pass", "未达到要求。", lowest);
    const [failed] = await notified(failing.id);
    expect(failed).toMatchObject({ kind: "submission.not_passed", payload: { submissionId: first.id, taskTitle: first.task.title } });
    expect((failed!.payload as { score: number }).score).toBeLessThan(first.task.passMark);

    const returned = await app.signIn(["trainee"]);
    const second = await submittedWork(returned);
    await assign(second.id, mentor);
    const note = `请补充活动反思。${"学生反馈需要写得更具体一些，".repeat(12)}谢谢。`;
    await gradeAs(mentor, second.id, second.task, "return", note);
    const [back] = await notified(returned.id);
    expect(back).toMatchObject({ id: `decision-${second.id}-1`, kind: "submission.returned", payload: { taskId: second.task.id } });
    const excerpt = (back!.payload as { note: string }).note;
    expect([...excerpt]).toHaveLength(120);
    expect(excerpt.startsWith("请补充活动反思。")).toBe(true);
    expect(excerpt.endsWith("…")).toBe(true);
  });

  it("double marking: the first blind mark notifies nobody; the agreeing second mark notifies once", async () => {
    const [m1, m2] = [await app.signIn(["mentor"]), await app.signIn(["mentor"])];
    const trainee = await app.signIn(["trainee"]);
    const { id, task } = await submittedWork(trainee, true);
    await assign(id, m1, "marker");
    await assign(id, m2, "second_marker");

    const firstMark = await gradeAs(m1, id, task, "pass");
    expect(firstMark).toMatchObject({ final: false });
    expect(await app.db.selectFrom("job_outbox").select("job_id").where("job_id", "like", `notify-decision-${id}-%`).execute()).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await notificationsOf(trainee.id)).toEqual([]);

    expect(await gradeAs(m2, id, task, "pass")).toMatchObject({ final: true, status: "passed" });
    const rows = await notified(trainee.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: "submission.passed", payload: { submissionId: id, score: 100 } });
  });
});

describe("certificates notify their holder", () => {
  async function passedFoundation(name: string) {
    const trainee = await app.signIn(["trainee"], { name, orgUnitId: orgId, track: "campus" });
    const track: TrackId = "campus";
    const tier: TierId = "foundation";
    for (const module of catalog().modules.filter((m) => m.track === track && m.tier === tier)) {
      for (const task of module.tasks) {
        await insertSubmission(app.db, { userId: trainee.id, module, task, status: "passed", score: 90, people_reached: task.type === "field_work" ? 40 : null });
      }
    }
    return trainee;
  }
  const post = (form: Record<string, string | string[]>) =>
    responseOf(() => certificatesAction({ request: makeRequest("/admin/certificates", { form }), context: admin.context, params: {} }));
  const certificateOf = (userId: string) => app.db.selectFrom("certificates").selectAll().where("user_id", "=", userId).where("status", "=", "issued").executeTakeFirstOrThrow();

  it("issued, then revoked with the reason: one notification each, however often it is tried", async () => {
    const trainee = await passedFoundation("通知学员");
    expect((await post({ intent: "issue", candidate: [`${trainee.id}|campus|foundation`] })).status).toBe(302);
    const cert = await certificateOf(trainee.id);
    const [issued] = await notified(trainee.id);
    expect(issued).toMatchObject({
      id: `certificate-issued-${cert.id}`,
      kind: "certificate.issued",
      payload: { certificateId: cert.id, number: cert.number, track: "campus", tier: "foundation" },
    });
    expect((await post({ intent: "issue", candidate: [`${trainee.id}|campus|foundation`] })).status).toBe(409);

    expect((await post({ intent: "revoke", certificateId: cert.id, reason: "材料不实" })).status).toBe(200);
    expect((await post({ intent: "revoke", certificateId: cert.id, reason: "再次撤销" })).status).toBe(409);
    const rows = await notified(trainee.id, 2);
    await replay(notificationJobId(`certificate-revoked-${cert.id}`));
    expect(await notificationsOf(trainee.id)).toHaveLength(2);
    expect(rows[1]).toMatchObject({
      id: `certificate-revoked-${cert.id}`,
      kind: "certificate.revoked",
      payload: { certificateId: cert.id, number: cert.number, reason: "材料不实" },
    });
  });

  it("a reissue under a corrected name tells the holder the new number and the one it replaces", async () => {
    const trainee = await passedFoundation("李晓通");
    await post({ intent: "issue", candidate: [`${trainee.id}|campus|foundation`] });
    const old = await certificateOf(trainee.id);
    await notified(trainee.id);
    await app.db.updateTable("users").set({ name: "李小通" }).where("id", "=", trainee.id).execute();
    expect((await post({ intent: "reissue", certificateId: old.id })).status).toBe(200);
    const fresh = await certificateOf(trainee.id);
    const rows = await notified(trainee.id, 2);
    expect(rows.find((r) => r.kind === "certificate.reissued")).toMatchObject({
      id: `certificate-issued-${fresh.id}`,
      payload: { certificateId: fresh.id, number: fresh.number, previousNumber: old.number },
    });
  });
});

describe("routing tells a mentor about new work", () => {
  it("one notification per assignment; routing the same submission again adds none", async () => {
    const trainee = await app.signIn(["trainee"], { orgUnitId: orgId, track: "campus" });
    await app.signIn(["mentor"], { orgUnitId: orgId, track: "campus", name: "路由导师" });
    const { id, task } = await submittedWork(trainee);
    const outcome = await routeSubmission(app.db, { submissionId: id, round: 1 });
    expect(outcome.assigned).toHaveLength(1);
    const mentorId = outcome.assigned[0]!.mentorId;
    const rows = await waitFor("the mentor's notification", async () => {
      const found = (await notificationsOf(mentorId)).filter((n) => n.id === `assigned-${id}-${mentorId}`);
      return found.length ? found : undefined;
    });
    expect(rows[0]).toMatchObject({ kind: "assignment.new", payload: { submissionId: id, taskId: task.id, taskTitle: task.title, role: "marker" } });
    expect(await routeSubmission(app.db, { submissionId: id, round: 1 })).toMatchObject({ reason: "alreadyAssigned" });
    await replay(notificationJobId(`assigned-${id}-${mentorId}`));
    expect((await notificationsOf(mentorId)).filter((n) => n.id.startsWith(`assigned-${id}-`))).toHaveLength(1);
  });
});

describe("a mentor's notices follow the work", () => {
  const notice = async (mentor: User, submissionId: string, taskId: string, kind: "assignment.new" | "submission.resubmitted" = "assignment.new") => {
    const id = `${kind}-${submissionId}-${mentor.id}`;
    const payload = kind === "assignment.new" ? { submissionId, taskId, taskTitle: "任务", role: "marker" } : { submissionId, taskId, taskTitle: "任务", round: 2 };
    await app.db.insertInto("notifications").values({ id, user_id: mentor.id, kind, payload: JSON.stringify(payload) }).execute();
    return async () => (await app.db.selectFrom("notifications").select("read_at").where("id", "=", id).executeTakeFirstOrThrow()).read_at;
  };

  it("the mentor who returned work is told when the trainee resubmits it", async () => {
    const trainee = await app.signIn(["trainee"], { orgUnitId: orgId, track: "campus" });
    const mentor = await app.signIn(["mentor"], { orgUnitId: orgId, track: "campus" });
    const { id, task } = await submittedWork(trainee);
    await assign(id, mentor);
    await gradeAs(mentor, id, task, "return", "请补充活动记录。", 1);
    await app.db.updateTable("submissions").set({ status: "resubmitted", attempts_used: 2, submitted_at: new Date() }).where("id", "=", id).execute();
    await routeSubmission(app.db, { submissionId: id, round: 2 });
    const rows = await notified(mentor.id);
    expect(rows.find((n) => n.kind === "submission.resubmitted")).toMatchObject({ id: `resubmitted-${id}-2-${mentor.id}`, payload: { submissionId: id, taskId: task.id, round: 2 } });
  });

  it("a new-assignment notice is read once the mentor grades the work", async () => {
    const trainee = await app.signIn(["trainee"], { orgUnitId: orgId, track: "campus" });
    const mentor = await app.signIn(["mentor"], { orgUnitId: orgId, track: "campus" });
    const { id, task } = await submittedWork(trainee);
    await assign(id, mentor);
    const readAt = await notice(mentor, id, task.id);
    const other = await submittedWork(await app.signIn(["trainee"], { orgUnitId: orgId, track: "campus" }));
    const otherReadAt = await notice(mentor, other.id, other.task.id);
    expect(await readAt()).toBeNull();
    await gradeAs(mentor, id, task, "pass");
    expect(await readAt()).not.toBeNull();
    expect(await otherReadAt()).toBeNull(); // only the notice about the graded work
  });

  it("opening the work from a notification marks its notice read", async () => {
    const { loader: gradingPage } = await import("~/routes/mentor.submissions.$submissionId");
    const trainee = await app.signIn(["trainee"], { orgUnitId: orgId, track: "campus" });
    const mentor = await app.signIn(["mentor"], { orgUnitId: orgId, track: "campus" });
    const { id, task } = await submittedWork(trainee);
    await assign(id, mentor);
    const readAt = await notice(mentor, id, task.id, "submission.resubmitted");
    const res = await responseOf(() => gradingPage({ request: makeRequest(`/mentor/submissions/${id}`), context: mentor.context, params: { submissionId: id } }));
    expect(res.status).toBe(200);
    expect(await readAt()).not.toBeNull();
  });
});

describe("the notification centre", () => {
  /** Notifications written as the worker writes them, `minutesAgo` apart so their order is known. */
  async function seed(userId: string, count: number, tag: string) {
    const now = Date.now();
    await app.db
      .insertInto("notifications")
      .values(
        Array.from({ length: count }, (_, i) => ({
          id: `${tag}-${String(i).padStart(3, "0")}`,
          user_id: userId,
          kind: "submission.passed",
          payload: JSON.stringify({ submissionId: "00000000-0000-4000-8000-000000000000", taskId: "some-task", taskTitle: `任务${i}`, score: 80 }),
          created_at: new Date(now - (count - i) * 60_000),
        })),
      )
      .execute();
  }
  const page = async (who: User, query = "") => {
    const res = await responseOf(() => loader({ request: makeRequest(`/notifications${query}`), context: who.context, params: {} }));
    return res;
  };
  const post = (who: User, form: Record<string, string>) => responseOf(() => action({ request: makeRequest("/notifications", { form }), context: who.context, params: {} }));
  const unreadBadge = async (who: User) => {
    const res = await responseOf(() => rootLoader({ request: makeRequest("/"), context: who.context, params: {} }));
    return ((await res.json()) as { unreadNotifications: number }).unreadNotifications;
  };

  it("lists only the user's own, newest first, 20 a page, with the text to show", async () => {
    const a = await app.signIn(["trainee"]);
    const b = await app.signIn(["trainee"]);
    await seed(a.id, 45, `page-a-${a.id}`);
    await seed(b.id, 2, `page-b-${b.id}`);

    const first = await (await page(a)).json();
    expect(first).toMatchObject({ page: 1, pageSize: 20, total: 45 });
    expect(first.items).toHaveLength(20);
    expect(first.items[0]).toMatchObject({ id: `page-a-${a.id}-044`, read: false, view: { kind: "submission.passed", params: { task: "任务44", score: 80 }, href: "/tasks/some-task" } });
    const third = await (await page(a, "?page=3")).json();
    expect(third.items.map((i: { id: string }) => i.id)).toEqual([4, 3, 2, 1, 0].map((i) => `page-a-${a.id}-00${i}`));
    const beyond = await page(a, "?page=9");
    expect(beyond.status).toBe(302);
    expect(beyond.headers.get("Location")).toBe("/notifications?page=3");

    const ofB = await (await page(b)).json();
    expect(ofB.total).toBe(2);
    expect(ofB.items.every((i: { id: string }) => i.id.startsWith(`page-b-${b.id}`))).toBe(true);
    expect(await unreadBadge(a)).toBe(45);
    expect(await unreadBadge(b)).toBe(2);
  });

  it("marks one read (own only: someone else's id answers 404 and changes nothing)", async () => {
    const a = await app.signIn(["trainee"]);
    const b = await app.signIn(["mentor"]);
    await seed(a.id, 2, `one-a-${a.id}`);
    await seed(b.id, 1, `one-b-${b.id}`);
    const mine = `one-a-${a.id}-001`;

    const stolen = await post(b, { intent: "read", id: mine });
    expect(stolen.status).toBe(404);
    expect((await app.db.selectFrom("notifications").select("read_at").where("id", "=", mine).executeTakeFirstOrThrow()).read_at).toBeNull();
    expect((await post(b, { intent: "read", id: "no-such-notification" })).status).toBe(404);

    const ok = await post(a, { intent: "read", id: mine });
    expect(ok.status).toBe(200);
    const readAt = (await app.db.selectFrom("notifications").select("read_at").where("id", "=", mine).executeTakeFirstOrThrow()).read_at;
    expect(readAt).not.toBeNull();
    expect(await unreadBadge(a)).toBe(1);
    expect(await unreadBadge(b)).toBe(1);
    // Marking it again keeps the first time it was read.
    expect((await post(a, { intent: "read", id: mine })).status).toBe(200);
    expect((await app.db.selectFrom("notifications").select("read_at").where("id", "=", mine).executeTakeFirstOrThrow()).read_at).toEqual(readAt);
    expect((await (await page(a)).json()).items.find((i: { id: string }) => i.id === mine).read).toBe(true);
  });

  it("marks all read: only the user's own, and not one that arrived after the page was shown", async () => {
    const a = await app.signIn(["trainee"]);
    const b = await app.signIn(["trainee"]);
    await seed(a.id, 3, `all-a-${a.id}`);
    await seed(b.id, 3, `all-b-${b.id}`);
    const { seenAt } = await (await page(a)).json();
    await app.db
      .insertInto("notifications")
      .values({ id: `all-a-${a.id}-later`, user_id: a.id, kind: "certificate.issued", payload: "{}", created_at: new Date(Date.parse(seenAt) + 1000) })
      .execute();

    const res = await post(a, { intent: "readAll", seenAt });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, marked: 3 });
    expect(await unreadBadge(a)).toBe(1);
    const later = await app.db.selectFrom("notifications").select("read_at").where("id", "=", `all-a-${a.id}-later`).executeTakeFirstOrThrow();
    expect(later.read_at).toBeNull();
    expect(await unreadBadge(b)).toBe(3);
    const bRows = await notificationsOf(b.id);
    expect(bRows.every((n) => n.read_at === null)).toBe(true);
  });

  it("shows a row it cannot read generically, and sends anonymous visitors to the login page", async () => {
    const a = await app.signIn(["trainee"]);
    await app.db.insertInto("notifications").values({ id: `odd-${a.id}`, user_id: a.id, kind: "something.new", payload: "{}" }).execute();
    const data = await (await page(a)).json();
    expect(data.items).toEqual([expect.objectContaining({ id: `odd-${a.id}`, view: null })]);

    const anon = await responseOf(() => loader({ request: makeRequest("/notifications"), context: app.anonymous(), params: {} }));
    expect(anon.status).toBe(302);
    expect(anon.headers.get("Location")).toBe("/login?redirectTo=%2Fnotifications");
    const anonPost = await responseOf(() => action({ request: makeRequest("/notifications", { form: { intent: "readAll" } }), context: app.anonymous(), params: {} }));
    expect(anonPost.status).toBe(302);
    expect(await unreadBadge(a)).toBe(1);
    const rootAnon = await responseOf(() => rootLoader({ request: makeRequest("/"), context: app.anonymous(), params: {} }));
    expect(await rootAnon.json()).toEqual({ user: null, unreadNotifications: 0 });
    expect((await post(a, { intent: "nonsense" })).status).toBe(400);
  });
});
