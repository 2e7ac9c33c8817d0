import { randomInt } from "node:crypto";
import { catalog } from "~/catalog/catalog.server";
import { normaliseEmail, normalisePhone } from "~/domain/contact";
import { checkCohort, joinCodeAlphabet, joinCodeProblem, normaliseJoinCode, type CohortDraft, type CohortFieldError, type JoinCodeProblem } from "~/domain/cohorts";
import { inReach, type Reach } from "~/domain/reach";
import { sniffRoster } from "~/domain/roster-file";
import { columnHeaders, decodeCsvBytes, parseCsv, type CsvRecord } from "~/domain/user-import";
import { recordAudit } from "~/models/audit.server";
import {
  addMember,
  decideJoinRequest,
  endMembership,
  getCohort,
  insertCohort,
  insertJoinCode,
  insertJoinRequest,
  isCurrentMember,
  lockJoinCode,
  peopleForCohort,
  personByContact,
  replaceDueDates,
  revokeJoinCode,
  setLateWorkAccepted,
  updateCohortDates,
  useJoinCode,
  type CohortRow,
} from "~/models/cohorts.server";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { readRosterWorkbook } from "./roster-workbook.server";

// Cohort orchestration: each change is one transaction that checks everything before writing
// anything, and is audited in the same transaction (docs/decisions/023-cohorts-sessions-attendance.md).

export interface CohortActor {
  id: string;
  reach: Reach;
  ip: string | null;
}

/** The catalogue task ids of a track and tier, in course order, with titles (for the due-date form). */
export function tasksOf(track: string, tier: string): Array<{ id: string; title: string; module: string }> {
  return catalog()
    .modules.filter((m) => m.track === track && m.tier === tier)
    .sort((a, b) => a.order - b.order)
    .flatMap((m) => m.tasks.map((t) => ({ id: t.id, title: t.title, module: m.title })));
}

export type CohortWrite = { ok: true; id: string } | { ok: false; errors: Record<string, CohortFieldError> } | { ok: false; outside: true };

/** A new cohort run by `orgUnitId`, which must lie in the actor's reach; with its due dates. */
export async function createCohort(db: Kysely<Database>, actor: CohortActor, draft: CohortDraft, orgUnit: { id: string; path: string } | undefined): Promise<CohortWrite> {
  if (!orgUnit || !inReach(actor.reach, orgUnit.path)) return { ok: false, outside: true };
  const checked = checkCohort(draft, tasksOf(draft.track, draft.tier).map((t) => t.id));
  if (!checked.ok) return checked;
  const id = await db.transaction().execute(async (trx) => {
    const id = await insertCohort(trx, checked.cohort, orgUnit.id, actor.id);
    await replaceDueDates(trx, id, checked.cohort.dueDates);
    await recordAudit(trx, {
      actorId: actor.id,
      action: "cohort.created",
      targetType: "cohort",
      targetId: id,
      ip: actor.ip,
      details: { name: checked.cohort.name, track: checked.cohort.track, tier: checked.cohort.tier, year: checked.cohort.programmeYear, dueDates: checked.cohort.dueDates.length },
    });
    return id;
  });
  return { ok: true, id };
}

/** Changes a cohort's name, dates, due dates and late-work rule; track and tier stay as created. */
export async function saveCohort(db: Kysely<Database>, actor: CohortActor, cohort: CohortRow, draft: Omit<CohortDraft, "track" | "tier" | "programmeYear">, lateWorkAccepted: boolean): Promise<CohortWrite> {
  const checked = checkCohort({ ...draft, track: cohort.track, tier: cohort.tier, programmeYear: String(cohort.programme_year) }, tasksOf(cohort.track, cohort.tier).map((t) => t.id));
  if (!checked.ok) return checked;
  await db.transaction().execute(async (trx) => {
    await getCohort(trx, cohort.id, { forUpdate: true });
    await updateCohortDates(trx, cohort.id, checked.cohort, lateWorkAccepted);
    await replaceDueDates(trx, cohort.id, checked.cohort.dueDates);
    await recordAudit(trx, {
      actorId: actor.id,
      action: "cohort.updated",
      targetType: "cohort",
      targetId: cohort.id,
      ip: actor.ip,
      details: { name: checked.cohort.name, startsOn: checked.cohort.startsOn, endsOn: checked.cohort.endsOn, lateWorkAccepted, dueDates: checked.cohort.dueDates.length },
    });
  });
  return { ok: true, id: cohort.id };
}

export type MemberProblem = "notFound" | "outside" | "notTrainee" | "inactive" | "otherTrack";

/** Whether a person may be a member of this cohort: an active trainee placed in its unit's subtree, on its track. */
function memberProblem(cohort: CohortRow, person: Awaited<ReturnType<typeof peopleForCohort>>[number] | undefined): MemberProblem | null {
  if (!person) return "notFound";
  if (!person.path || !person.path.startsWith(cohort.unit_path)) return "outside";
  if (!person.is_trainee) return "notTrainee";
  if (person.status !== "active") return "inactive";
  if (person.track && person.track !== cohort.track) return "otherTrack";
  return null;
}

/** Adds people chosen from the user list; all or none. */
export async function addMembers(
  db: Kysely<Database>,
  actor: CohortActor,
  cohort: CohortRow,
  userIds: readonly string[],
  via: "admin" | "import",
): Promise<{ ok: true; added: number } | { ok: false; problems: Array<{ userId: string; name: string; problem: MemberProblem }> }> {
  const people = new Map((await peopleForCohort(db, userIds)).map((p) => [p.id, p]));
  const problems = userIds.flatMap((userId) => {
    const person = people.get(userId);
    const problem = memberProblem(cohort, person);
    return problem ? [{ userId, name: person?.name ?? "", problem }] : [];
  });
  if (problems.length) return { ok: false, problems };
  const added = await db.transaction().execute(async (trx) => {
    let added = 0;
    for (const userId of userIds) {
      if (!(await addMember(trx, { cohortId: cohort.id, userId, via, addedBy: actor.id }))) continue;
      added += 1;
      await recordAudit(trx, { actorId: actor.id, action: "cohort.member_added", targetType: "user", targetId: userId, ip: actor.ip, details: { cohortId: cohort.id, cohort: cohort.name, via } });
    }
    return added;
  });
  return { ok: true, added };
}

export async function removeMember(db: Kysely<Database>, actor: CohortActor, cohort: CohortRow, userId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const ended = await endMembership(trx, cohort.id, userId);
    if (ended) await recordAudit(trx, { actorId: actor.id, action: "cohort.member_removed", targetType: "user", targetId: userId, ip: actor.ip, details: { cohortId: cohort.id, cohort: cohort.name } });
    return ended;
  });
}

// ── import by roster ─────────────────────────────────────────────────────────────────────────────

export type RosterRowProblem = "noContact" | "unknownPerson" | MemberProblem;
export type RosterImport =
  | { ok: true; added: number; alreadyMembers: number }
  | { ok: false; fileProblem: string; params?: Record<string, string | number> }
  | { ok: false; rows: Array<{ row: number; value: string; problem: RosterRowProblem }> };

const headerWord = (cell: string) => cell.trim().toLowerCase().replace(/\s+/g, "").replace(/[*＊]/g, "");

/**
 * Adds the people a roster names (the bulk onboarding's file: CSV or .xlsx, with a 手机号 and/or 邮箱
 * column). People are found, not created: every row must name someone already on the platform who
 * may join this cohort. Any refused row refuses the file, so nothing is half-imported.
 */
export async function importMembers(db: Kysely<Database>, actor: CohortActor, cohort: CohortRow, bytes: Uint8Array): Promise<RosterImport> {
  let records: CsvRecord[];
  const kind = sniffRoster(bytes);
  if (kind === "xls") return { ok: false, fileProblem: "import.file.xls" };
  if (kind === "xlsx") {
    const workbook = await readRosterWorkbook(bytes);
    if (!workbook.ok) return { ok: false, fileProblem: workbook.problem.key, params: workbook.problem.params };
    records = workbook.records;
  } else {
    const decoded = decodeCsvBytes(bytes);
    if (!decoded.ok) return { ok: false, fileProblem: decoded.problem.key, params: decoded.problem.params };
    const parsed = parseCsv(decoded.text);
    if (!parsed.ok) return { ok: false, fileProblem: parsed.problem.key, params: parsed.problem.params };
    records = parsed.records;
  }
  const [header, ...rows] = records.filter((r) => r.fields.some((f) => f.trim()));
  if (!header) return { ok: false, fileProblem: "import.file.empty" };
  const phoneAt = header.fields.findIndex((c) => columnHeaders.phone.includes(headerWord(c)));
  const emailAt = header.fields.findIndex((c) => columnHeaders.email.includes(headerWord(c)));
  if (phoneAt < 0 && emailAt < 0) return { ok: false, fileProblem: "cohorts.import.noContactColumn" };
  if (rows.length === 0) return { ok: false, fileProblem: "import.file.empty" };

  const found: Array<{ row: number; value: string; userId: string | null }> = [];
  for (const r of rows) {
    const phoneText = phoneAt >= 0 ? (r.fields[phoneAt] ?? "").trim() : "";
    const emailText = emailAt >= 0 ? (r.fields[emailAt] ?? "").trim() : "";
    const phone = phoneText ? normalisePhone(phoneText) : null;
    const email = emailText ? normaliseEmail(emailText) : null;
    const value = phoneText || emailText;
    if (!phone && !email) {
      found.push({ row: r.row, value, userId: null });
      continue;
    }
    const person = await personByContact(db, { phone, email });
    found.push({ row: r.row, value, userId: person?.id ?? "" });
  }
  const people = new Map((await peopleForCohort(db, found.flatMap((f) => (f.userId ? [f.userId] : [])))).map((p) => [p.id, p]));
  const problems = found.flatMap((f): Array<{ row: number; value: string; problem: RosterRowProblem }> => {
    if (f.userId === null) return [{ row: f.row, value: f.value, problem: "noContact" }];
    if (f.userId === "") return [{ row: f.row, value: f.value, problem: "unknownPerson" }];
    const problem = memberProblem(cohort, people.get(f.userId));
    return problem ? [{ row: f.row, value: f.value, problem }] : [];
  });
  if (problems.length) return { ok: false, rows: problems };
  const ids = [...new Set(found.map((f) => f.userId!))];
  const result = await addMembers(db, actor, cohort, ids, "import");
  if (!result.ok) return { ok: false, rows: result.problems.map((p) => ({ row: 0, value: p.name, problem: p.problem })) };
  return { ok: true, added: result.added, alreadyMembers: ids.length - result.added };
}

// ── join codes ───────────────────────────────────────────────────────────────────────────────────

export function newJoinCode(): string {
  return Array.from({ length: 8 }, () => joinCodeAlphabet[randomInt(joinCodeAlphabet.length)]).join("");
}

export async function createJoinCode(db: Kysely<Database>, actor: CohortActor, cohort: CohortRow, maxUses: number): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const code = newJoinCode();
    await insertJoinCode(trx, { cohortId: cohort.id, code, maxUses, createdBy: actor.id });
    await recordAudit(trx, { actorId: actor.id, action: "cohort.code_created", targetType: "cohort", targetId: cohort.id, ip: actor.ip, details: { cohort: cohort.name, maxUses } });
    return code;
  });
}

export async function withdrawJoinCode(db: Kysely<Database>, actor: CohortActor, cohort: CohortRow, codeId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const done = await revokeJoinCode(trx, cohort.id, codeId);
    if (done) await recordAudit(trx, { actorId: actor.id, action: "cohort.code_revoked", targetType: "cohort", targetId: cohort.id, ip: actor.ip, details: { cohort: cohort.name } });
    return done;
  });
}

export type JoinAnswer = { ok: true; cohortName: string } | { ok: false; problem: JoinCodeProblem | "alreadyMember" | "alreadyAsked" };

/** A trainee asks to join with a code: one use of the code, a pending request for a coordinator. */
export async function requestToJoin(db: Kysely<Database>, user: { id: string; ip: string | null }, typed: string): Promise<JoinAnswer> {
  const code = normaliseJoinCode(typed);
  if (!code || code.length > 20) return { ok: false, problem: "unknown" };
  return db.transaction().execute(async (trx): Promise<JoinAnswer> => {
    const row = await lockJoinCode(trx, code);
    const problem = joinCodeProblem(row ? { revokedAt: row.revoked_at, usedCount: row.used_count, maxUses: row.max_uses } : null);
    if (problem || !row) return { ok: false, problem: problem ?? "unknown" };
    if (await isCurrentMember(trx, row.cohort_id, user.id)) return { ok: false, problem: "alreadyMember" };
    const requestId = await insertJoinRequest(trx, { cohortId: row.cohort_id, userId: user.id, codeId: row.id });
    if (!requestId) return { ok: false, problem: "alreadyAsked" };
    await useJoinCode(trx, row.id);
    const cohort = (await getCohort(trx, row.cohort_id))!;
    await recordAudit(trx, { actorId: user.id, action: "cohort.join_requested", targetType: "cohort", targetId: row.cohort_id, ip: user.ip, details: { cohort: cohort.name } });
    return { ok: true, cohortName: cohort.name };
  });
}

/** A coordinator approves or declines a request; approval makes the membership. */
export async function decideRequest(
  db: Kysely<Database>,
  actor: CohortActor,
  cohort: CohortRow,
  requestId: string,
  approve: boolean,
): Promise<{ ok: true } | { ok: false; problem: "notPending" | MemberProblem }> {
  return db.transaction().execute(async (trx) => {
    const decided = await decideJoinRequest(trx, { cohortId: cohort.id, requestId, status: approve ? "approved" : "declined", decidedBy: actor.id });
    if (!decided) return { ok: false, problem: "notPending" } as const;
    if (approve) {
      const [person] = await peopleForCohort(trx, [decided.user_id]);
      const problem = memberProblem(cohort, person);
      // Thrown, so the decision rolls back with it and the request stays pending.
      if (problem) throw new MemberRefused(problem);
      await addMember(trx, { cohortId: cohort.id, userId: decided.user_id, via: "code", addedBy: actor.id });
    }
    await recordAudit(trx, {
      actorId: actor.id,
      action: approve ? "cohort.join_approved" : "cohort.join_declined",
      targetType: "user",
      targetId: decided.user_id,
      ip: actor.ip,
      details: { cohortId: cohort.id, cohort: cohort.name },
    });
    return { ok: true } as const;
  }).catch((error: unknown) => {
    if (error instanceof MemberRefused) return { ok: false, problem: error.problem } as const;
    throw error;
  });
}

class MemberRefused extends Error {
  constructor(readonly problem: MemberProblem) {
    super(problem);
  }
}
