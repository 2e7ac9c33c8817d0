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
  | "sub.error.required";

export interface RawSubmissionInput {
  activityTitle: string;
  activityDate: string;
  orgUnitId: string;
  place: string;
  audienceType: string;
  peopleReached: string;
  durationMinutes: string;
  plan: string;
  reflection: string;
  text: string;
  consentConfirmed: boolean;
  showcaseConsent: boolean;
}

export interface CleanSubmissionInput {
  activityTitle: string | null;
  activityDate: string | null;
  orgUnitId: string | null;
  place: string | null;
  audienceType: string | null;
  peopleReached: number | null;
  durationMinutes: number | null;
  body: Record<string, string>;
  consentConfirmed: boolean;
  showcaseConsent: boolean;
}

export const limits = {
  titleMax: 100,
  placeMax: 100,
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
    place: null,
    audienceType: null,
    peopleReached: null,
    durationMinutes: null,
    body: {},
    consentConfirmed: raw.consentConfirmed,
    showcaseConsent: raw.showcaseConsent,
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
  return { value, errors };
}

/** Numbers the error messages of this task name (a minimum length, a head count). */
export function errorParams(task: { type: TaskDefinition["type"]; minReflectionLength?: number; minLength?: number; minPeopleReached?: number }): Record<string, number> {
  if (task.type === "field_work") return { min: task.minReflectionLength ?? 0, plan: limits.planMin, people: task.minPeopleReached ?? 0 };
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

/** Today's date in China (the programme's calendar), YYYY-MM-DD. */
export function todayInChina(now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}
