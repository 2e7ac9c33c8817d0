import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { Worker } from "bullmq";
import express from "express";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSession } from "~/auth.server";
import { createOrgUnit } from "~/models/orgs.server";
import { queue, queueNames } from "~/queue.server";
import { loader as adminHomeLoader } from "~/routes/admin._index";
import { createQueueBoard, queueBoardPath, type QueueBoard } from "~/runtime/queue-board.server";
import { createTestApp, makeRequest } from "../support/app";

// The board mounted the way server.ts mounts it, over real sessions, PostgreSQL and Redis.
let app: Awaited<ReturnType<typeof createTestApp>>;
let board: QueueBoard;
let server: Server;
let base: string;
let provinceId: string;
const cookies: Record<"admin" | "mentor" | "trainee" | "regionalAdmin", string> = { admin: "", mentor: "", trainee: "", regionalAdmin: "" };
let adminId: string;

async function sessionFor(roles: Array<"trainee" | "mentor" | "admin">, orgUnitId?: string | null): Promise<{ id: string; cookie: string }> {
  const { id } = await app.signIn(roles, { orgUnitId });
  return { id, cookie: (await startSession(id, {})).split(";")[0]! };
}

function call(path: string, init: { who?: keyof typeof cookies; method?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (init.who) headers.cookie = cookies[init.who];
  if (init.body !== undefined) headers["content-type"] = "application/json";
  return fetch(`${base}${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    redirect: "manual",
  });
}

/** Runs one job through a worker whose processor fails or succeeds, then stops the worker. */
async function settledJob(jobId: string, outcome: "fail" | "succeed") {
  await queue("scoring").add("score-quiz", { submissionId: jobId }, { jobId, attempts: 1 });
  const connection = new Redis(app.redis.redisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker(
    "scoring",
    async () => {
      if (outcome === "fail") throw new Error("scorer exploded on purpose");
      return { ok: true };
    },
    { connection, prefix: app.redis.prefix },
  );
  const want = outcome === "fail" ? "failed" : "completed";
  const until = Date.now() + 10_000;
  while ((await queue("scoring").getJobState(jobId)) !== want && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  await worker.close();
  connection.disconnect();
  expect(await queue("scoring").getJobState(jobId)).toBe(want);
}

beforeAll(async () => {
  app = await createTestApp();
  board = createQueueBoard({ redisUrl: app.redis.redisUrl, prefix: app.redis.prefix });
  const main = express();
  main.disable("x-powered-by");
  main.use(queueBoardPath, board.app);
  // Stands in for the Remix handler: what the board does not answer must reach it intact.
  main.use((req, res) => res.status(299).type("text/plain").send(`remix ${req.get("host") ? "saw" : "lost"} ${req.originalUrl}`));
  server = main.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const admin = await sessionFor(["admin"]);
  adminId = admin.id;
  cookies.admin = admin.cookie;
  cookies.mentor = (await sessionFor(["mentor"])).cookie;
  cookies.trainee = (await sessionFor(["trainee"])).cookie;
  const national = await app.programmeRoot();
  const province = await createOrgUnit(app.db, { parentId: national, kind: "province", name: "山东省", track: null });
  provinceId = province;
  cookies.regionalAdmin = (await sessionFor(["admin"], province)).cookie;
  await settledJob("board-failed-1", "fail");
  await settledJob("board-done-1", "succeed");
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await board?.close();
  await app?.close();
});

describe("who may open the queue board", () => {
  it("sends anonymous visitors to the login page and back to the board, for pages, API and assets", async () => {
    const page = await call("/admin/queues/queue/scoring");
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent("/admin/queues/queue/scoring")}`);
    for (const path of ["/admin/queues/api/queues", "/admin/queues/static/images/logo.svg"]) {
      const res = await call(path);
      expect(res.status, path).toBe(302);
      expect(res.headers.get("location")).toBe("/login?redirectTo=%2Fadmin%2Fqueues");
    }
  });

  it("refuses trainees, mentors and regional admins in Chinese and English, on the page, the API and its actions", async () => {
    for (const who of ["trainee", "mentor", "regionalAdmin"] as const) {
      const page = await call("/admin/queues", { who });
      expect(page.status).toBe(403);
      const html = await page.text();
      expect(html).toContain("您没有权限查看任务队列。");
      expect(html).toContain("You do not have permission to view the job queues.");
      expect(html).not.toContain("__UI_CONFIG__");

      const api = await call("/admin/queues/api/queues", { who });
      expect(api.status).toBe(403);
      expect(JSON.stringify(await api.json())).not.toContain("scoring");

      const retry = await call("/admin/queues/api/queues/scoring/board-failed-1/retry", { who, method: "PUT" });
      expect(retry.status).toBe(403);
    }
    expect(await queue("scoring").getJobState("board-failed-1")).toBe("failed");
  });
});

describe("the board for an administrator", () => {
  it("serves the Chinese board without Google Fonts, under a content security policy", async () => {
    const res = await call("/admin/queues", { who: "admin" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-powered-by")).toBeNull();
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('<html lang="zh-CN"');
    expect(html).toContain("<title>百城学堂 · 任务队列</title>");
    expect(html).toContain('<base href="/admin/queues/"');
    expect(html).not.toContain("googleapis");
    expect(html).toContain('<script defer src="baicheng-a11y.js"></script></body>');
    const script = await call("/admin/queues/baicheng-a11y.js", { who: "admin" });
    expect(script.headers.get("content-type")).toContain("javascript");
    expect(await script.text()).toContain("更多操作");
    const config = JSON.parse(/<script id="__UI_CONFIG__" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!);
    expect(config.locale).toEqual({ lng: "zh-CN" });

    const asset = await call("/admin/queues/static/images/logo.svg", { who: "admin" });
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toContain("image/svg");
  });

  it("lists every queue of the deployment's prefix, with the failed job", async () => {
    const res = await call("/admin/queues/api/queues?activeQueue=scoring&status=failed&page=1&jobsPerPage=10", { who: "admin" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: Array<{ name: string; counts: Record<string, number>; jobs: Array<{ id: string }>; description?: string }> };
    expect(body.queues.map((q) => q.name).sort()).toEqual([...queueNames].sort());
    const scoring = body.queues.find((q) => q.name === "scoring")!;
    expect(scoring.counts.failed).toBe(1);
    expect(scoring.jobs.map((j) => j.id)).toEqual(["board-failed-1"]);
    expect(scoring.description).toContain("自动评分");
    // Chinese names on the board, not the queues' code names.
    const names = Object.fromEntries(body.queues.map((q) => [q.name, (q as { displayName?: string }).displayName]));
    expect(names).toMatchObject({ scoring: "自动评分", routing: "分配导师", maintenance: "补排遗漏任务", exports: "数据导出" });
  });

  it("shows a visible way back to 管理后台 on the board page", async () => {
    const html = await (await call("/admin/queues", { who: "admin" })).text();
    expect(html).toMatch(/<body[^>]*><nav[^>]*><a href="\/admin"[^>]*>← 返回管理后台<\/a><\/nav>/);
  });

  it("retries a failed job and writes who did it to the audit log", async () => {
    const res = await call("/admin/queues/api/queues/scoring/board-failed-1/retry", { who: "admin", method: "PUT" });
    expect(res.status).toBe(204);
    expect(await queue("scoring").getJobState("board-failed-1")).toBe("waiting");
    let audit;
    for (let i = 0; i < 100 && !audit; i++) {
      audit = await app.db.selectFrom("audit_events").selectAll().where("action", "=", "queue.retried").executeTakeFirst();
      if (!audit) await new Promise((r) => setTimeout(r, 20));
    }
    expect(audit).toMatchObject({ actor_id: adminId, target_type: "queue", target_id: "scoring", details: { jobId: "board-failed-1" } });
  });

  it("refuses destructive and editing actions, and retrying finished work", async () => {
    const refused: Array<[string, string, unknown?]> = [
      ["PUT", "/admin/queues/api/queues/scoring/clean/completed"],
      ["PUT", "/admin/queues/api/queues/scoring/board-done-1/clean"],
      ["PUT", "/admin/queues/api/queues/scoring/empty"],
      ["PUT", "/admin/queues/api/queues/scoring/obliterate"],
      ["PUT", "/admin/queues/api/queues/pause"],
      ["POST", "/admin/queues/api/queues/scoring/add", { name: "score-quiz", data: { submissionId: "forged" }, options: {} }],
      ["PATCH", "/admin/queues/api/queues/scoring/board-done-1/update-data", { jobData: { submissionId: "forged" } }],
      ["PUT", "/admin/queues/api/queues/scoring/retry/completed"],
      ["PUT", "/admin/queues/api/queues/scoring/board-done-1/retry"],
      // Read by bull-board as "clean the queue" and "retry every … job", not as a job named clean/retry.
      ["PUT", "/admin/queues/api/queues/scoring/clean/promote"],
      ["PUT", "/admin/queues/api/queues/scoring/retry/promote"],
      ["PUT", "/admin/queues/api/queues/scoring/empty/promote"],
      // Promoting is for delayed jobs, retrying for failed ones; unknown jobs and queues are refused too.
      ["PUT", "/admin/queues/api/queues/scoring/board-done-1/promote"],
      ["PUT", "/admin/queues/api/queues/scoring/no-such-job/promote"],
      ["PUT", "/admin/queues/api/queues/scoring/no-such-job/retry"],
      ["PUT", "/admin/queues/api/queues/no-such-queue/promote"],
    ];
    for (const [method, path, body] of refused) {
      const res = await call(path, { who: "admin", method, body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(((await res.json()) as { message: string }).message).toContain("只能重试失败的任务");
    }
    expect(await queue("scoring").getJobState("board-done-1")).toBe("completed");
    expect(await queue("scoring").getJobCounts("waiting", "completed")).toEqual({ waiting: 1, completed: 1 });
    expect(await queue("scoring").isPaused()).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    const promotions = await app.db.selectFrom("audit_events").select("id").where("action", "=", "queue.promoted").execute();
    expect(promotions).toEqual([]);
  });

  it("promotes a delayed job, audited as a promotion of that job", async () => {
    await queue("notifications").add("notify", { kind: "test" }, { jobId: "board-delayed-1", delay: 60 * 60_000 });
    const res = await call("/admin/queues/api/queues/notifications/board-delayed-1/promote", { who: "admin", method: "PUT" });
    expect(res.status).toBeLessThan(300);
    expect(await queue("notifications").getJobState("board-delayed-1")).toBe("waiting");
    let audit;
    for (let i = 0; i < 100 && !audit; i++) {
      audit = await app.db.selectFrom("audit_events").selectAll().where("action", "=", "queue.promoted").executeTakeFirst();
      if (!audit) await new Promise((r) => setTimeout(r, 20));
    }
    expect(audit).toMatchObject({ actor_id: adminId, target_id: "notifications", details: { jobId: "board-delayed-1" } });
  });

  it("passes paths it does not serve on to the app with the request intact", async () => {
    const res = await call("/admin/queues/no/such/page", { who: "admin" });
    expect(res.status).toBe(299);
    expect(await res.text()).toBe("remix saw /admin/queues/no/such/page");
  });
});

describe("the admin home", () => {
  it("offers the board to admins of the whole programme only", async () => {
    const offered = async (orgUnitId: string | null) => {
      const { context } = await app.signIn(["admin"], { orgUnitId });
      const res = await adminHomeLoader({ request: makeRequest("/admin"), context, params: {} });
      return ((await res.json()) as { queueBoard: boolean }).queueBoard;
    };
    expect(await offered(await app.programmeRoot())).toBe(true);
    expect(await offered(provinceId)).toBe(false);
    // "No unit" used to mean "everything": now it means nothing, so the admin home refuses them.
    await expect(offered(null)).rejects.toMatchObject({ status: 403 });
  });
});
