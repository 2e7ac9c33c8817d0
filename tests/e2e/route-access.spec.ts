import { readdirSync } from "node:fs";
import { request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import { demo, demoPassword, expect, test } from "./fixtures";

// Every route × every role. A new file in app/routes must add its row here (checked below).
type Who = "anonymous" | "trainee" | "otherTrainee" | "mentor" | "admin";
const signedIn = { trainee: 200, otherTrainee: 200, mentor: 200, admin: 200 } as const;
const adminOnly = { anonymous: 302, trainee: 403, otherTrainee: 403, mentor: 403, admin: 200 } as const;

interface RouteCase {
  file: string;
  path: string | ((ids: Ids) => string);
  expect: Record<Who, number>;
  method?: "GET" | "POST";
}
interface Ids {
  traineeId: string;
}

const cases: RouteCase[] = [
  { file: "_index.tsx", path: "/", expect: { anonymous: 200, ...signedIn } },
  { file: "$.tsx", path: "/no-such-page", expect: { anonymous: 404, trainee: 404, otherTrainee: 404, mentor: 404, admin: 404 } },
  { file: "login.tsx", path: "/login", expect: { anonymous: 200, trainee: 302, otherTrainee: 302, mentor: 302, admin: 302 } },
  { file: "logout.tsx", path: "/logout", expect: { anonymous: 302, trainee: 302, otherTrainee: 302, mentor: 302, admin: 302 } },
  { file: "profile.tsx", path: "/profile", expect: { anonymous: 302, ...signedIn } },
  { file: "unsubscribe.$token.tsx", path: "/unsubscribe/not-a-real-token", expect: { anonymous: 400, trainee: 400, otherTrainee: 400, mentor: 400, admin: 400 } },
  { file: "invite.$token.tsx", path: "/invite/not-a-real-token", expect: { anonymous: 404, trainee: 404, otherTrainee: 404, mentor: 404, admin: 404 } },
  { file: "learn._index.tsx", path: "/learn", expect: { anonymous: 302, ...signedIn } },
  { file: "learn.search.tsx", path: "/learn/search?q=%E6%83%85%E7%BB%AA", expect: { anonymous: 302, ...signedIn } },
  { file: "learn.$track.$tier._index.tsx", path: "/learn/campus/foundation", expect: { anonymous: 302, ...signedIn } },
  { file: "learn.$track.$tier._index.tsx", path: "/learn/campus/nonsense", expect: { anonymous: 302, trainee: 404, otherTrainee: 404, mentor: 404, admin: 404 } },
  { file: "learn.$track.$tier.$slug.tsx", path: "/learn/community/foundation/mental-health-literacy", expect: { anonymous: 302, ...signedIn } },
  { file: "learn.$track.$tier.$slug.tsx", path: "/learn/community/practitioner/awareness-event", expect: { anonymous: 302, trainee: 403, otherTrainee: 403, mentor: 200, admin: 200 } },
  { file: "my-work.tsx", path: "/my-work", expect: { anonymous: 302, ...signedIn } },
  { file: "notifications.tsx", path: "/notifications", expect: { anonymous: 302, ...signedIn } },
  { file: "tasks.$taskId.tsx", path: "/tasks/campus-foundation-emotion-friendly-classroom-field", expect: { anonymous: 302, ...signedIn } },
  { file: "tasks.$taskId.tsx", path: "/tasks/campus-practitioner-class-meeting-field", expect: { anonymous: 302, trainee: 403, otherTrainee: 403, mentor: 200, admin: 200 } },
  { file: "tasks.$taskId.tsx", path: "/tasks/no-such-task", expect: { anonymous: 302, trainee: 404, otherTrainee: 404, mentor: 404, admin: 404 } },
  { file: "tasks.$taskId.evidence.tsx", path: "/tasks/campus-foundation-emotion-friendly-classroom-field/evidence", expect: { anonymous: 302, trainee: 302, otherTrainee: 302, mentor: 302, admin: 302 } },
  { file: "files.$fileId.tsx", path: "/files/00000000-0000-0000-0000-000000000000", expect: { anonymous: 302, trainee: 404, otherTrainee: 404, mentor: 404, admin: 404 } },
  { file: "showcase._index.tsx", path: "/showcase", expect: { anonymous: 200, ...signedIn } },
  { file: "showcase.$submissionId.tsx", path: "/showcase/00000000-0000-0000-0000-000000000000", expect: { anonymous: 404, trainee: 404, otherTrainee: 404, mentor: 404, admin: 404 } },
  { file: "admin.showcase.tsx", path: "/admin/showcase", expect: adminOnly },
  { file: "mentor._index.tsx", path: "/mentor", expect: { anonymous: 302, trainee: 403, otherTrainee: 403, mentor: 200, admin: 200 } },
  { file: "mentor.submissions.$submissionId.tsx", path: "/mentor/submissions/00000000-0000-0000-0000-000000000000", expect: { anonymous: 302, trainee: 403, otherTrainee: 403, mentor: 404, admin: 404 } },
  { file: "admin.certificates.tsx", path: "/admin/certificates", expect: adminOnly },
  { file: "verify._index.tsx", path: "/verify", expect: { anonymous: 200, ...signedIn } },
  { file: "verify.$code.tsx", path: "/verify/BC-2026-ZZZZ-ZZZZ", expect: { anonymous: 404, trainee: 404, otherTrainee: 404, mentor: 404, admin: 404 } },
  { file: "verify.$code.tsx", path: "/verify/not-a-number", expect: { anonymous: 400, trainee: 400, otherTrainee: 400, mentor: 400, admin: 400 } },
  { file: "certificates.$certificateId[.]pdf.tsx", path: "/certificates/00000000-0000-0000-0000-000000000000.pdf", expect: { anonymous: 302, trainee: 404, otherTrainee: 404, mentor: 404, admin: 404 } },
  { file: "[.]well-known.jwks[.]json.tsx", path: "/.well-known/jwks.json", expect: { anonymous: 200, ...signedIn } },
  { file: "credentials.status.$list.tsx", path: "/credentials/status/999999", expect: { anonymous: 404, trainee: 404, otherTrainee: 404, mentor: 404, admin: 404 } },
  { file: "issuer.tsx", path: "/issuer", expect: { anonymous: 200, ...signedIn } },
  { file: "issuer_.keys.$kid.tsx", path: "/issuer/keys/no-such-key", expect: { anonymous: 404, trainee: 404, otherTrainee: 404, mentor: 404, admin: 404 } },
  { file: "[.]well-known.jwt-vc-issuer.$.tsx", path: "/.well-known/jwt-vc-issuer/issuer", expect: { anonymous: 200, ...signedIn } },
  { file: "[.]well-known.jwt-vc-issuer.$.tsx", path: "/.well-known/jwt-vc-issuer/someone-else", expect: { anonymous: 404, trainee: 404, otherTrainee: 404, mentor: 404, admin: 404 } },
  { file: "achievements.$track.$tier.tsx", path: "/achievements/campus/foundation", expect: { anonymous: 200, ...signedIn } },
  { file: "achievements.$track.$tier.tsx", path: "/achievements/campus/nonsense", expect: { anonymous: 404, trainee: 404, otherTrainee: 404, mentor: 404, admin: 404 } },
  { file: "achievements.$track.$tier_.image[.]svg.tsx", path: "/achievements/community/supervisor/image.svg", expect: { anonymous: 200, ...signedIn } },
  { file: "certificates.$certificateId.credential.tsx", path: "/certificates/00000000-0000-0000-0000-000000000000/credential", expect: { anonymous: 302, trainee: 404, otherTrainee: 404, mentor: 404, admin: 404 } },
  { file: "admin.assignments.tsx", path: "/admin/assignments", expect: adminOnly },
  { file: "admin.cohorts._index.tsx", path: "/admin/cohorts", expect: adminOnly },
  { file: "admin.cohorts.$cohortId.tsx", path: "/admin/cohorts/00000000-0000-0000-0000-000000000000", expect: { ...adminOnly, admin: 404 } },
  { file: "admin.cohorts.$cohortId_.progress.tsx", path: "/admin/cohorts/00000000-0000-0000-0000-000000000000/progress", expect: { ...adminOnly, admin: 404 } },
  { file: "admin.cohorts.$cohortId_.progress[.]csv.tsx", path: "/admin/cohorts/00000000-0000-0000-0000-000000000000/progress.csv", expect: { ...adminOnly, admin: 404 } },
  { file: "admin.cohorts.$cohortId_.progress[.]xlsx.tsx", path: "/admin/cohorts/00000000-0000-0000-0000-000000000000/progress.xlsx", expect: { ...adminOnly, admin: 404 } },
  { file: "admin.cohorts.$cohortId_.attendance[.]csv.tsx", path: "/admin/cohorts/00000000-0000-0000-0000-000000000000/attendance.csv", expect: { ...adminOnly, admin: 404 } },
  { file: "admin.cohorts.$cohortId_.attendance[.]xlsx.tsx", path: "/admin/cohorts/00000000-0000-0000-0000-000000000000/attendance.xlsx", expect: { ...adminOnly, admin: 404 } },
  { file: "cohorts.tsx", path: "/cohorts", expect: { anonymous: 302, ...signedIn } },
  { file: "admin.sessions._index.tsx", path: "/admin/sessions", expect: adminOnly },
  { file: "admin.sessions.$sessionId.tsx", path: "/admin/sessions/00000000-0000-0000-0000-000000000000", expect: { ...adminOnly, admin: 404 } },
  { file: "admin.sessions.$sessionId_.checkin.tsx", path: "/admin/sessions/00000000-0000-0000-0000-000000000000/checkin", expect: { ...adminOnly, admin: 404 } },
  { file: "admin.sessions.$sessionId.attendance[.]csv.tsx", path: "/admin/sessions/00000000-0000-0000-0000-000000000000/attendance.csv", expect: { ...adminOnly, admin: 404 } },
  { file: "admin.sessions.$sessionId.attendance[.]xlsx.tsx", path: "/admin/sessions/00000000-0000-0000-0000-000000000000/attendance.xlsx", expect: { ...adminOnly, admin: 404 } },
  { file: "sessions._index.tsx", path: "/sessions", expect: { anonymous: 302, ...signedIn } },
  { file: "sessions.$sessionId.tsx", path: "/sessions/00000000-0000-0000-0000-000000000000", expect: { anonymous: 302, trainee: 404, otherTrainee: 404, mentor: 404, admin: 404 } },
  { file: "admin.sessions.$sessionId.sheets.$sheetId.tsx", path: "/admin/sessions/00000000-0000-0000-0000-000000000000/sheets/00000000-0000-0000-0000-000000000000", expect: { anonymous: 302, trainee: 404, otherTrainee: 404, mentor: 404, admin: 404 } },
  { file: "sessions.$sessionId[.]ics.tsx", path: "/sessions/00000000-0000-0000-0000-000000000000.ics", expect: { anonymous: 302, trainee: 404, otherTrainee: 404, mentor: 404, admin: 404 } },
  { file: "calendar.$token[.]ics.tsx", path: "/calendar/not-a-real-calendar-token-xyz.ics", expect: { anonymous: 404, trainee: 404, otherTrainee: 404, mentor: 404, admin: 404 } },
  { file: "checkin.$sessionId.tsx", path: "/checkin/00000000-0000-0000-0000-000000000000?t=1.abc", expect: { anonymous: 302, trainee: 400, otherTrainee: 400, mentor: 400, admin: 400 } },
  { file: "admin.calibration.tsx", path: "/admin/calibration", expect: adminOnly },
  { file: "mentor.calibration.tsx", path: "/mentor/calibration", expect: { anonymous: 302, trainee: 403, otherTrainee: 403, mentor: 200, admin: 200 } },
  { file: "mentor.calibration.tsx", path: "/mentor/calibration?anchor=00000000-0000-0000-0000-000000000000", expect: { anonymous: 302, trainee: 403, otherTrainee: 403, mentor: 404, admin: 404 } },
  { file: "admin.exports.tsx", path: "/admin/exports", expect: adminOnly },
  { file: "admin.exports.$exportId[.]csv.tsx", path: "/admin/exports/00000000-0000-0000-0000-000000000000.csv", expect: { ...adminOnly, admin: 404 } },
  { file: "admin._index.tsx", path: "/admin", expect: adminOnly },
  { file: "admin.audit.tsx", path: "/admin/audit", expect: adminOnly },
  { file: "admin.deliveries.tsx", path: "/admin/deliveries", expect: adminOnly },
  { file: "admin.reminders.tsx", path: "/admin/reminders", expect: adminOnly },
  { file: "admin.reminders.tsx", path: "/admin/reminders?unit=00000000-0000-0000-0000-000000000000", expect: { ...adminOnly, admin: 404 } },
  { file: "admin.outcomes._index.tsx", path: "/admin/outcomes", expect: adminOnly },
  { file: "admin.outcomes.$indicatorId.tsx", path: "/admin/outcomes/campus-y1-students", expect: adminOnly },
  { file: "admin.users._index.tsx", path: "/admin/users", expect: adminOnly },
  { file: "admin.search.tsx", path: "/admin/search?q=%E5%BC%A0", expect: adminOnly },
  { file: "admin.users.new.tsx", path: "/admin/users/new", expect: adminOnly },
  { file: "admin.users.$userId.tsx", path: (ids) => `/admin/users/${ids.traineeId}`, expect: adminOnly },
  { file: "admin.orgs.tsx", path: "/admin/orgs", expect: adminOnly },
  { file: "admin.search.tsx", path: "/admin/search?q=%E6%9D%8E", expect: adminOnly },
  { file: "admin.users.import._index.tsx", path: "/admin/users/import", expect: adminOnly },
  { file: "admin.users.import.template[.]csv.tsx", path: "/admin/users/import/template.csv", expect: adminOnly },
  { file: "admin.users.import.template[.]xlsx.tsx", path: "/admin/users/import/template.xlsx", expect: adminOnly },
  { file: "admin.users.import.$importId.tsx", path: "/admin/users/import/00000000-0000-0000-0000-000000000000", expect: { ...adminOnly, admin: 404 } },
  { file: "admin.users.import.$importId.rejected[.]csv.tsx", path: "/admin/users/import/00000000-0000-0000-0000-000000000000/rejected.csv", expect: { ...adminOnly, admin: 404 } },
  { file: "admin.users.import.$importId.links[.]csv.tsx", path: "/admin/users/import/00000000-0000-0000-0000-000000000000/links.csv", expect: { ...adminOnly, admin: 404 } },
  { file: "admin.users.import.$importId_.sheet.tsx", path: "/admin/users/import/00000000-0000-0000-0000-000000000000/sheet", expect: { ...adminOnly, admin: 404 } },
  // Not route files: the Bull Board server.ts mounts before Remix (app/runtime/queue-board.server.ts).
  { file: "server.ts:/admin/queues", path: "/admin/queues", expect: adminOnly },
  { file: "server.ts:/admin/queues", path: "/admin/queues/api/queues", expect: adminOnly },
  { file: "server.ts:/admin/queues", path: "/admin/queues/static/images/logo.svg", expect: adminOnly },
  { file: "server.ts:/admin/queues", path: "/admin/queues/api/queues/scoring/add", method: "POST", expect: { ...adminOnly, admin: 403 } },
];

const accounts: Record<Exclude<Who, "anonymous">, string> = {
  trainee: demo.campusTrainee,
  otherTrainee: demo.communityTrainee,
  mentor: demo.mentor,
  admin: demo.admin,
};

async function contextFor(who: Who, baseURL: string): Promise<APIRequestContext> {
  const ctx = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL } });
  if (who !== "anonymous") {
    const res = await ctx.post("/login", { form: { identifier: accounts[who], password: demoPassword }, maxRedirects: 0 });
    expect(res.status(), `login as ${who}`).toBe(302);
  }
  return ctx;
}

test("every route file is in the access table", () => {
  const files = readdirSync("app/routes");
  const covered = new Set(cases.map((c) => c.file));
  expect(files.filter((f) => !covered.has(f))).toEqual([]);
});

test("every route answers each role as the permission map says", async ({ baseURL }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "HTTP-level check; one browser project is enough");
  const admin = await contextFor("admin", baseURL!);
  const users = await admin.get("/admin/users?q=13800000001");
  const traineeId = /\/admin\/users\/([0-9a-f-]{36})/.exec(await users.text())?.[1];
  expect(traineeId).toBeTruthy();
  const ids: Ids = { traineeId: traineeId! };
  const failures: string[] = [];
  for (const who of ["anonymous", "trainee", "otherTrainee", "mentor", "admin"] as const) {
    const ctx = who === "admin" ? admin : await contextFor(who, baseURL!);
    for (const c of cases) {
      const path = typeof c.path === "function" ? c.path(ids) : c.path;
      const res = await ctx.fetch(path, { method: c.method ?? "GET", maxRedirects: 0 });
      if (res.status() !== c.expect[who]) failures.push(`${who} ${path}: ${res.status()} (expected ${c.expect[who]})`);
    }
    if (ctx !== admin) await ctx.dispose();
  }
  await admin.dispose();
  expect(failures).toEqual([]);
});

test("a state-changing request from a foreign origin is refused", async ({ baseURL }) => {
  const ctx = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Origin: "https://evil.example" } });
  const res = await ctx.post("/login", { form: { identifier: accounts.admin, password: demoPassword }, maxRedirects: 0 });
  expect(res.status()).toBe(403);
  await ctx.dispose();
});
