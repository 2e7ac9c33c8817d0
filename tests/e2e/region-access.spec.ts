import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { hash } from "@node-rs/argon2";
import { request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import pg from "pg";
import { demo, demoPassword, expect, test } from "./fixtures";

// The region matrix, beside the role matrix of route-access.spec.ts: a coordinator of 山西 tries every
// admin route and every action intent against 山东's people and work and against national-level
// people. Each answer is a 404/403 (or a page without 山东 in it), nothing changes, and every refused
// action is in the audit log. A new admin route file or a new intent missing here fails the first test.

interface Data {
  suffix: string;
  shanxiAdmin: { id: string; email: string; password: string };
  nationalAdminId: string;
  trainee: { id: string; name: string; phone: string };
  mentorName: string;
  units: { root: string; shanxi: string; yuncheng: string; shandong: string; yantai: string; school: string };
  passedId: string;
  openId: string;
  evidenceId: string;
  certificate: { id: string; number: string };
  nationalImportId: string;
  nationalExportId: string;
  cohort: { id: string; name: string; codeId: string; requestId: string };
  /** A failed SMS to the 山东 trainee. */
  deliveryId: string;
  sessionId: string;
  sheetId: string;
}

type Form = Record<string, string | string[]>;
interface RegionCase {
  file: string;
  /** The action's intent; "(action)" for a single-purpose action; absent for a page (GET). */
  intent?: string;
  path: (d: Data) => string;
  form?: (d: Data) => Form;
  /** A file upload instead of a form. */
  upload?: (d: Data) => { name: string; mimeType: string; buffer: Buffer };
  /** Refused for a reason other than the reach (another admin's own import): not a reach.refused row. */
  unaudited?: true;
  /** What the 山西 coordinator may be answered. */
  shanxi: number[];
  /** For pages they may open: 山东 names and numbers that must not be on it. */
  leaks?: (d: Data) => string[];
  /** The national admin's answer on the same page: proves the ids are real. */
  national?: number;
}

const userForm = (d: Data): Form => ({ intent: "save", name: "被改的名字", phone: "", email: `x${d.suffix}@example.org`, orgUnitId: d.units.yuncheng, track: "", roles: ["trainee"] });
const personActions = ["save", "deactivate", "reactivate", "link", "unlock", "addUnit", "removeUnit"] as const;
const personCases = (who: "trainee" | "national"): RegionCase[] =>
  personActions.map((intent) => ({
    file: "admin.users.$userId.tsx",
    intent,
    path: (d) => `/admin/users/${who === "trainee" ? d.trainee.id : d.nationalAdminId}`,
    form: (d) => (intent === "save" ? userForm(d) : { intent, orgUnitId: d.units.yuncheng }),
    shanxi: [404],
  }));

const cases: RegionCase[] = [
  { file: "admin._index.tsx", path: () => "/admin", shanxi: [200] },
  { file: "admin.users._index.tsx", path: (d) => `/admin/users?q=${d.trainee.phone}`, shanxi: [200], leaks: (d) => [d.trainee.name], national: 200 },
  { file: "admin.users._index.tsx", path: (d) => `/admin/users?region=${d.units.shandong}`, shanxi: [200], leaks: (d) => [d.trainee.name, d.mentorName] },
  // The lists the home page's figures open: filtered inside the reach, never wider.
  { file: "admin.users._index.tsx", path: (d) => `/admin/users?attention=invited&region=${d.units.shandong}`, shanxi: [200], leaks: (d) => [d.trainee.name, d.mentorName], national: 200 },
  { file: "admin.users._index.tsx", path: () => "/admin/users?attention=stalled", shanxi: [200], leaks: (d) => [d.trainee.name], national: 200 },
  { file: "admin.users.$userId.tsx", path: (d) => `/admin/users/${d.trainee.id}`, shanxi: [404], national: 200 },
  { file: "admin.users.$userId.tsx", path: (d) => `/admin/users/${d.nationalAdminId}`, shanxi: [404] },
  ...personCases("trainee"),
  ...personCases("national"),
  // Unit labels name the path from the root (全国工作组 / 山西省 / …); no unit of 山东 is offered.
  // One box for people, units and certificates: 山东's trainee, unit and certificate are not found.
  { file: "admin.search.tsx", path: (d) => `/admin/search?q=${d.trainee.phone}`, shanxi: [200], leaks: (d) => [d.trainee.name], national: 200 },
  { file: "admin.search.tsx", path: () => `/admin/search?q=${encodeURIComponent("烟台")}`, shanxi: [200], leaks: () => ["烟台市"], national: 200 },
  { file: "admin.search.tsx", path: (d) => `/admin/search?q=${d.certificate.number}`, shanxi: [200], leaks: (d) => [d.trainee.name], national: 200 },
  { file: "admin.users.new.tsx", path: () => "/admin/users/new", shanxi: [200], leaks: () => ["山东省", "烟台市"] },
  {
    file: "admin.users.new.tsx",
    intent: "(action)",
    path: () => "/admin/users/new",
    form: (d) => ({ name: "越权学员", phone: `139${d.suffix.slice(0, 8)}`, email: "", orgUnitId: d.units.school, track: "campus", roles: ["trainee"] }),
    shanxi: [403],
  },
  {
    file: "admin.users.new.tsx",
    intent: "(action)",
    path: () => "/admin/users/new",
    form: (d) => ({ name: "影子国家管理员", phone: `138${d.suffix.slice(0, 8)}`, email: "", orgUnitId: d.units.root, track: "", roles: ["admin"] }),
    shanxi: [403],
  },
  { file: "admin.users.import._index.tsx", path: () => "/admin/users/import", shanxi: [200] },
  // The preview is made (302), with the row refused in it: nobody is created (checked by the snapshot).
  {
    file: "admin.users.import._index.tsx",
    intent: "(action)",
    path: () => "/admin/users/import",
    upload: (d) => ({ name: "roster.csv", mimeType: "text/csv", buffer: Buffer.from(`姓名,手机号,邮箱,角色,单位,条线\n影子国家管理员,136${d.suffix.slice(0, 8)},,管理员,全国工作组,\n`) }),
    shanxi: [302],
  },
  { file: "admin.users.import.template[.]csv.tsx", path: () => "/admin/users/import/template.csv", shanxi: [200] },
  { file: "admin.users.import.template[.]xlsx.tsx", path: () => "/admin/users/import/template.xlsx", shanxi: [200] },
  { file: "admin.users.import.$importId.tsx", path: (d) => `/admin/users/import/${d.nationalImportId}`, shanxi: [404], national: 200 },
  // Another admin's import: a 404, audited (it names people of another region).
  { file: "admin.users.import.$importId.tsx", intent: "import", path: (d) => `/admin/users/import/${d.nationalImportId}`, form: () => ({ intent: "import" }), shanxi: [404] },
  { file: "admin.users.import.$importId.tsx", intent: "links", path: (d) => `/admin/users/import/${d.nationalImportId}`, form: () => ({ intent: "links" }), shanxi: [404] },
  { file: "admin.users.import.$importId.rejected[.]csv.tsx", path: (d) => `/admin/users/import/${d.nationalImportId}/rejected.csv`, shanxi: [404] },
  { file: "admin.users.import.$importId.links[.]csv.tsx", path: (d) => `/admin/users/import/${d.nationalImportId}/links.csv`, shanxi: [404] },
  { file: "admin.users.import.$importId_.sheet.tsx", path: (d) => `/admin/users/import/${d.nationalImportId}/sheet`, shanxi: [404], national: 200 },
  { file: "admin.orgs.tsx", path: () => "/admin/orgs", shanxi: [200], leaks: () => ["山东省", "烟台市"], national: 200 },
  { file: "admin.orgs.tsx", intent: "create", path: () => "/admin/orgs", form: (d) => ({ intent: "create", parentId: d.units.shandong, name: `越权市${d.suffix}` }), shanxi: [404] },
  { file: "admin.orgs.tsx", intent: "rename", path: () => "/admin/orgs", form: (d) => ({ intent: "rename", id: d.units.shandong, name: "被改名的省" }), shanxi: [404] },
  { file: "admin.orgs.tsx", intent: "move", path: () => "/admin/orgs", form: (d) => ({ intent: "move", id: d.units.yantai, newParentId: d.units.shanxi }), shanxi: [404] },
  { file: "admin.orgs.tsx", intent: "archive", path: () => "/admin/orgs", form: (d) => ({ intent: "archive", id: d.units.yantai, confirm: "yes" }), shanxi: [404] },
  // Their own unit: the page exists for them, so a message (400), not a 404.
  { file: "admin.orgs.tsx", intent: "rename", path: () => "/admin/orgs", form: (d) => ({ intent: "rename", id: d.units.shanxi, name: "晋" }), shanxi: [400] },
  { file: "admin.orgs.tsx", intent: "move", path: () => "/admin/orgs", form: (d) => ({ intent: "move", id: d.units.yuncheng, newParentId: d.units.shandong }), shanxi: [400] },
  { file: "admin.deliveries.tsx", path: () => "/admin/deliveries?status=failed", shanxi: [200], leaks: (d) => [d.trainee.name, d.trainee.phone], national: 200 },
  { file: "admin.deliveries.tsx", intent: "resend", path: () => "/admin/deliveries", form: (d) => ({ intent: "resend", id: d.deliveryId }), shanxi: [404] },
  // Reminder switches: their own region's page; 山东's unit and the national root are not theirs to see or switch.
  { file: "admin.reminders.tsx", path: () => "/admin/reminders", shanxi: [200], leaks: () => ["山东省", "烟台市"], national: 200 },
  { file: "admin.reminders.tsx", path: (d) => `/admin/reminders?unit=${d.units.shandong}`, shanxi: [404], national: 200 },
  { file: "admin.reminders.tsx", intent: "set", path: () => "/admin/reminders", form: (d) => ({ intent: "set", orgUnitId: d.units.shandong, kind: "reminder.cohort_due", to: "off" }), shanxi: [404] },
  { file: "admin.reminders.tsx", intent: "set", path: () => "/admin/reminders", form: (d) => ({ intent: "set", orgUnitId: d.units.root, kind: "reminder.session_tomorrow", to: "off" }), shanxi: [404] },
  { file: "admin.audit.tsx", path: () => "/admin/audit?action=user", shanxi: [200], leaks: (d) => [d.trainee.id.slice(0, 8)], national: 200 },
  { file: "admin.assignments.tsx", path: () => "/admin/assignments", shanxi: [200], leaks: (d) => [d.trainee.name, d.mentorName], national: 200 },
  { file: "admin.assignments.tsx", path: () => "/admin/assignments?overdue=1", shanxi: [200], leaks: (d) => [d.trainee.name, d.mentorName], national: 200 },
  { file: "admin.assignments.tsx", intent: "(action)", path: () => "/admin/assignments", form: (d) => ({ submissionId: d.openId, mentorId: d.shanxiAdmin.id, role: "marker" }), shanxi: [404, 409] },
  { file: "admin.calibration.tsx", path: () => "/admin/calibration", shanxi: [200], leaks: (d) => [d.mentorName], national: 200 },
  { file: "admin.calibration.tsx", intent: "(action)", path: () => "/admin/calibration", form: (d) => ({ submissionId: d.passedId }), shanxi: [404] },
  // The search box echoes the number typed; the holder's name is what must not appear.
  { file: "admin.certificates.tsx", path: (d) => `/admin/certificates?q=${d.certificate.number}`, shanxi: [200], leaks: (d) => [d.trainee.name], national: 200 },
  { file: "admin.certificates.tsx", path: () => "/admin/certificates?status=expiring", shanxi: [200], leaks: (d) => [d.trainee.name], national: 200 },
  { file: "admin.certificates.tsx", intent: "issue", path: () => "/admin/certificates", form: (d) => ({ intent: "issue", candidate: `${d.trainee.id}|campus|practitioner` }), shanxi: [404] },
  { file: "admin.certificates.tsx", intent: "issueAll", path: () => "/admin/certificates", form: (d) => ({ intent: "issueAll", region: d.units.shandong, track: "campus", tier: "practitioner" }), shanxi: [400, 409] },
  { file: "admin.certificates.tsx", intent: "revoke", path: () => "/admin/certificates", form: (d) => ({ intent: "revoke", certificateId: d.certificate.id, reason: "越权撤销" }), shanxi: [404] },
  { file: "admin.certificates.tsx", intent: "reissue", path: () => "/admin/certificates", form: (d) => ({ intent: "reissue", certificateId: d.certificate.id }), shanxi: [404] },
  // The search box echoes what was typed; the people, units and holders found must not leak.
  { file: "admin.search.tsx", path: (d) => `/admin/search?q=${d.certificate.number}`, shanxi: [200], leaks: (d) => [d.trainee.name], national: 200 },
  { file: "admin.search.tsx", path: () => `/admin/search?q=${encodeURIComponent("烟台")}`, shanxi: [200], leaks: () => ["烟台市"], national: 200 },
  { file: "admin.showcase.tsx", path: () => "/admin/showcase", shanxi: [200], leaks: (d) => [d.trainee.name], national: 200 },
  { file: "admin.showcase.tsx", intent: "approve", path: () => "/admin/showcase", form: (d) => ({ intent: "approve", submissionId: d.passedId }), shanxi: [404] },
  { file: "admin.showcase.tsx", intent: "reject", path: () => "/admin/showcase", form: (d) => ({ intent: "reject", submissionId: d.passedId }), shanxi: [404] },
  { file: "admin.outcomes._index.tsx", path: (d) => `/admin/outcomes?region=${d.units.shandong}`, shanxi: [403], national: 200 },
  { file: "admin.outcomes._index.tsx", intent: "target", path: (d) => `/admin/outcomes?region=${d.units.shandong}`, form: () => ({ intent: "target", indicatorId: "campus-y1-students", target: "1" }), shanxi: [403] },
  { file: "admin.outcomes._index.tsx", intent: "milestone", path: (d) => `/admin/outcomes?region=${d.units.shandong}`, form: (d) => ({ intent: "milestone", orgUnitId: d.units.school, milestone: "standardised", evidence: "越权标记的规范化建设证据材料" }), shanxi: [403] },
  { file: "admin.outcomes.$indicatorId.tsx", path: (d) => `/admin/outcomes/campus-y1-students?region=${d.units.shandong}`, shanxi: [403], national: 200 },
  { file: "admin.exports.tsx", path: (d) => `/admin/exports?region=${d.units.shandong}`, shanxi: [403], national: 200 },
  { file: "admin.exports.tsx", intent: "(action)", path: () => "/admin/exports", form: (d) => ({ kind: "trainees", region: d.units.shandong, track: "campus" }), shanxi: [403] },
  { file: "admin.exports.$exportId[.]csv.tsx", path: (d) => `/admin/exports/${d.nationalExportId}.csv`, shanxi: [404] },
  { file: "mentor._index.tsx", path: () => "/mentor?status=all", shanxi: [200], leaks: (d) => [d.trainee.name], national: 200 },
  { file: "mentor.submissions.$submissionId.tsx", path: (d) => `/mentor/submissions/${d.openId}`, shanxi: [404], national: 200 },
  { file: "mentor.submissions.$submissionId.tsx", intent: "grade", path: (d) => `/mentor/submissions/${d.openId}`, form: () => ({ intent: "grade", decision: "pass", comment: "越权评分" }), shanxi: [404] },
  { file: "mentor.submissions.$submissionId.tsx", intent: "nominate", path: (d) => `/mentor/submissions/${d.passedId}`, form: () => ({ intent: "nominate", reason: "越权推荐" }), shanxi: [404] },
  { file: "files.$fileId.tsx", path: (d) => `/files/${d.evidenceId}`, shanxi: [404], national: 200 },
  { file: "certificates.$certificateId[.]pdf.tsx", path: (d) => `/certificates/${d.certificate.id}.pdf`, shanxi: [404], national: 200 },
  { file: "certificates.$certificateId.credential.tsx", path: (d) => `/certificates/${d.certificate.id}/credential`, shanxi: [404] },
  { file: "admin.cohorts._index.tsx", path: () => "/admin/cohorts", shanxi: [200], leaks: (d) => [d.cohort.name, "山东省"], national: 200 },
  {
    file: "admin.cohorts._index.tsx",
    intent: "(action)",
    path: () => "/admin/cohorts",
    form: (d) => ({ name: "越权期次", orgUnitId: d.units.shandong, track: "campus", tier: "foundation", programmeYear: "1", startsOn: "2026-09-01", endsOn: "2027-06-30" }),
    shanxi: [400],
  },
  { file: "admin.cohorts.$cohortId.tsx", path: (d) => `/admin/cohorts/${d.cohort.id}`, shanxi: [404], national: 200 },
  { file: "admin.cohorts.$cohortId.tsx", intent: "save", path: (d) => `/admin/cohorts/${d.cohort.id}`, form: () => ({ intent: "save", name: "被改的期次", startsOn: "2026-09-01", endsOn: "2027-06-30" }), shanxi: [404] },
  { file: "admin.cohorts.$cohortId.tsx", intent: "add", path: (d) => `/admin/cohorts/${d.cohort.id}`, form: (d) => ({ intent: "add", userId: d.trainee.id }), shanxi: [404] },
  { file: "admin.cohorts.$cohortId.tsx", intent: "remove", path: (d) => `/admin/cohorts/${d.cohort.id}`, form: (d) => ({ intent: "remove", userId: d.trainee.id }), shanxi: [404] },
  { file: "admin.cohorts.$cohortId.tsx", intent: "code", path: (d) => `/admin/cohorts/${d.cohort.id}`, form: () => ({ intent: "code", maxUses: "5" }), shanxi: [404] },
  { file: "admin.cohorts.$cohortId.tsx", intent: "revoke", path: (d) => `/admin/cohorts/${d.cohort.id}`, form: (d) => ({ intent: "revoke", codeId: d.cohort.codeId }), shanxi: [404] },
  { file: "admin.cohorts.$cohortId.tsx", intent: "decide", path: (d) => `/admin/cohorts/${d.cohort.id}`, form: (d) => ({ intent: "decide", requestId: d.cohort.requestId, decision: "approve" }), shanxi: [404] },
  {
    file: "admin.cohorts.$cohortId.tsx",
    intent: "import",
    path: (d) => `/admin/cohorts/${d.cohort.id}`,
    upload: (d) => ({ name: "roster.csv", mimeType: "text/csv", buffer: Buffer.from(`姓名,手机号\n${d.trainee.name},${d.trainee.phone}\n`) }),
    shanxi: [404],
  },
  { file: "admin.cohorts.$cohortId_.progress.tsx", path: (d) => `/admin/cohorts/${d.cohort.id}/progress`, shanxi: [404], national: 200 },
  {
    file: "admin.cohorts.$cohortId_.progress.tsx",
    intent: "message",
    path: (d) => `/admin/cohorts/${d.cohort.id}/progress`,
    form: () => ({ intent: "message", messageId: "6f1c2a4e-3b5d-4e7f-9a1b-2c3d4e5f6a7b", title: "越权通知", body: "越权发给山东期次的通知" }),
    shanxi: [404],
  },
  { file: "admin.cohorts.$cohortId_.progress[.]csv.tsx", path: (d) => `/admin/cohorts/${d.cohort.id}/progress.csv`, shanxi: [404], national: 200 },
  { file: "admin.cohorts.$cohortId_.progress[.]xlsx.tsx", path: (d) => `/admin/cohorts/${d.cohort.id}/progress.xlsx`, shanxi: [404], national: 200 },
  { file: "admin.cohorts.$cohortId_.attendance[.]csv.tsx", path: (d) => `/admin/cohorts/${d.cohort.id}/attendance.csv`, shanxi: [404], national: 200 },
  { file: "admin.cohorts.$cohortId_.attendance[.]xlsx.tsx", path: (d) => `/admin/cohorts/${d.cohort.id}/attendance.xlsx`, shanxi: [404], national: 200 },
  { file: "admin.sessions._index.tsx", path: () => "/admin/sessions", shanxi: [200], leaks: () => ["鲁的团体督导"], national: 200 },
  {
    file: "admin.sessions._index.tsx",
    intent: "(action)",
    path: () => "/admin/sessions",
    form: (d) => ({ title: "越权活动", kind: "lecture", for: `unit:${d.units.shandong}`, date: "2030-01-10", start: "09:00", end: "10:00", place: "烟台", capacity: "10" }),
    shanxi: [400],
  },
  { file: "admin.sessions.$sessionId.tsx", path: (d) => `/admin/sessions/${d.sessionId}`, shanxi: [404], national: 200 },
  { file: "admin.sessions.$sessionId.tsx", intent: "mark", path: (d) => `/admin/sessions/${d.sessionId}`, form: (d) => ({ intent: "mark", userId: d.trainee.id, status: "absent", note: "" }), shanxi: [404] },
  { file: "admin.sessions.$sessionId.tsx", intent: "enrol", path: (d) => `/admin/sessions/${d.sessionId}`, form: (d) => ({ intent: "enrol", userId: d.trainee.id }), shanxi: [404] },
  { file: "admin.sessions.$sessionId.tsx", intent: "cancelFor", path: (d) => `/admin/sessions/${d.sessionId}`, form: (d) => ({ intent: "cancelFor", userId: d.trainee.id }), shanxi: [404] },
  {
    file: "admin.sessions.$sessionId.tsx",
    intent: "sheet",
    path: (d) => `/admin/sessions/${d.sessionId}`,
    upload: () => ({ name: "签到表.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n", "latin1") }),
    shanxi: [404],
  },
  { file: "admin.sessions.$sessionId.tsx", intent: "removeSheet", path: (d) => `/admin/sessions/${d.sessionId}`, form: (d) => ({ intent: "removeSheet", sheetId: d.sheetId }), shanxi: [404] },
  // The sheet's bytes are not on this server's disk (the row is arranged): the national answer is not checked.
  { file: "admin.sessions.$sessionId.sheets.$sheetId.tsx", path: (d) => `/admin/sessions/${d.sessionId}/sheets/${d.sheetId}`, shanxi: [404] },
  { file: "admin.sessions.$sessionId_.checkin.tsx", path: (d) => `/admin/sessions/${d.sessionId}/checkin`, shanxi: [404], national: 200 },
  { file: "admin.sessions.$sessionId.attendance[.]csv.tsx", path: (d) => `/admin/sessions/${d.sessionId}/attendance.csv`, shanxi: [404], national: 200 },
  { file: "admin.sessions.$sessionId.attendance[.]xlsx.tsx", path: (d) => `/admin/sessions/${d.sessionId}/attendance.xlsx`, shanxi: [404], national: 200 },
  { file: "server.ts:/admin/queues", path: () => "/admin/queues", shanxi: [403], national: 200 },
];

/** Intents a route file's forms can post: every element with name="intent", and declared intent lists. */
function intentsIn(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/name="intent"/g)) {
    const start = source.lastIndexOf("<", m.index);
    const value = /value="([A-Za-z]+)"/.exec(source.slice(start, m.index + 400));
    if (value) found.add(value[1]!);
  }
  for (const m of source.matchAll(/export const intents = \[([^\]]*)\]/g)) for (const v of m[1]!.matchAll(/"([A-Za-z]+)"/g)) found.add(v[1]!);
  return [...found].sort();
}

const adminRouteFile = (f: string) => f.startsWith("admin.") || ["mentor._index.tsx", "mentor.submissions.$submissionId.tsx", "files.$fileId.tsx"].includes(f) || f.startsWith("certificates.");

test("every admin route and every action intent is in the region table", () => {
  const files = readdirSync("app/routes").filter(adminRouteFile);
  const missing: string[] = [];
  for (const file of files) {
    const source = readFileSync(path.join("app/routes", file), "utf8");
    const mine = cases.filter((c) => c.file === file);
    if (!mine.some((c) => !c.intent)) missing.push(`${file}: its page`);
    if (/export async function action/.test(source)) {
      const intents = intentsIn(source);
      if (intents.length === 0 && !mine.some((c) => c.intent === "(action)")) missing.push(`${file}: its action`);
      for (const intent of intents) if (!mine.some((c) => c.intent === intent)) missing.push(`${file}: intent ${intent}`);
    }
  }
  expect(missing).toEqual([]);
});

async function arrange(): Promise<Data> {
  const db = new pg.Client({ connectionString: readFileSync(".cache/e2e-database-url", "utf8").trim() });
  const dataDir = readFileSync(".cache/e2e-data-dir", "utf8").trim();
  await db.connect();
  try {
    const suffix = randomBytes(5).toString("hex").replace(/[a-f]/g, (c) => String(c.charCodeAt(0) % 10));
    const unit = async (name: string) => (await db.query<{ id: string }>("select id from org_units where name = $1", [name])).rows[0]!.id;
    const units = {
      root: await unit("全国工作组"),
      shanxi: await unit("山西省"),
      yuncheng: await unit("运城市"),
      shandong: await unit("山东省"),
      yantai: await unit("烟台市"),
      school: await unit("芝罘区第二实验小学"),
    };
    const password = `山西协调员的密码${suffix}`;
    const passwordHash = await hash(password, { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const person = async (name: string, contact: { phone?: string; email?: string }, org: string, roles: string[], track: string | null) => {
      const id = (
        await db.query<{ id: string }>("insert into users (name, phone, email, org_unit_id, track, password_hash) values ($1, $2, $3, $4, $5, $6) returning id", [
          name,
          contact.phone ?? null,
          contact.email ?? null,
          org,
          track,
          passwordHash,
        ])
      ).rows[0]!.id;
      for (const role of roles) await db.query("insert into user_roles (user_id, role) values ($1, $2)", [id, role]);
      if (roles.includes("mentor")) await db.query("insert into mentor_units (mentor_id, org_unit_id) values ($1, $2)", [id, org]);
      return id;
    };
    const email = `shanxi-${suffix}@example.org`;
    const shanxiAdminId = await person(`晋协调员${suffix}`, { email }, units.shanxi, ["admin"], null);
    const trainee = { name: `鲁学员${suffix}`, phone: `137${suffix.slice(0, 8)}`, id: "" };
    trainee.id = await person(trainee.name, { phone: trainee.phone }, units.school, ["trainee"], "campus");
    const mentorName = `烟台导师${suffix}`;
    await person(mentorName, { email: `yt-mentor-${suffix}@example.org` }, units.yantai, ["mentor"], "campus");
    const nationalAdminId = (await db.query<{ id: string }>("select id from users where email = $1", [demo.admin])).rows[0]!.id;

    const task = async (type: string) =>
      (
        await db.query<{ id: string; version: number; module_id: string }>(
          "select t.id, t.version, t.module_id from tasks t join course_modules m on m.id = t.module_id where t.is_current and m.track = 'campus' and m.tier = 'foundation' and t.type = $1 limit 1",
          [type],
        )
      ).rows[0]!;
    const field = await task("field_work");
    const passedId = (
      await db.query<{ id: string }>(
        `insert into submissions (user_id, task_id, task_version, module_id, track, tier, type, status, score, activity_title, activity_date, org_unit_id, audience_type, people_reached, consent_confirmed, showcase_consent, submitted_at, decided_at, attempts_used)
         values ($1, $2, $3, $4, 'campus', 'foundation', 'field_work', 'passed', 91, $5, '2026-11-10', $6, 'students', 40, true, true, now(), now(), 1) returning id`,
        [trainee.id, field.id, field.version, field.module_id, `鲁的班会${suffix}`, units.school],
      )
    ).rows[0]!.id;
    const practitioner = (
      await db.query<{ id: string; version: number; module_id: string }>(
        "select t.id, t.version, t.module_id from tasks t join course_modules m on m.id = t.module_id where t.is_current and m.track = 'campus' and m.tier = 'practitioner' and t.type = 'work_product' limit 1",
      )
    ).rows[0]!;
    const openId = (
      await db.query<{ id: string }>(
        `insert into submissions (user_id, task_id, task_version, module_id, track, tier, type, status, body, consent_confirmed, submitted_at, attempts_used)
         values ($1, $2, $3, $4, 'campus', 'practitioner', 'work_product', 'submitted', '{"text":"作业"}', true, now() - interval '6 days', 1) returning id`,
        [trainee.id, practitioner.id, practitioner.version, practitioner.module_id],
      )
    ).rows[0]!.id;
    const store = (key: string, bytes: Buffer) => {
      mkdirSync(path.dirname(path.join(dataDir, "uploads", key)), { recursive: true });
      writeFileSync(path.join(dataDir, "uploads", key), bytes);
    };
    const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
    const evidenceKey = `evidence/e2e/${passedId}.png`;
    store(evidenceKey, png);
    const evidenceId = (
      await db.query<{ id: string }>(
        "insert into evidence_files (submission_id, owner_id, kind, storage_key, mime_type, size_bytes, sha256, original_name) values ($1, $2, 'photo', $3, 'image/png', $4, 'e2e', '活动照片.png') returning id",
        [passedId, trainee.id, evidenceKey, png.length],
      )
    ).rows[0]!.id;
    const mentorId = (await db.query<{ id: string }>("select id from users where email = $1", [demo.mentor])).rows[0]!.id;
    await db.query("insert into showcase_items (submission_id, nominated_by, reason) values ($1, $2, '优秀')", [passedId, mentorId]);
    const pdfKey = `certificates/e2e/${passedId}.pdf`;
    store(pdfKey, Buffer.from("%PDF-1.7\n%%EOF\n"));
    const number = `BC-2026-${suffix.slice(0, 4)}-${suffix.slice(4, 8)}`.replace(/[01]/g, "7");
    const certificateId = (
      await db.query<{ id: string }>(
        "insert into certificates (number, user_id, track, tier, name_on_certificate, pdf_key, rendered_at, valid_until) values ($1, $2, 'campus', 'foundation', $3, $4, now(), now() + interval '30 days') returning id",
        [number, trainee.id, trainee.name, pdfKey],
      )
    ).rows[0]!.id;
    const nationalImportId = (
      await db.query<{ id: string }>("insert into user_imports (created_by, file_name, rows) values ($1, 'national.csv', '[]') returning id", [nationalAdminId])
    ).rows[0]!.id;
    const exportKey = `exports/e2e/${suffix}.csv`;
    store(exportKey, Buffer.from("\uFEFF姓名\n"));
    const nationalExportId = (
      await db.query<{ id: string }>(
        "insert into exports (kind, params, status, file_key, created_by, finished_at) values ('trainees', $1, 'done', $2, $3, now()) returning id",
        [JSON.stringify({ regionPath: (await db.query<{ path: string }>("select path from org_units where id = $1", [units.shandong])).rows[0]!.path }), exportKey, nationalAdminId],
      )
    ).rows[0]!.id;
    const cohortName = `鲁期次${suffix}`;
    const cohortId = (
      await db.query<{ id: string }>(
        "insert into cohorts (name, track, tier, org_unit_id, programme_year, starts_on, ends_on) values ($1, 'campus', 'foundation', $2, 1, '2026-09-01', '2027-06-30') returning id",
        [cohortName, units.shandong],
      )
    ).rows[0]!.id;
    const codeId = (await db.query<{ id: string }>("insert into cohort_join_codes (cohort_id, code, max_uses, used_count) values ($1, $2, 5, 1) returning id", [cohortId, `LU${suffix.slice(0, 6)}`])).rows[0]!.id;
    const requestId = (await db.query<{ id: string }>("insert into cohort_join_requests (cohort_id, user_id, code_id) values ($1, $2, $3) returning id", [cohortId, trainee.id, codeId])).rows[0]!.id;
    const deliveryId = (
      await db.query<{ id: string }>(
        "insert into deliveries (event_id, user_id, channel, template, address, status, error, attempts) values ($1, $2, 'sms', 'submission.returned', $3, 'failed', 'isv.BUSINESS_LIMIT_CONTROL', 4) returning id",
        [`e2e-${suffix}`, trainee.id, trainee.phone],
      )
    ).rows[0]!.id;
    const sessionId = (
      await db.query<{ id: string }>(
        "insert into training_sessions (org_unit_id, kind, title, starts_at, ends_at, place, capacity, checkin_secret) values ($1, 'group_supervision', '鲁的团体督导', now() + interval '10 days', now() + interval '10 days 2 hours', '烟台', 10, $2) returning id",
        [units.shandong, randomBytes(32).toString("hex")],
      )
    ).rows[0]!.id;
    await db.query("insert into session_enrolments (session_id, user_id, status) values ($1, $2, 'enrolled')", [sessionId, trainee.id]);
    const sheetId = (
      await db.query<{ id: string }>(
        "insert into session_sheets (session_id, storage_key, mime_type, size_bytes, sha256, original_name) values ($1, $2, 'image/png', 100, $3, '鲁签到表.png') returning id",
        [sessionId, `ev/2026/11/${randomBytes(16).toString("hex")}.png`, randomBytes(32).toString("hex")],
      )
    ).rows[0]!.id;
    return {
      sessionId,
      sheetId,
      cohort: { id: cohortId, name: cohortName, codeId, requestId },
      deliveryId,
      suffix,
      shanxiAdmin: { id: shanxiAdminId, email, password },
      nationalAdminId,
      trainee,
      mentorName,
      units,
      passedId,
      openId,
      evidenceId,
      certificate: { id: certificateId, number },
      nationalImportId,
      nationalExportId,
    };
  } finally {
    await db.end();
  }
}

/** Everything a refused action could have changed, as one comparable snapshot. */
async function snapshot(d: Data): Promise<string> {
  const db = new pg.Client({ connectionString: readFileSync(".cache/e2e-database-url", "utf8").trim() });
  await db.connect();
  try {
    const people = [d.trainee.id, d.nationalAdminId];
    const queries: Array<[string, unknown[]]> = [
      ["select id, name, status, org_unit_id, phone, email from users where id = any($1) order by id", [people]],
      ["select user_id, role from user_roles where user_id = any($1) order by 1, 2", [people]],
      ["select count(*) from access_tokens where user_id = any($1)", [people]],
      ["select mentor_id, org_unit_id from mentor_units where mentor_id = any($1) order by 1, 2", [people]],
      ["select id, name, parent_id, path, archived_at from org_units where path like (select path from org_units where id = $1) || '%' or id = $2 order by id", [d.units.shandong, d.units.shanxi]],
      ["select id, status, revoked_reason from certificates where user_id = $1 order by id", [d.trainee.id]],
      ["select submission_id, status from showcase_items where submission_id = any($1)", [[d.passedId, d.openId]]],
      ["select count(*) from grades where submission_id = any($1)", [[d.passedId, d.openId]]],
      ["select submission_id, mentor_id, released_at from submission_assignments where submission_id = any($1) order by 1, 2", [[d.passedId, d.openId]]],
      ["select count(*) from calibration_anchors where submission_id = any($1)", [[d.passedId, d.openId]]],
      ["select id, status from submissions where id = any($1) order by id", [[d.passedId, d.openId]]],
      ["select indicator_id, target from indicator_targets where org_unit_id = $1", [d.units.shandong]],
      ["select count(*) from org_milestones where org_unit_id = $1", [d.units.school]],
      ["select count(*) from exports where created_by = $1", [d.shanxiAdmin.id]],
      ["select count(*) from users where name in ('越权学员', '影子国家管理员')", []],
      ["select id, name, starts_on, ends_on, late_work_accepted from cohorts where id = $1", [d.cohort.id]],
      ["select count(*) from cohorts where name = '越权期次'", []],
      ["select user_id, left_at from cohort_members where cohort_id = $1 order by 1", [d.cohort.id]],
      ["select id, used_count, revoked_at from cohort_join_codes where cohort_id = $1 order by 1", [d.cohort.id]],
      ["select id, status from cohort_join_requests where cohort_id = $1 order by 1", [d.cohort.id]],
      ["select user_id, status from session_enrolments where session_id = $1 order by 1", [d.sessionId]],
      ["select user_id, status from session_attendance where session_id = $1 order by 1", [d.sessionId]],
      ["select count(*) from training_sessions where title = '越权活动'", []],
      ["select count(*) from cohort_messages where cohort_id = $1", [d.cohort.id]],
      ["select count(*) from notifications where user_id = $1 and kind = 'cohort.message'", [d.trainee.id]],
      ["select org_unit_id, kind from reminder_switches where org_unit_id = $1 or org_unit_id in (select id from org_units where path like (select path from org_units where id = $2) || '%') order by 1, 2", [d.units.root, d.units.shandong]],
    ];
    const parts = [];
    // One client, one query at a time.
    for (const [text, values] of queries) parts.push(await db.query(text, values));
    return JSON.stringify(parts.map((p) => p.rows));
  } finally {
    await db.end();
  }
}

async function refusalsBy(userId: string): Promise<number> {
  const db = new pg.Client({ connectionString: readFileSync(".cache/e2e-database-url", "utf8").trim() });
  await db.connect();
  try {
    return Number((await db.query("select count(*) as n from audit_events where action = 'reach.refused' and actor_id = $1", [userId])).rows[0].n);
  } finally {
    await db.end();
  }
}

async function signedIn(baseURL: string, identifier: string, password: string): Promise<APIRequestContext> {
  const ctx = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL } });
  const res = await ctx.post("/login", { form: { identifier, password }, maxRedirects: 0 });
  expect(res.status(), `login as ${identifier}`).toBe(302);
  return ctx;
}

test("a 山西 coordinator is refused everything of 山东 and of the national level, and every refusal is audited", async ({ baseURL }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "HTTP-level check; one browser project is enough");
  test.setTimeout(180_000);
  const d = await arrange();
  const shanxi = await signedIn(baseURL!, d.shanxiAdmin.email, d.shanxiAdmin.password);
  const national = await signedIn(baseURL!, demo.admin, demoPassword);
  // An event of 山东 for the audit page: the national admin makes the trainee a link.
  expect((await national.post(`/admin/users/${d.trainee.id}`, { form: { intent: "link" }, maxRedirects: 0 })).status()).toBe(200);

  const before = await snapshot(d);
  const refusedBefore = await refusalsBy(d.shanxiAdmin.id);
  const failures: string[] = [];
  let refusedActions = 0;
  for (const c of cases) {
    const path = c.path(d);
    const label = `${c.file} ${c.intent ?? "GET"} ${path}`;
    const res = c.upload
      ? await shanxi.post(path, { multipart: { file: c.upload(d) }, maxRedirects: 0 })
      : c.form
        ? await shanxi.post(path, { form: toForm(c.form(d)), maxRedirects: 0 })
        : await shanxi.get(path, { maxRedirects: 0 });
    if (!c.shanxi.includes(res.status())) failures.push(`${label}: ${res.status()} (expected ${c.shanxi.join(" or ")})`);
    if ((c.form || c.upload) && !c.unaudited && (res.status() === 403 || res.status() === 404)) refusedActions += 1;
    if (c.leaks && res.status() === 200) {
      const body = await res.text();
      for (const leak of c.leaks(d)) if (body.includes(leak)) failures.push(`${label}: shows “${leak}”`);
    }
  }
  expect(failures).toEqual([]);
  expect(await snapshot(d), "nothing of 山东 or the national level changed").toBe(before);
  expect(await refusalsBy(d.shanxiAdmin.id)).toBeGreaterThanOrEqual(refusedBefore + refusedActions);

  // The same pages answer the national admin: the ids above are real, so the 404s are the reach rule's.
  for (const c of cases.filter((x) => x.national !== undefined && !x.form)) {
    const res = await national.get(c.path(d), { maxRedirects: 0 });
    expect(res.status(), `national admin: ${c.file} ${c.path(d)}`).toBe(c.national);
    if (c.leaks && c.file !== "admin.users._index.tsx" && c.file !== "admin.orgs.tsx") {
      const body = await res.text();
      expect(c.leaks(d).some((leak) => body.includes(leak)), `national admin sees 山东 on ${c.path(d)}`).toBe(true);
    }
  }
  await shanxi.dispose();
  await national.dispose();
});

/** Playwright's form body; repeated keys (roles) need a FormData. */
function toForm(form: Form): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(form)) for (const item of Array.isArray(v) ? v : [v]) data.append(k, item);
  return data;
}
