/// <reference types="vite/client" />
import { randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import type { ActionFunctionArgs, AppLoadContext } from "@remix-run/node";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import { syncCatalog } from "~/models/curriculum.server";
import { createOrgUnit } from "~/models/orgs.server";
import { createTestApp } from "../support/app";
import { insertSubmission } from "../support/arrange";

// An attacker's forms: every action of every route file, posted by every kind of visitor with bodies
// no page of ours sends. The answer is always a 4xx (or a redirect), never a 5xx, and nothing is
// written (audit rows of the refusals aside).

type Action = (args: ActionFunctionArgs) => Promise<unknown>;
let app: Awaited<ReturnType<typeof createTestApp>>;
const contexts: Record<string, AppLoadContext> = {};
const params: Record<string, string> = {};

beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
  const root = await app.programmeRoot();
  const province = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "测试省", track: null });
  const school = await createOrgUnit(app.db, { parentId: province, kind: "site", name: "测试学校", track: "campus" });
  const trainee = await app.signIn(["trainee"], { orgUnitId: school, track: "campus" });
  contexts.anonymous = app.anonymous();
  contexts.trainee = trainee.context;
  contexts.mentor = (await app.signIn(["mentor"], { orgUnitId: province, track: "campus" })).context;
  contexts.regionalAdmin = (await app.signIn(["admin"], { orgUnitId: province })).context;
  contexts.admin = (await app.signIn(["admin"])).context;
  const module = catalog().modules.find((m) => m.track === "campus" && m.tier === "foundation" && m.tasks.some((t) => t.type === "field_work"))!;
  const task = module.tasks.find((t) => t.type === "field_work")!;
  const submission = await insertSubmission(app.db, { userId: trainee.id, module, task, orgUnitId: school });
  Object.assign(params, {
    userId: trainee.id,
    taskId: task.id,
    submissionId: submission.id,
    importId: randomUUID(),
    certificateId: randomUUID(),
    exportId: randomUUID(),
    token: "not-a-token",
    code: "BC-2026-ZZZZ-ZZZZ",
    track: module.track,
    tier: module.tier,
    slug: module.slug,
    indicatorId: "campus-y1-students",
    list: "1",
    kid: "nope",
    "*": "x",
  });
});
afterAll(async () => app?.close());

const routeFiles = readdirSync("app/routes").filter((f) => f.endsWith(".tsx"));
const routeModules = import.meta.glob<{ action?: Action }>("../../app/routes/*.tsx");
const routeSources = import.meta.glob<string>("../../app/routes/*.tsx", { query: "?raw", import: "default" });

/** The intents a route's forms post (as the region matrix reads them), and one no page sends. */
async function intentsOf(file: string): Promise<string[]> {
  const source = await routeSources[`../../app/routes/${file}`]!();
  const found = new Set<string>(["bogus"]);
  for (const m of source.matchAll(/name="intent"/g)) {
    const value = /value="([A-Za-z]+)"/.exec(source.slice(source.lastIndexOf("<", m.index), m.index + 400));
    if (value) found.add(value[1]!);
  }
  for (const m of source.matchAll(/(?:intent|intents) (?:===|=) \[?"([A-Za-z]+)"/g)) found.add(m[1]!);
  return [...found];
}

/** The params a route file's name declares ($userId → params.userId), filled with real ids. */
function paramsFor(file: string): Record<string, string> {
  const names = [...file.matchAll(/\$([A-Za-z]*)/g)].map((m) => m[1] || "*");
  return Object.fromEntries(names.map((n) => [n, params[n] ?? "x"]));
}

const long = "字".repeat(200_000);
const hostileIds = ["not-a-uuid", "../../etc/passwd\u0000", "00000000-0000-0000-0000-000000000000"];

function bodies(path: string, intents: string[]): Array<{ label: string; request: () => Request }> {
  const url = `http://localhost${path}`;
  const urlencoded = (fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    return new Request(url, { method: "POST", body, headers: { "Content-Type": "application/x-www-form-urlencoded" } });
  };
  const idFields = ["id", "userId", "orgUnitId", "parentId", "newParentId", "submissionId", "certificateId", "mentorId", "candidate", "fileId", "notificationId", "anchorId", "region"];
  const list: Array<{ label: string; request: () => Request }> = [
    { label: "no body", request: () => new Request(url, { method: "POST" }) },
    { label: "JSON", request: () => new Request(url, { method: "POST", body: JSON.stringify({ intent: "save" }), headers: { "Content-Type": "application/json" } }) },
    { label: "broken multipart", request: () => new Request(url, { method: "POST", body: "--x\r\ngarbage without headers", headers: { "Content-Type": "multipart/form-data; boundary=x" } }) },
    { label: "empty form", request: () => urlencoded({}) },
  ];
  for (const intent of intents) {
    for (const id of hostileIds) {
      list.push({ label: `intent=${intent} ids=${JSON.stringify(id)}`, request: () => urlencoded({ intent, ...Object.fromEntries(idFields.map((f) => [f, id])) }) });
    }
    list.push({
      label: `intent=${intent} over-long values`,
      request: () =>
        urlencoded({ intent, name: long, text: long, otherOrgName: long, reason: long, comment: long, identifier: long, password: long, plan: long, reflection: long, roles: ["admin", "admin", "root"], answers: long }),
    });
  }
  return list;
}

/**
 * Writes that a complete, valid post makes even among the attacker's stray fields: marking a module
 * read needs nothing but `intent=read`, starting a task's draft nothing but `intent=start`, a new
 * invitation link nothing but `intent=link`.
 */
const legitimateWrites: Record<string, string[]> = {
  "learn.$track.$tier.$slug.tsx": ["module_progress"],
  "tasks.$taskId.tsx": ["submissions"],
  "admin.users.$userId.tsx": ["access_tokens"],
};

/** Row counts of every table but the audit log (refusals are written there on purpose). */
async function counts(except: string[] = []): Promise<Record<string, number>> {
  const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%'`.execute(app.db);
  const result: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    if (table_name === "audit_events" || except.includes(table_name)) continue;
    const row = await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table_name)}`.execute(app.db);
    result[table_name] = Number(row.rows[0]!.n);
  }
  return result;
}

describe("hostile form posts to every action", () => {
  for (const file of routeFiles) {
    it(`${file}: never a 5xx, nothing written`, async () => {
      const mod = await routeModules[`../../app/routes/${file}`]!();
      if (!mod.action) return;
      const intents = await intentsOf(file);
      const routeParams = paramsFor(file);
      const path = "/" + file.replace(/\.tsx$/, "").replace(/\$([A-Za-z]*)/g, (_, n: string) => routeParams[n || "*"] ?? "x").replace(/\./g, "/");
      const before = await counts(legitimateWrites[file]);
      const failures: string[] = [];
      for (const [who, context] of Object.entries(contexts)) {
        for (const body of bodies(path, intents)) {
          let status: number;
          try {
            const result = await mod.action({ request: body.request(), context, params: routeParams });
            status = result instanceof Response ? result.status : 200;
          } catch (thrown) {
            status = thrown instanceof Response ? thrown.status : 500;
            if (!(thrown instanceof Response)) failures.push(`${who} ${body.label}: threw ${(thrown as Error).message?.slice(0, 120)}`);
          }
          if (status >= 500) failures.push(`${who} ${body.label}: ${status}`);
        }
      }
      expect([...new Set(failures)].slice(0, 15)).toEqual([]);
      expect(await counts(legitimateWrites[file]), "no rows written").toEqual(before);
    }, 120_000);
  }
});
