/// <reference types="vite/client" />
import { randomUUID } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import type { ActionFunctionArgs, AppLoadContext } from "@remix-run/node";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { catalog } from "~/catalog/catalog.server";
import * as schemas from "~/form-schemas.server";
import { saveImportPreview } from "~/models/user-imports.server";
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
/** Visitors who get past each route's guard to the parse: a grader assigned nothing but admin, a trainee with a draft. */
const deeper: Record<string, { context: AppLoadContext; params: Record<string, string> }> = {};

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
  const admin = await app.signIn(["admin"]);
  contexts.admin = admin.context;
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
    sessionId: (
      await app.db
        .insertInto("training_sessions")
        .values({ org_unit_id: province, kind: "lecture", title: "测试活动", starts_at: new Date(Date.now() + 86_400_000), ends_at: new Date(Date.now() + 90_000_000), place: "会议室", capacity: 5, checkin_secret: "0123456789abcdef0123456789abcdef" })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id,
    cohortId: (
      await app.db
        .insertInto("cohorts")
        .values({ name: "测试期次", track: "campus", tier: "foundation", org_unit_id: province, programme_year: 1, starts_on: "2026-09-01", ends_on: "2027-06-30" })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id,
    "*": "x",
  });
  const grader = await app.signIn(["admin", "mentor"], { track: "campus" });
  deeper.grader = { context: grader.context, params: { submissionId: submission.id } };
  const drafter = await app.signIn(["trainee"], { orgUnitId: school, track: "campus" });
  await insertSubmission(app.db, { userId: drafter.id, module, task, orgUnitId: school, status: "draft" });
  deeper.drafter = { context: drafter.context, params: { taskId: task.id } };
  deeper.importer = { context: admin.context, params: { importId: await saveImportPreview(app.db, { createdBy: admin.id, fileName: "x.csv", verdicts: [] }) } };
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
  // A choices or quiet-hours post with no boxes ticked is a valid form: it saves "none" and "off".
  "profile.tsx": ["message_choices", "message_settings"],
  // A trainee's session page needs nothing but `intent=signUp` (the session is in the address): a
  // place, and the notification's outbox job.
  "sessions.$sessionId.tsx": ["session_enrolments", "job_outbox"],
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

// ── One schema per form ─────────────────────────────────────────────────────────────────────────

/** Each action's schema (app/form-schemas.server.ts) and who posts it so that the post reaches the parse. */
const formOf: Record<string, { schema: z.ZodType; who: string; multipart?: boolean }> = {
  "admin.assignments.tsx": { schema: schemas.assignmentsForm, who: "admin" },
  "admin.calibration.tsx": { schema: schemas.calibrationAnchorForm, who: "admin" },
  "admin.cohorts._index.tsx": { schema: schemas.cohortCreateForm, who: "admin" },
  "admin.cohorts.$cohortId.tsx": { schema: schemas.cohortForm, who: "admin" },
  "admin.cohorts.$cohortId_.progress.tsx": { schema: schemas.cohortProgressForm, who: "admin" },
  "cohorts.tsx": { schema: schemas.cohortJoinForm, who: "trainee" },
  "admin.sessions._index.tsx": { schema: schemas.sessionCreateForm, who: "admin" },
  "admin.sessions.$sessionId.tsx": { schema: schemas.sessionAdminForm, who: "admin" },
  "sessions._index.tsx": { schema: schemas.sessionSignUpForm, who: "trainee" },
  "sessions.$sessionId.tsx": { schema: schemas.sessionPageForm, who: "trainee" },
  "admin.certificates.tsx": { schema: schemas.certificatesForm, who: "admin" },
  "admin.deliveries.tsx": { schema: schemas.deliveriesForm, who: "admin" },
  "admin.reminders.tsx": { schema: schemas.reminderSwitchForm, who: "admin" },
  "admin.exports.tsx": { schema: schemas.exportForm, who: "admin" },
  "admin.orgs.tsx": { schema: schemas.orgsForm, who: "admin" },
  "admin.outcomes._index.tsx": { schema: schemas.outcomesForm, who: "admin" },
  "admin.showcase.tsx": { schema: schemas.showcaseDecisionForm, who: "admin" },
  "admin.users.$userId.tsx": { schema: schemas.userForm, who: "admin" },
  "admin.users.import.$importId.tsx": { schema: schemas.importConfirmForm, who: "importer" },
  "admin.users.import._index.tsx": { schema: schemas.userImportForm, who: "admin", multipart: true },
  "admin.users.new.tsx": { schema: schemas.newUserForm, who: "admin" },
  "invite.$token.tsx": { schema: schemas.inviteForm, who: "anonymous" },
  "learn.$track.$tier.$slug.tsx": { schema: schemas.markReadForm, who: "trainee" },
  "login.tsx": { schema: schemas.loginForm, who: "anonymous" },
  "logout.tsx": { schema: schemas.logoutForm, who: "trainee" },
  "mentor.calibration.tsx": { schema: schemas.practiceGradeForm, who: "grader" },
  "mentor.submissions.$submissionId.tsx": { schema: schemas.gradingForm, who: "grader" },
  "notifications.tsx": { schema: schemas.notificationsForm, who: "trainee" },
  "profile.tsx": { schema: schemas.profileForm, who: "trainee" },
  "tasks.$taskId.tsx": { schema: schemas.taskForm, who: "drafter" },
  "tasks.$taskId.evidence.tsx": { schema: schemas.evidenceForm, who: "drafter", multipart: true },
  "verify.$code.tsx": { schema: schemas.verifyPasteForm, who: "anonymous" },
  "unsubscribe.$token.tsx": { schema: schemas.unsubscribeForm, who: "anonymous" },
};

/** The forms a schema describes: one per intent, with the fields each declares (and whether others are bounded too). */
function formsIn(schema: z.ZodType): Array<{ intent: string | null; fields: string[]; catchall: boolean; intentRequired?: boolean }> {
  if (schema instanceof z.ZodDiscriminatedUnion) return (schema.options as z.ZodType[]).flatMap((o) => formsIn(o));
  if (!(schema instanceof z.ZodObject)) throw new Error("a form schema is an object or a union of objects");
  const shape = schema.shape as Record<string, z.ZodType>;
  const fields = Object.keys(shape).filter((k) => k !== "intent");
  const catchall = schema.def.catchall !== undefined && !(schema.def.catchall instanceof z.ZodNever);
  let intent = shape.intent;
  if (!intent) return [{ intent: null, fields, catchall }];
  // A single-purpose action may leave its intent out (its button sends one); any other value is still refused.
  const intentRequired = !(intent instanceof z.ZodDefault);
  if (intent instanceof z.ZodDefault) intent = intent.def.innerType as z.ZodType;
  if (intent instanceof z.ZodLiteral) return [{ intent: String(intent.value), fields, catchall, intentRequired }];
  if (intent instanceof z.ZodEnum) return (intent.options as string[]).filter(Boolean).map((i) => ({ intent: i, fields, catchall, intentRequired }));
  throw new Error("an intent is a literal or a choice");
}

const isIdField = (name: string) => /^(id|.+Id|candidate|region)$/.test(name);
const uuidParams = ["userId", "submissionId", "importId", "taskId"];

describe("every action parses its input with one schema", () => {
  const actionFiles = routeFiles.filter((f) => /export async function action/.test(readFileSync(`app/routes/${f}`, "utf8")));

  it("declares a schema for every action, and no action reads a field by hand", () => {
    expect(actionFiles.filter((f) => !formOf[f]), "actions without a schema in this table").toEqual([]);
    const byHand = actionFiles.filter((f) => /\bform\??\.(get|getAll|entries|has)\(|formData\(\)\)?\.get\(/.test(readFileSync(`app/routes/${f}`, "utf8")));
    expect(byHand, "read form.get(...) instead of a schema").toEqual([]);
    const unparsed = actionFiles.filter((f) => !/\b(fieldsOf|tryFieldsOf)\(/.test(readFileSync(`app/routes/${f}`, "utf8")));
    expect(unparsed, "never call fieldsOf").toEqual([]);
    // Helpers an action hands its form to read parsed fields too.
    for (const helper of ["app/domain/user-input.ts", "app/submissions/written.server.ts"]) {
      expect(readFileSync(helper, "utf8"), helper).not.toMatch(/\bform\.(get|getAll)\(/);
    }
  });

  for (const [file, { schema, who, multipart }] of Object.entries(formOf)) {
    it(`${file}: an over-long value for each declared field, a malformed id and a missing intent are 4xx, nothing written`, async () => {
      const mod = await routeModules[`../../app/routes/${file}`]!();
      const visitor = deeper[who] ?? { context: contexts[who]!, params: {} };
      const routeParams = { ...paramsFor(file), ...visitor.params };
      const url = `http://localhost/${file}`;
      const post = async (fields: Record<string, string>, overrideParams: Record<string, string> = {}) => {
        const body = multipart ? new FormData() : new URLSearchParams();
        for (const [k, v] of Object.entries(fields)) body.append(k, v);
        const request = new Request(url, { method: "POST", body });
        let res: Response;
        try {
          const result = await mod.action!({ request, context: visitor.context, params: { ...routeParams, ...overrideParams } });
          res = result instanceof Response ? result : new Response(null, { status: 200 });
        } catch (thrown) {
          if (!(thrown instanceof Response)) return { status: 500, text: String(thrown) };
          res = thrown;
        }
        return { status: res.status, text: await res.text() };
      };
      const before = await counts(legitimateWrites[file]);
      const failures: string[] = [];
      const forms = formsIn(schema);
      for (const form of forms) {
        const base: Record<string, string> = form.intent ? { intent: form.intent } : {};
        const label = form.intent ? `intent=${form.intent}` : "form";
        for (const name of [...form.fields, ...(form.catchall ? ["level.x"] : [])]) {
          const res = await post({ ...base, [name]: "字".repeat(200_001) });
          if (file === "logout.tsx") {
            // Signing out never fails on what came with it: a hostile scope still ends only this session.
            if (res.status !== 302) failures.push(`${label} ${name}: ${res.status}`);
          } else if (file === "tasks.$taskId.evidence.tsx") {
            if (res.status !== 400 || !res.text.includes("evidence.error.badRequest")) failures.push(`${label} ${name}: ${res.status} ${res.text.slice(0, 80)}`);
          } else if (res.status !== 400 || !res.text.startsWith("提交的内容")) {
            // "提交的内容过长…" for text, "提交的内容有误…" for a choice no page offers: never a field message or a write.
            failures.push(`${label} ${name} over-long: ${res.status} ${res.text.slice(0, 80)}`);
          }
        }
        for (const name of form.fields.filter(isIdField)) {
          for (const id of ["not-a-uuid", "../../etc/passwd"]) {
            const res = await post({ ...base, [name]: id });
            if (res.status !== 400 && res.status !== 404) failures.push(`${label} ${name}=${id}: ${res.status}`);
          }
        }
      }
      if (forms.some((f) => f.intent) && file !== "logout.tsx") {
        const withoutIntent: Array<Record<string, string>> = forms.every((f) => f.intentRequired)
          ? [{}, { intent: "" }, { intent: "bogus" }, { intent: "__proto__" }]
          : [{ intent: "bogus" }, { intent: "__proto__" }];
        for (const fields of withoutIntent) {
          const res = await post(fields);
          if (res.status !== 400) failures.push(`intent ${JSON.stringify(fields)}: ${res.status} ${res.text.slice(0, 80)}`);
        }
      }
      for (const name of uuidParams.filter((p) => p in routeParams)) {
        const res = await post(forms[0]?.intent ? { intent: forms[0].intent } : {}, { [name]: "not-a-uuid" });
        if (res.status !== 400 && res.status !== 404) failures.push(`param ${name}=not-a-uuid: ${res.status}`);
      }
      expect(failures).toEqual([]);
      expect(await counts(legitimateWrites[file]), "no rows written").toEqual(before);
    }, 120_000);
  }
});

// ── Sign-in by SMS code, with SMS on (docs/decisions/028-sms-sign-in.md) ──────────────────────────

describe("the SMS code intents of /login and /invite/:token with SMS configured", () => {
  it("answer hostile numbers and codes with a 4xx, send no SMS and write nothing", async () => {
    const { registerChannels } = await import("~/services/channels/registry.server");
    const { codeSendsSettled } = await import("~/services/sms-sign-in.server");
    const { issueAccessToken } = await import("~/models/access-tokens.server");
    const { action: loginAction } = await import("~/routes/login");
    const { action: inviteAction } = await import("~/routes/invite.$token");
    const sent: string[] = [];
    registerChannels({ sms: { name: "sms", send: async (m) => (sent.push(m.to), { ok: true, providerId: "x" }) } }, { linkSecret: "hostile-link-secret-0123456789abcdefghijkl", appUrl: "http://localhost" });
    try {
      const invited = await app.signIn(["trainee"], { signedUp: false });
      const { token } = await issueAccessToken(app.db, { userId: invited.id, purpose: "invite", createdBy: null, validHours: 72 });
      const phones = ["", "１３８００１３８０００", "13800138000' or '1'='1", "\u202e13900000000", "+86 136 0000 0000", "1".repeat(999), "字".repeat(1_001), "__proto__"];
      const codes = ["", "000000", "１２３４５６", "' or '1'='1", "9".repeat(999), "12 34 56", "字".repeat(1_001)];
      const before = await counts();
      const failures: string[] = [];
      const post = async (label: string, run: () => Promise<unknown>) => {
        let status: number;
        try {
          const result = await run();
          status = result instanceof Response ? result.status : 200;
        } catch (thrown) {
          status = thrown instanceof Response ? thrown.status : 500;
        }
        if (status < 400 || status >= 500) failures.push(`${label}: ${status}`);
      };
      const body = (fields: Record<string, string | string[]>) => {
        const b = new URLSearchParams();
        for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) b.append(k, item);
        return b;
      };
      const login = (fields: Record<string, string | string[]>) => () =>
        loginAction({ request: new Request("http://localhost/login", { method: "POST", body: body(fields) }), context: contexts.anonymous!, params: {} });
      const invite = (t: string, fields: Record<string, string | string[]>) => () =>
        inviteAction({ request: new Request(`http://localhost/invite/${t}`, { method: "POST", body: body(fields) }), context: contexts.anonymous!, params: { token: t } });
      for (const phone of phones) {
        // A well-formed number nobody has: the usual answer (200), nothing sent; the rest are refused.
        if (phone !== "+86 136 0000 0000") await post(`sendCode ${JSON.stringify(phone.slice(0, 20))}`, login({ intent: "sendCode", phone }));
        for (const code of codes) await post(`verifyCode ${JSON.stringify(phone.slice(0, 20))} ${JSON.stringify(code.slice(0, 20))}`, login({ intent: "verifyCode", phone, code }));
      }
      await post("sendCode with two numbers", login({ intent: "sendCode", phone: ["13600000000", "13600000001"] }));
      for (const code of codes) {
        await post(`invite verifyCode ${JSON.stringify(code.slice(0, 20))}`, invite(token, { intent: "verifyCode", code }));
        await post(`unknown invite verifyCode ${JSON.stringify(code.slice(0, 20))}`, invite("not-a-token", { intent: "verifyCode", code }));
      }
      await post("unknown invite sendCode", invite("not-a-token", { intent: "sendCode" }));
      await codeSendsSettled();
      expect(failures).toEqual([]);
      expect(sent).toEqual([]);
      expect(await counts(), "no rows written").toEqual(before);
    } finally {
      registerChannels({}, { linkSecret: null, appUrl: "http://localhost" });
    }
  }, 120_000);
});
