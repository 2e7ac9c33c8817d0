import { randomUUID } from "node:crypto";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import type { CatalogModule } from "~/catalog/types";
import type { OrgKind } from "~/domain/org-tree";
import { syncCatalog } from "~/models/curriculum.server";
import { addToOutbox } from "~/models/outbox.server";
import { enqueue, queue } from "~/queue.server";
import { action as assignmentsAction, loader as assignmentsLoader } from "~/routes/admin.assignments";
import { dispatchAfterCommit } from "~/services/dispatch.server";
import { reconcileAfterSeconds } from "../../workers/processors/maintenance";
import { routingProcessor } from "../../workers/processors/routing";
import { startWorkers, type RunningWorkers } from "../../workers/runtime";
import { createTestApp, makeRequest, responseOf } from "../support/app";
import { jobCompleted, waitFor } from "../support/wait";

let app: Awaited<ReturnType<typeof createTestApp>>;
let workers: RunningWorkers;
/** A second worker process against the same Redis and database. */
let otherWorkers: RunningWorkers;

type Track = "campus" | "community";
interface OrgNode {
  id: string;
  path: string;
}

const reviewedTask = (track: Track, double: boolean, type?: "field_work" | "work_product") => {
  for (const module of catalog().modules) {
    if (module.track !== track) continue;
    const task = module.tasks.find((t) => t.type !== "quiz" && t.doubleMarking === double && (!type || t.type === type));
    if (task) return { module, task };
  }
  throw new Error(`no ${track} ${type ?? ""} task with doubleMarking=${double}`);
};

beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
  const settings = { db: app.db, redisUrl: app.redis.redisUrl, prefix: app.redis.prefix, concurrency: 2 };
  workers = await startWorkers(settings);
  otherWorkers = await startWorkers(settings);
});

afterAll(async () => {
  await otherWorkers?.close();
  await workers?.close();
  await app?.close();
});

const kinds: OrgKind[] = ["national", "province", "city", "district", "site", "group"];
let root: OrgNode;
async function orgUnit(parent: OrgNode | null, name: string): Promise<OrgNode> {
  const id = randomUUID();
  const path = `${parent?.path ?? "/"}${id}/`;
  const level = path.split("/").filter(Boolean).length;
  await app.db.insertInto("org_units").values({ id, parent_id: parent?.id ?? null, level, kind: kinds[level - 1]!, name, track: null, path }).execute();
  return { id, path };
}
/** province → city → two districts, each with a site: a fresh subtree per test, nearer than anything outside it. */
async function subtree(name: string) {
  root ??= await orgUnit(null, "全国");
  const province = await orgUnit(root, `${name}省`);
  const city = await orgUnit(province, `${name}市`);
  const d1 = await orgUnit(city, `${name}一区`);
  const d2 = await orgUnit(city, `${name}二区`);
  return { province, city, d1, d2, s1: await orgUnit(d1, `${name}一校`), s2: await orgUnit(d2, `${name}二校`) };
}

async function mentorAt(org: OrgNode, track: Track | null, name: string) {
  return (await app.signIn(["mentor"], { orgUnitId: org.id, track, name })).id;
}

/** A submitted piece of work with its routing job in the outbox, as the trainee's submit leaves it. */
async function submitted(traineeId: string, opts: { track: Track; place?: OrgNode; double?: boolean; type?: "field_work" | "work_product"; dispatch?: boolean; createdAgoSeconds?: number },
) {
  const { module, task } = reviewedTask(opts.track, opts.double ?? false, opts.type);
  const version = await app.db.selectFrom("tasks").select("version").where("id", "=", task.id).where("is_current", "=", true).executeTakeFirstOrThrow();
  const { id } = await app.db
    .insertInto("submissions")
    .values({
      user_id: traineeId,
      task_id: task.id,
      task_version: version.version,
      module_id: (module as CatalogModule).id,
      track: module.track,
      tier: module.tier,
      type: task.type,
      status: "submitted",
      org_unit_id: task.type === "field_work" ? (opts.place?.id ?? null) : null,
      attempts_used: 1,
      submitted_at: new Date(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const job = { jobId: `route-${id}-1`, queue: "routing" as const, name: "route-submission", payload: { submissionId: id, round: 1 } };
  await addToOutbox(app.db, job);
  if (opts.createdAgoSeconds) {
    await app.db.updateTable("job_outbox").set({ created_at: new Date(Date.now() - opts.createdAgoSeconds * 1000) }).where("job_id", "=", job.jobId).execute();
  }
  if (opts.dispatch ?? true) await dispatchAfterCommit([job]);
  return id;
}

const outboxRow = (jobId: string) => app.db.selectFrom("job_outbox").selectAll().where("job_id", "=", jobId).executeTakeFirst();
async function routed(submissionId: string, round = 1) {
  return waitFor(`routing of ${submissionId} round ${round}`, async () => ((await outboxRow(`route-${submissionId}-${round}`))?.completed_at ? true : undefined));
}
const assignmentsOf = (submissionId: string) =>
  app.db.selectFrom("submission_assignments").selectAll().where("submission_id", "=", submissionId).orderBy("assigned_at").orderBy("role").execute();
const currentOf = async (submissionId: string) => (await assignmentsOf(submissionId)).filter((a) => a.released_at === null);

async function trainee(org: OrgNode, track: Track, roles: Array<"trainee" | "mentor"> = ["trainee"]) {
  return (await app.signIn(roles, { orgUnitId: org.id, track })).id;
}

describe("routing worker", () => {
  it("with no mentor available, leaves the work unassigned, completes the job, and the admin page shows it", async () => {
    const tree = await subtree("无人");
    const self = await trainee(tree.s1, "community", ["trainee", "mentor"]);
    await mentorAt(tree.s1, "campus", "校园导师甲");
    const id = await submitted(self, { track: "community", place: tree.s1 });
    await routed(id);
    expect(await assignmentsOf(id)).toEqual([]);

    const admin = await app.signIn(["admin"]);
    const res = await responseOf(() => assignmentsLoader({ request: makeRequest("/admin/assignments?unassigned=1&track=community"), context: admin.context, params: {} }));
    expect(res.status).toBe(200);
    const data = await res.json();
    expect(data.rows.map((r: { id: string }) => r.id)).toContain(id);
    expect(data.rows.find((r: { id: string }) => r.id === id).mentors).toEqual([]);
  });

  it("assigns the nearest mentor of the same track to the field-work place, never the trainee themself", async () => {
    const tree = await subtree("近");
    // The trainee is also a mentor, at the very site: the nearest and idlest, and still never picked.
    const self = await trainee(tree.s1, "campus", ["trainee", "mentor"]);
    await mentorAt(tree.s1, "community", "社区导师"); // nearest, but the other track
    const district = await mentorAt(tree.d1, "campus", "一区导师");
    await mentorAt(tree.city, "campus", "市导师");

    const id = await submitted(self, { track: "campus", place: tree.s1 });
    await routed(id);
    expect(await assignmentsOf(id)).toMatchObject([{ mentor_id: district, role: "marker", assigned_by: null, released_at: null }]);
  });

  it("measures from the field-work place, and from the trainee's org when the work has no place", async () => {
    const tree = await subtree("人");
    const nearTrainee = await mentorAt(tree.d2, "campus", "二区导师");
    const nearPlace = await mentorAt(tree.d1, "campus", "一区导师");
    const fieldWork = await submitted(await trainee(tree.s2, "campus"), { track: "campus", place: tree.s1, type: "field_work" });
    const written = await submitted(await trainee(tree.s2, "campus"), { track: "campus", place: tree.s1, type: "work_product" });
    await Promise.all([routed(fieldWork), routed(written)]);
    expect((await currentOf(fieldWork)).map((a) => a.mentor_id)).toEqual([nearPlace]);
    expect((await currentOf(written)).map((a) => a.mentor_id)).toEqual([nearTrainee]);
  });

  it("balances equally near mentors by open load: 10 submissions → 5 and 5", async () => {
    const tree = await subtree("均");
    const a = await mentorAt(tree.city, "campus", "甲导师");
    const b = await mentorAt(tree.city, "campus", "乙导师");
    const ids = await Promise.all(Array.from({ length: 10 }, async () => submitted(await trainee(tree.s1, "campus"), { track: "campus", place: tree.s1 })));
    await Promise.all(ids.map((id) => routed(id)));
    const rows = await app.db.selectFrom("submission_assignments").select("mentor_id").where("submission_id", "in", ids).execute();
    expect(rows).toHaveLength(10);
    expect(rows.filter((r) => r.mentor_id === a)).toHaveLength(5);
    expect(rows.filter((r) => r.mentor_id === b)).toHaveLength(5);
  });

  it("gives double-marked work two different mentors, once, however often and wherever the job runs", async () => {
    const tree = await subtree("双");
    const mentors = [await mentorAt(tree.d1, "campus", "双甲"), await mentorAt(tree.d1, "campus", "双乙"), await mentorAt(tree.d1, "campus", "双丙")];
    const id = await submitted(await trainee(tree.s1, "campus"), { track: "campus", double: true, dispatch: false });
    const data = { submissionId: id, round: 1 };
    // Two processes' worth of the same job at once, and more copies through both workers.
    const direct = await Promise.all([routingProcessor(app.db)({ name: "route-submission", data } as Job), routingProcessor(app.db)({ name: "route-submission", data } as Job)]);
    expect(direct.map((d) => d.assigned.length).sort()).toEqual([0, 2]);
    const copies = Array.from({ length: 6 }, (_, i) => `route-${id}-1-copy${i}`);
    await Promise.all(copies.map((jobId) => enqueue("routing", "route-submission", data, jobId)));
    for (const jobId of copies) {
      const job = await queue("routing").getJob(jobId);
      expect(await jobCompleted(job)).toBe(true);
    }
    const rows = await assignmentsOf(id);
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.role).sort()).toEqual(["marker", "second_marker"]);
    expect(new Set(rows.map((r) => r.mentor_id)).size).toBe(2);
    for (const r of rows) expect(mentors).toContain(r.mentor_id);
    expect((await outboxRow(`route-${id}-1`))?.completed_at).not.toBeNull();
  });

  it("a resubmission keeps its mentor, even when a nearer, idler one exists now", async () => {
    const tree = await subtree("再");
    const first = await mentorAt(tree.city, "campus", "原导师");
    const traineeId = await trainee(tree.s1, "campus");
    const id = await submitted(traineeId, { track: "campus", place: tree.s1 });
    await routed(id);
    await mentorAt(tree.s1, "campus", "新导师");
    await app.db.updateTable("submissions").set({ status: "resubmitted", attempts_used: 2 }).where("id", "=", id).execute();
    const job = { jobId: `route-${id}-2`, queue: "routing" as const, name: "route-submission", payload: { submissionId: id, round: 2 } };
    await addToOutbox(app.db, job);
    await dispatchAfterCommit([job]);
    await routed(id, 2);
    expect((await currentOf(id)).map((a) => a.mentor_id)).toEqual([first]);
  });
});

describe("outbox reconciler", () => {
  it("is scheduled once, whatever the number of worker processes", async () => {
    const schedulers = await queue("maintenance").getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual(["apply-retention", "check-outcome-figures", "reconcile-outbox"]);
    expect(schedulers.find((s) => s.key === "reconcile-outbox")).toMatchObject({ every: 60_000, name: "reconcile-outbox" });
  });

  it("re-enqueues a pending job Redis never got, and leaves fresh ones to their request", async () => {
    const tree = await subtree("补");
    const mentor = await mentorAt(tree.d1, "campus", "补导师");
    const lost = await submitted(await trainee(tree.s1, "campus"), { track: "campus", place: tree.s1, dispatch: false, createdAgoSeconds: reconcileAfterSeconds + 60 });
    const fresh = await submitted(await trainee(tree.s1, "campus"), { track: "campus", place: tree.s1, dispatch: false });
    expect(await queue("routing").getJob(`route-${lost}-1`)).toBeUndefined();

    await enqueue("maintenance", "reconcile-outbox", {}, `reconcile-test-${randomUUID()}`);
    await routed(lost);
    expect((await currentOf(lost)).map((a) => a.mentor_id)).toEqual([mentor]);
    expect(await outboxRow(`route-${lost}-1`)).toMatchObject({ attempts: 1 });
    expect(await outboxRow(`route-${fresh}-1`)).toMatchObject({ enqueued_at: null, completed_at: null });
    expect(await queue("routing").getJob(`route-${fresh}-1`)).toBeUndefined();
  });

  it("keeps a job's failure on its outbox row and shows it to administrators", async () => {
    const missing = randomUUID();
    const job = { jobId: `route-${missing}-1`, queue: "routing" as const, name: "route-submission", payload: { submissionId: missing, round: 1 } };
    await addToOutbox(app.db, job);
    await dispatchAfterCommit([job]);
    const row = await waitFor("the failure on the outbox row", async () => {
      const r = await outboxRow(job.jobId);
      return r?.last_error ? r : undefined;
    });
    expect(row.last_error).toContain(`no reviewed submission ${missing}`);
    expect(row.completed_at).toBeNull();

    const admin = await app.signIn(["admin"]);
    const data = await (await responseOf(() => assignmentsLoader({ request: makeRequest("/admin/assignments"), context: admin.context, params: {} }))).json();
    expect(data.jobs).toContainEqual(expect.objectContaining({ jobId: job.jobId, lastError: row.last_error }));
  });
});

describe("admin assignment page", () => {
  async function reassign(who: { context: Parameters<typeof assignmentsAction>[0]["context"] }, form: Record<string, string | string[]>) {
    return responseOf(() => assignmentsAction({ request: makeRequest("/admin/assignments", { form }), context: who.context, params: {} }));
  }

  it("reassigns one or many in one action: the old rows are released and kept, each change audited", async () => {
    const tree = await subtree("改");
    const before = await mentorAt(tree.d1, "campus", "原评导师");
    const ids = [
      await submitted(await trainee(tree.s1, "campus"), { track: "campus", place: tree.s1 }),
      await submitted(await trainee(tree.s1, "campus"), { track: "campus", place: tree.s1 }),
    ];
    await Promise.all(ids.map((id) => routed(id)));
    const after = await mentorAt(tree.province, "campus", "新评导师");
    const admin = await app.signIn(["admin"]);

    const res = await reassign(admin, { submissionId: ids, mentorId: after, role: "marker" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, message: "assignments.done", params: { count: 2 } });
    for (const id of ids) {
      const rows = await assignmentsOf(id);
      expect(rows.find((r) => r.mentor_id === before)?.released_at).not.toBeNull();
      expect(rows.find((r) => r.mentor_id === after)).toMatchObject({ role: "marker", released_at: null, assigned_by: admin.id });
    }
    const audit = await app.db.selectFrom("audit_events").selectAll().where("action", "=", "assignments.reassigned").where("actor_id", "=", admin.id).execute();
    expect(audit.map((a) => a.target_id).sort()).toEqual([...ids].sort());
    expect(audit[0]!.details).toMatchObject({ mentorId: after, role: "marker", releasedMentorId: before });

    // The page lists them under the new mentor; the load moved with them.
    const data = await (await responseOf(() => assignmentsLoader({ request: makeRequest(`/admin/assignments?mentor=${after}`), context: admin.context, params: {} }))).json();
    expect(data.rows.map((r: { id: string }) => r.id).sort()).toEqual([...ids].sort());
    expect(data.mentors.find((m: { id: string }) => m.id === before).load).toBe(0);

    // Back to the first mentor: their released row is opened again.
    expect((await reassign(admin, { submissionId: ids[0]!, mentorId: before, role: "marker" })).status).toBe(200);
    expect((await currentOf(ids[0]!)).map((a) => a.mentor_id)).toEqual([before]);
  });

  it("refuses a mentor their own work, changes nothing and keeps the choices", async () => {
    const tree = await subtree("拒");
    const other = await mentorAt(tree.d1, "campus", "另一导师");
    const selfMentor = await trainee(tree.s1, "campus", ["trainee", "mentor"]);
    const own = await submitted(selfMentor, { track: "campus", place: tree.s1 });
    const someoneElse = await submitted(await trainee(tree.s1, "campus"), { track: "campus", place: tree.s1 });
    await Promise.all([routed(own), routed(someoneElse)]);
    const snapshot = async () => [await assignmentsOf(own), await assignmentsOf(someoneElse)];
    const before = await snapshot();
    expect(before[0]!.map((a) => a.mentor_id)).toEqual([other]);

    const admin = await app.signIn(["admin"]);
    const res = await reassign(admin, { submissionId: [someoneElse, own], mentorId: selfMentor, role: "marker" });
    expect(res.status).toBe(409);
    const body = await res.json();
    expect(body).toMatchObject({ ok: false, message: "assignments.error.ownWork", kept: { selected: [someoneElse, own], mentorId: selfMentor, role: "marker" } });
    expect(await snapshot()).toEqual(before);

    expect((await reassign(admin, { mentorId: other, role: "marker" })).status).toBe(400);
    expect(await (await reassign(admin, { submissionId: own, mentorId: "", role: "marker" })).json()).toMatchObject({ message: "assignments.error.noMentor" });
    expect(await (await reassign(admin, { submissionId: own, mentorId: other, role: "second_marker" })).json()).toMatchObject({ message: "assignments.error.noSecondMarker" });
    expect(await (await reassign(admin, { submissionId: "not-a-uuid", mentorId: other, role: "marker" })).json()).toMatchObject({ message: "assignments.error.notFound" });
  });

  it("sends anonymous visitors to log in and refuses trainees and mentors", async () => {
    const anonymous = await responseOf(() => assignmentsLoader({ request: makeRequest("/admin/assignments"), context: app.anonymous(), params: {} }));
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toBe("/login?redirectTo=%2Fadmin%2Fassignments");
    for (const who of [await app.signIn(["trainee"]), await app.signIn(["mentor"])]) {
      expect((await responseOf(() => assignmentsLoader({ request: makeRequest("/admin/assignments"), context: who.context, params: {} }))).status).toBe(403);
      expect((await reassign(who, { submissionId: randomUUID(), mentorId: who.id, role: "marker" })).status).toBe(403);
    }
    const anonymousPost = await responseOf(() => assignmentsAction({ request: makeRequest("/admin/assignments", { form: {} }), context: app.anonymous(), params: {} }));
    expect(anonymousPost.status).toBe(302);
  });
});
