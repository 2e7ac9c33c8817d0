import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import { syncCatalog } from "~/models/curriculum.server";
import { saveOrSubmit } from "~/submissions/written.server";
import { action as taskAction, loader as taskLoader } from "~/routes/tasks.$taskId";
import { loader as myWorkLoader } from "~/routes/my-work";
import { createTestApp, makeRequest, responseOf } from "../support/app";

let app: Awaited<ReturnType<typeof createTestApp>>;
const fieldModule = () => catalog().modules.find((m) => m.track === "campus" && m.tier === "foundation" && m.tasks.some((t) => t.type === "field_work"))!;
const fieldTask = () => fieldModule().tasks.find((t) => t.type === "field_work")!;
let orgId: string;

beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
  orgId = await app.programmeRoot();
});
afterAll(async () => app?.close());

const complete = () => ({
  activityTitle: "情绪小课堂：认识我的情绪",
  activityDate: "2026-11-20",
  orgUnitId: orgId,
  otherOrgName: "",
  place: "初二（3）班教室",
  audienceType: "students",
  peopleReached: "42",
  durationMinutes: "10",
  plan: "目标：帮助学生识别并命名常见情绪。流程：导入情境、情绪卡片分类、两人一组练习“我感到……因为……”句式、教师小结。分工：班主任主持，心理老师协助观察。安全预案：如有学生情绪明显波动，课后单独关心并按学校流程告知心理老师。",
  reflection: "学生参与度较高，多数能用情绪词描述自己的感受，个别学生表达困难，需要更多示范。时间控制偏紧，情绪卡片分类环节可以缩短。下一次计划加入身体信号的觉察练习，并在课后用一周的情绪日记巩固。本次活动中没有出现需要转介的情况，我会持续留意两名近期情绪低落的学生，并与心理老师保持沟通，必要时按学校流程处理。课后我还收集了学生的匿名反馈卡，大家希望以后每个月能有一次这样的活动。".repeat(4),
  text: "",
  consentConfirmed: "on",
});

async function act(context: Parameters<typeof taskAction>[0]["context"], taskId: string, form: Record<string, string>) {
  return responseOf(() => taskAction({ request: makeRequest(`/tasks/${taskId}`, { form }), context, params: { taskId } }));
}

async function addEvidence(submissionId: string, ownerId: string, kind: "photo" | "sign_in_sheet", n: number) {
  for (let i = 0; i < n; i++) {
    await app.db
      .insertInto("evidence_files")
      .values({ submission_id: submissionId, owner_id: ownerId, kind, storage_key: `test/${submissionId}/${kind}-${i}-${Math.random()}`, mime_type: "image/jpeg", size_bytes: 100, sha256: "x", original_name: `${kind}.jpg` })
      .execute();
  }
}

describe("field work submission", () => {
  it("refuses bad figures with a per-field message and leaves the draft as it was", async () => {
    const trainee = await app.signIn(["trainee"], { track: "campus", orgUnitId: orgId });
    const task = fieldTask();
    expect((await act(trainee.context, task.id, { intent: "start" })).status).toBe(200);
    for (const [field, value, error] of [
      ["activityDate", "2999-01-01", "sub.error.dateFuture"],
      ["activityDate", "2026-02-30", "sub.error.date"],
      ["peopleReached", "-5", "sub.error.people"],
      ["peopleReached", "999999", "sub.error.peopleAbsurd"],
      ["durationMinutes", "0", "sub.error.duration"],
      ["audienceType", "martians", "sub.error.audience"],
    ] as const) {
      const res = await act(trainee.context, task.id, { intent: "save", ...complete(), [field]: value });
      expect(res.status).toBe(400);
      expect((await res.json()).errors).toEqual({ [field]: error });
    }
    const row = await app.db.selectFrom("submissions").selectAll().where("user_id", "=", trainee.id).executeTakeFirstOrThrow();
    expect(row.people_reached).toBeNull();
    expect(row.status).toBe("draft");
  });

  it("will not submit without the evidence and consent, and writes nothing for the workers", async () => {
    const trainee = await app.signIn(["trainee"], { track: "campus", orgUnitId: orgId });
    const task = fieldTask();
    const res = await act(trainee.context, task.id, { intent: "submit", ...complete(), consentConfirmed: "" });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.reason).toBe("incomplete");
    expect(body.errors).toMatchObject({ consentConfirmed: "sub.error.consent", evidence: "sub.error.photos" });
    const row = await app.db.selectFrom("submissions").selectAll().where("user_id", "=", trainee.id).executeTakeFirstOrThrow();
    expect(row.status).toBe("draft");
    expect(row.activity_title).toBe("情绪小课堂：认识我的情绪"); // the typed draft is kept
    const jobs = await app.db.selectFrom("job_outbox").select("job_id").where("job_id", "like", `route-${row.id}%`).execute();
    expect(jobs).toEqual([]);
  });

  it("submits atomically: status, event and routing job together; a double submit moves once", async () => {
    const trainee = await app.signIn(["trainee"], { track: "campus", orgUnitId: orgId });
    const task = fieldTask();
    await act(trainee.context, task.id, { intent: "start" });
    const draft = await app.db.selectFrom("submissions").selectAll().where("user_id", "=", trainee.id).executeTakeFirstOrThrow();
    await addEvidence(draft.id, trainee.id, "photo", 2);
    await addEvidence(draft.id, trainee.id, "sign_in_sheet", 1);

    const raw = { ...complete(), consentConfirmed: true, showcaseConsent: false };
    const results = await Promise.all([1, 2].map(() => saveOrSubmit(app.db, { submissionId: draft.id, userId: trainee.id, task, raw, submit: true })));
    expect(results.filter((r) => r.ok).length).toBe(1);
    const after = await app.db.selectFrom("submissions").selectAll().where("id", "=", draft.id).executeTakeFirstOrThrow();
    expect(after.status).toBe("submitted");
    expect(after.people_reached).toBe(42);
    expect(after.activity_date).toBe("2026-11-20");
    const events = await app.db.selectFrom("submission_events").select(["from_status", "to_status"]).where("submission_id", "=", draft.id).execute();
    expect(events).toEqual([{ from_status: "draft", to_status: "submitted" }]);
    const jobs = await app.db.selectFrom("job_outbox").select(["job_id", "queue"]).where("job_id", "like", `route-${draft.id}%`).execute();
    expect(jobs).toEqual([{ job_id: `route-${draft.id}-1`, queue: "routing" }]);

    const again = await act(trainee.context, task.id, { intent: "submit", ...complete() });
    expect(again.status).toBe(409);
    expect((await again.json()).reason).toBe("alreadySubmitted");
  });

  it("keeps each trainee to their own submission and locked tiers closed", async () => {
    const a = await app.signIn(["trainee"], { track: "campus", orgUnitId: orgId });
    const b = await app.signIn(["trainee"], { track: "campus", orgUnitId: orgId });
    const task = fieldTask();
    await act(a.context, task.id, { intent: "save", ...complete() });
    await act(b.context, task.id, { intent: "save", ...complete(), activityTitle: "乙的活动" });
    const rows = await app.db.selectFrom("submissions").select(["user_id", "activity_title"]).where("user_id", "in", [a.id, b.id]).orderBy("activity_title").execute();
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.user_id === a.id)?.activity_title).toBe("情绪小课堂：认识我的情绪");

    const locked = catalog().modules.find((m) => m.track === "campus" && m.tier === "practitioner")!.tasks[0]!;
    expect((await act(a.context, locked.id, { intent: "start" })).status).toBe(403);
    const page = await responseOf(() => taskLoader({ request: makeRequest(`/tasks/${locked.id}`), context: a.context, params: { taskId: locked.id } }));
    expect(page.status).toBe(403);
  });

  it("lists the trainee's tasks with their status in My work", async () => {
    const trainee = await app.signIn(["trainee"], { track: "campus", orgUnitId: orgId });
    const task = fieldTask();
    await act(trainee.context, task.id, { intent: "save", ...complete() });
    const res = await responseOf(() => myWorkLoader({ request: makeRequest("/my-work"), context: trainee.context, params: {} }));
    const { rows } = await res.json();
    const foundationTasks = catalog().modules.filter((m) => m.track === "campus" && m.tier === "foundation").flatMap((m) => m.tasks);
    expect(rows).toHaveLength(foundationTasks.length);
    expect(rows.find((r: { taskId: string }) => r.taskId === task.id)).toMatchObject({ status: "draft", group: "todo" });
  });
});
