import type { TaskDefinition } from "~/catalog/schema";
import { cleanFreeText, cleanTitle } from "./text-hygiene";

// Validation of what a trainee writes for a work product or field work: formats on every save,
// completeness only on submit. Errors are message keys by field.
export type FieldErrorKey =
  | "sub.error.titleLength"
  | "sub.error.date"
  | "sub.error.dateFuture"
  | "sub.error.dateTooOld"
  | "sub.error.org"
  | "sub.error.orgOutside"
  | "sub.error.noOwnUnit"
  | "sub.error.otherOrgLength"
  | "sub.error.placeLength"
  | "sub.error.audience"
  | "sub.error.people"
  | "sub.error.peopleAbsurd"
  | "sub.error.peopleBelowMin"
  | "sub.error.duration"
  | "sub.error.planShort"
  | "sub.error.reflectionShort"
  | "sub.error.textShort"
  | "sub.error.textLong"
  | "sub.error.consent"
  | "sub.error.photos"
  | "sub.error.signInSheet"
  | "sub.error.required"
  | "sub.error.visitRow"
  | "sub.error.visitIncomplete"
  | "sub.error.visitsFew";

/** One visit of a logged activity as typed: every part a string, as the form sends it. */
export interface RawVisit {
  date: string;
  place: string;
  audienceType: string;
  peopleReached: string;
  durationMinutes: string;
}

/** One visit as stored (submissions.activity_log). */
export interface Visit {
  date: string | null;
  place: string | null;
  audienceType: string | null;
  peopleReached: number | null;
  durationMinutes: number | null;
}

const visitParts = ["date", "place", "audienceType", "peopleReached", "durationMinutes"] as const;
export const maxVisits = 30;

/** The visit rows of a form: parallel `visit.<part>` fields, fully empty rows dropped. */
export function readVisitRows(getAll: (name: string) => unknown[]): RawVisit[] {
  const columns = visitParts.map((part) => getAll(`visit.${part}`).map((v) => (typeof v === "string" ? v : "")));
  const rows = Math.min(maxVisits, Math.max(0, ...columns.map((c) => c.length)));
  const visits: RawVisit[] = [];
  for (let i = 0; i < rows; i += 1) {
    const [date, place, audienceType, peopleReached, durationMinutes] = columns.map((c) => c[i] ?? "") as [string, string, string, string, string];
    if ([date, place, audienceType, peopleReached, durationMinutes].some((v) => v.trim())) visits.push({ date, place, audienceType, peopleReached, durationMinutes });
  }
  return visits;
}

/** Stored visits back into what the form shows. */
export function visitsForForm(visits: readonly Visit[] | null | undefined): RawVisit[] {
  return (visits ?? []).map((v) => ({
    date: v.date ?? "",
    place: v.place ?? "",
    audienceType: v.audienceType ?? "",
    peopleReached: v.peopleReached?.toString() ?? "",
    durationMinutes: v.durationMinutes?.toString() ?? "",
  }));
}

export interface RawSubmissionInput {
  activityTitle: string;
  activityDate: string;
  orgUnitId: string;
  otherOrgName: string;
  place: string;
  audienceType: string;
  peopleReached: string;
  durationMinutes: string;
  plan: string;
  reflection: string;
  text: string;
  consentConfirmed: boolean;
  showcaseConsent: boolean;
  /** The people in the photos (minors through their guardians) agreed their faces may be shown with the work. */
  showcasePhotos?: boolean;
  /** Only for tasks with a visit log; the single-activity fields are then worked out from it. */
  visits?: RawVisit[];
}

export interface CleanSubmissionInput {
  activityTitle: string | null;
  activityDate: string | null;
  orgUnitId: string | null;
  otherOrgName: string | null;
  place: string | null;
  audienceType: string | null;
  peopleReached: number | null;
  durationMinutes: number | null;
  body: Record<string, string>;
  consentConfirmed: boolean;
  showcaseConsent: boolean;
  showcasePhotos: boolean;
  visits?: Visit[] | null;
}

export const limits = {
  titleMax: 100,
  placeMax: 100,
  otherOrgNameMax: 100,
  peopleMax: 10_000,
  durationMax: 1440,
  textMax: 20_000,
  planMin: 50,
  earliestDate: "2020-01-01",
} as const;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Characters that count toward a minimum length: whitespace does not. */
export function countedLength(text: string): number {
  return [...text.replace(/\s+/g, "")].length;
}

function parseWhole(value: string): number | null | "invalid" {
  const v = value.trim();
  if (!v) return null;
  if (!/^\d{1,7}$/.test(v)) return "invalid";
  return Number(v);
}

function validDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** Checks formats (any save). `today` is the trainee's calendar date, YYYY-MM-DD. */
export function cleanSubmissionInput(
  task: TaskDefinition,
  raw: RawSubmissionInput,
  today: string,
): { value: CleanSubmissionInput; errors: Partial<Record<keyof RawSubmissionInput, FieldErrorKey>> } {
  const errors: Partial<Record<keyof RawSubmissionInput, FieldErrorKey>> = {};
  const text = (s: string, max: number) => s.trim().slice(0, max);
  const value: CleanSubmissionInput = {
    activityTitle: null,
    activityDate: null,
    orgUnitId: null,
    otherOrgName: null,
    place: null,
    audienceType: null,
    peopleReached: null,
    durationMinutes: null,
    body: {},
    consentConfirmed: raw.consentConfirmed,
    showcaseConsent: raw.showcaseConsent,
    // Photos go public only with the work itself.
    showcasePhotos: raw.showcaseConsent && raw.showcasePhotos === true,
    visits: null,
  };
  if (task.type === "work_product") {
    const body = cleanFreeText(raw.text);
    if (body.length > limits.textMax) errors.text = "sub.error.textLong";
    value.body = { text: body.slice(0, limits.textMax) };
    return { value, errors };
  }
  if (task.type !== "field_work") return { value, errors };

  const title = cleanTitle(raw.activityTitle);
  if (title && [...title].length > limits.titleMax) errors.activityTitle = "sub.error.titleLength";
  value.activityTitle = title ? text(title, limits.titleMax) : null;

  if (raw.activityDate.trim()) {
    const d = raw.activityDate.trim();
    if (!validDate(d)) errors.activityDate = "sub.error.date";
    else if (d > today) errors.activityDate = "sub.error.dateFuture";
    else if (d < limits.earliestDate) errors.activityDate = "sub.error.dateTooOld";
    else value.activityDate = d;
  }
  if (raw.orgUnitId) {
    if (uuid.test(raw.orgUnitId)) value.orgUnitId = raw.orgUnitId;
    else errors.orgUnitId = "sub.error.org";
  }
  const otherOrg = cleanTitle(raw.otherOrgName);
  if ([...otherOrg].length > limits.otherOrgNameMax) errors.otherOrgName = "sub.error.otherOrgLength";
  value.otherOrgName = otherOrg ? text(otherOrg, limits.otherOrgNameMax) : null;
  const place = cleanTitle(raw.place);
  if ([...place].length > limits.placeMax) errors.place = "sub.error.placeLength";
  value.place = place ? text(place, limits.placeMax) : null;

  if (raw.audienceType) {
    if ((task.audienceTypes as readonly string[]).includes(raw.audienceType)) value.audienceType = raw.audienceType;
    else errors.audienceType = "sub.error.audience";
  }
  const people = parseWhole(raw.peopleReached);
  if (people === "invalid") errors.peopleReached = "sub.error.people";
  else if (people !== null && people > limits.peopleMax) errors.peopleReached = "sub.error.peopleAbsurd";
  else value.peopleReached = people;

  const minutes = parseWhole(raw.durationMinutes);
  if (minutes === "invalid" || (minutes !== null && (minutes < 1 || minutes > limits.durationMax))) errors.durationMinutes = "sub.error.duration";
  else value.durationMinutes = minutes;

  value.body = { plan: cleanFreeText(raw.plan).slice(0, limits.textMax), reflection: cleanFreeText(raw.reflection).slice(0, limits.textMax) };

  if (task.visitLog) {
    const visits: Visit[] = [];
    for (const row of (raw.visits ?? []).slice(0, maxVisits)) {
      const visit: Visit = { date: null, place: null, audienceType: null, peopleReached: null, durationMinutes: null };
      let bad = false;
      const d = row.date.trim();
      if (d) {
        if (!validDate(d) || d > today || d < limits.earliestDate) bad = true;
        else visit.date = d;
      }
      const where = cleanTitle(row.place);
      visit.place = where ? text(where, limits.placeMax) : null;
      if (row.audienceType) {
        if ((task.audienceTypes as readonly string[]).includes(row.audienceType)) visit.audienceType = row.audienceType;
        else bad = true;
      }
      const n = parseWhole(row.peopleReached);
      if (n === "invalid" || (n !== null && n > limits.peopleMax)) bad = true;
      else visit.peopleReached = n;
      const m = parseWhole(row.durationMinutes);
      if (m === "invalid" || (m !== null && (m < 1 || m > limits.durationMax))) bad = true;
      else visit.durationMinutes = m;
      if (bad) errors.visits = "sub.error.visitRow";
      visits.push(visit);
    }
    value.visits = visits;
    Object.assign(value, visitTotals(visits));
  }
  return { value, errors };
}

/** A unit as the field-work place check sees it. */
export interface PlacedUnit {
  id: string;
  path: string;
}

export type ActivityPlace = { orgUnitId: string | null; problem?: undefined } | { orgUnitId?: undefined; problem: "sub.error.orgOutside" | "sub.error.noOwnUnit" };

/**
 * Which unit field work is attached to. A trainee names their own unit or one below it; work done
 * at a school outside that subtree is named in `otherOrgName` and attached to their own unit, so it
 * counts in their region. A trainee who belongs to no unit can name none.
 */
export function placeOfActivity(own: PlacedUnit | null, chosen: PlacedUnit | null, otherOrgName: string | null): ActivityPlace {
  if (otherOrgName) return own ? { orgUnitId: own.id } : { problem: "sub.error.noOwnUnit" };
  if (!chosen) return { orgUnitId: null };
  if (!own) return { problem: "sub.error.noOwnUnit" };
  return chosen.path.startsWith(own.path) ? { orgUnitId: chosen.id } : { problem: "sub.error.orgOutside" };
}

/**
 * The single-activity fields a visit log stands for, so reach, eligibility and reviews read a logged
 * task like any other: the first date and place, the audience that most people came from, the sums.
 */
export function visitTotals(visits: readonly Visit[]): Pick<CleanSubmissionInput, "activityDate" | "place" | "audienceType" | "peopleReached" | "durationMinutes"> {
  const dates = visits.map((v) => v.date).filter((d): d is string => Boolean(d)).sort();
  const byAudience = new Map<string, number>();
  for (const v of visits) if (v.audienceType) byAudience.set(v.audienceType, (byAudience.get(v.audienceType) ?? 0) + (v.peopleReached ?? 0));
  const audience = [...byAudience.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  const sum = (pick: (v: Visit) => number | null) => (visits.some((v) => pick(v) !== null) ? visits.reduce((s, v) => s + (pick(v) ?? 0), 0) : null);
  return {
    activityDate: dates[0] ?? null,
    place: visits.find((v) => v.place)?.place ?? null,
    audienceType: audience,
    peopleReached: sum((v) => v.peopleReached),
    durationMinutes: sum((v) => v.durationMinutes),
  };
}

/** Numbers the error messages of this task name (a minimum length, a head count). */
export function errorParams(task: {
  type: TaskDefinition["type"];
  minReflectionLength?: number;
  minLength?: number;
  minPeopleReached?: number;
  visitLog?: { minVisits: number };
}): Record<string, number> {
  if (task.type === "field_work") return { min: task.minReflectionLength ?? 0, plan: limits.planMin, people: task.minPeopleReached ?? 0, visits: task.visitLog?.minVisits ?? 0 };
  if (task.type === "work_product") return { min: task.minLength ?? 0 };
  return {};
}

/** What is still missing before the trainee may submit. */
export function completenessProblems(
  task: TaskDefinition,
  value: CleanSubmissionInput,
  evidence: { photos: number; signInSheets: number },
): Partial<Record<keyof RawSubmissionInput | "evidence", FieldErrorKey>> {
  const problems: Partial<Record<keyof RawSubmissionInput | "evidence", FieldErrorKey>> = {};
  if (task.type === "work_product") {
    if (countedLength(value.body.text ?? "") < task.minLength) problems.text = "sub.error.textShort";
    return problems;
  }
  if (task.type !== "field_work") return problems;
  if (!value.activityTitle) problems.activityTitle = "sub.error.required";
  if (task.visitLog) {
    const visits = value.visits ?? [];
    if (visits.length < task.visitLog.minVisits) problems.visits = "sub.error.visitsFew";
    else if (visits.some((v) => !v.date || !v.audienceType || v.peopleReached === null || v.durationMinutes === null)) problems.visits = "sub.error.visitIncomplete";
  }
  if (!value.activityDate) problems.activityDate = "sub.error.required";
  if (!value.orgUnitId) problems.orgUnitId = "sub.error.required";
  if (!value.audienceType) problems.audienceType = "sub.error.required";
  if (value.peopleReached === null) problems.peopleReached = "sub.error.required";
  else if (value.peopleReached < Math.max(1, task.minPeopleReached)) problems.peopleReached = "sub.error.peopleBelowMin";
  if (value.durationMinutes === null) problems.durationMinutes = "sub.error.required";
  if (countedLength(value.body.plan ?? "") < limits.planMin) problems.plan = "sub.error.planShort";
  if (countedLength(value.body.reflection ?? "") < task.minReflectionLength) problems.reflection = "sub.error.reflectionShort";
  if (!value.consentConfirmed) problems.consentConfirmed = "sub.error.consent";
  if (evidence.photos < task.evidence.minPhotos) problems.evidence = "sub.error.photos";
  else if (task.evidence.signInSheet && evidence.signInSheets < 1) problems.evidence = "sub.error.signInSheet";
  return problems;
}

// Made once: building a DateTimeFormat with a time zone costs about 0.4 ms, once per page that asks.
const chinaDate = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" });

/** Today's date in China (the programme's calendar), YYYY-MM-DD. */
export function todayInChina(now = new Date()): string {
  return chinaDate.format(now);
}
