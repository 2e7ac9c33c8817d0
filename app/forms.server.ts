import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { z } from "zod";

// Reading what a form posted. Every action reads its body here and declares its fields with one
// schema: anything our pages never send (no form at all, a broken multipart body, a NUL byte, an
// over-long value, an id that is not an id) is a 400 with a Chinese message, never a 500, and
// nothing is written (docs/decisions/016-form-input.md).

const plain = { "Content-Type": "text/plain; charset=utf-8" };

export function badRequest(message = "提交的内容有误，请刷新页面后重新提交。 / The form could not be read; reload the page and try again."): Response {
  return new Response(message, { status: 400, headers: plain });
}

/** A form body, or a 400: a body that is not a form must not reach the database as a 500. */
export async function readForm(request: Request): Promise<FormData> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw badRequest();
  }
  assertCleanForm(form);
  return form;
}

/**
 * A page's form that is urlencoded for most intents and multipart for one file upload (field "file",
 * plus the intent): held in memory up to `maxFileBytes`, any other part refused. A larger file is
 * `{ tooLarge: true }` for the page to say so in its own words.
 */
export async function readFormOrUpload(request: Request, maxFileBytes: number): Promise<{ form: FormData; multipart: boolean } | { tooLarge: true }> {
  if (!(request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) return { form: await readForm(request), multipart: false };
  try {
    const form = await unstable_parseMultipartFormData(
      request,
      unstable_createMemoryUploadHandler({ maxPartSize: maxFileBytes, filter: ({ name, filename }) => name === "file" || (name === "intent" && filename === undefined) }),
    );
    assertCleanForm(form);
    return { form, multipart: true };
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return { tooLarge: true };
    if (error instanceof Response) throw error;
    throw badRequest();
  }
}

/** NUL bytes cannot be stored in PostgreSQL text and no keyboard types them: refuse the form. */
export function assertCleanForm(form: FormData): void {
  for (const [key, value] of form.entries()) {
    if (key.includes("\u0000") || (typeof value === "string" && value.includes("\u0000"))) {
      throw badRequest("提交的内容含有无法识别的字符，请检查后重新提交。 / The form contains characters that cannot be stored.");
    }
  }
}

/** The form's text fields as an object: repeated names become arrays, files are left out. */
export function formObject(form: FormData): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value !== "string") continue;
    const had = out[key];
    out[key] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return out;
}

/**
 * The fields a form declares, parsed by its schema. A value that does not fit could not have come
 * from our page: the answer is a 400, not a message next to a field (those stay with the domain rules).
 */
export function fieldsOf<S extends z.ZodType>(form: FormData, schema: S): z.infer<S> {
  const parsed = schema.safeParse(formObject(form));
  if (!parsed.success) throw badRequest(messageFor(parsed.error));
  return parsed.data;
}

/** The same parse for an action that answers a form no page sends in its own way (JSON the page shows). */
export function tryFieldsOf<S extends z.ZodType>(form: FormData, schema: S): z.infer<S> | null {
  const parsed = schema.safeParse(formObject(form));
  return parsed.success ? parsed.data : null;
}

/** Whether a value was too long (or a list too long), also inside a union's alternatives. */
function tooBig(issues: readonly z.core.$ZodIssue[]): boolean {
  return issues.some((i) => i.code === "too_big" || (i.code === "invalid_union" && i.errors.some((alternative) => tooBig(alternative))));
}

function messageFor(error: z.ZodError): string | undefined {
  if (tooBig(error.issues)) {
    return "提交的内容过长，请缩短后重新提交。 / A value in the form is too long; shorten it and try again.";
  }
  return undefined;
}

/** A file part of a multipart form (a file input with nothing chosen sends a nameless empty part: none). */
export function filesOf(form: FormData, name: string): File[] {
  return form.getAll(name).filter((f): f is File => typeof f !== "string" && !(f.size === 0 && f.name === ""));
}

/** Fields named `<prefix><id>` (one per criterion or question), as { id: value }; a repeated name keeps its last value. */
export function prefixed(fields: Record<string, unknown>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (!key.startsWith(prefix)) continue;
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (typeof last === "string") out[key.slice(prefix.length)] = last;
  }
  return out;
}

/** The parsed fields as name/value pairs again, a repeated name once per value (for parsers that read entries). */
export function entriesOf(fields: Record<string, unknown>): Array<[string, string]> {
  return Object.entries(fields).flatMap(([key, value]): Array<[string, string]> =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === "string").map((v) => [key, v]) : typeof value === "string" ? [[key, value]] : [],
  );
}

/** Schema pieces for form fields. */
export const field = {
  /** Free text, at most `max` characters (the domain rules check what a person typed). */
  text: (max: number) => z.string().max(max).default(""),
  /** One of the values a form's select or buttons offer. */
  choice: <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values),
  /** An id: a UUID, or empty when the field is optional. */
  uuid: () => z.uuid(),
  /**
   * An id as the page posted it, bounded but not judged here: the action answers a malformed or
   * unknown id exactly like one outside the visitor's reach (404, audited where reach is checked).
   */
  ref: (max = 100) => z.string().trim().max(max).default(""),
  /** Fields whose names carry an id (`level.<criterionId>`, `q.<questionId>`): every other field bounded. */
  rest: (max: number, maxRepeats = 200) => z.union([z.string().max(max), z.array(z.string().max(max)).max(maxRepeats)]),
  optionalUuid: () => z.union([z.uuid(), z.literal("")]).default(""),
  /** A checkbox group or repeated field: always an array. */
  list: <T extends z.ZodType<string, string>>(item: T, max: number) =>
    z
      .union([item, z.array(item)])
      .default([])
      .transform((v): Array<z.infer<T>> => (Array.isArray(v) ? v : [v]))
      .refine((v) => v.length <= max),
  checkbox: () => z.union([z.literal("on"), z.literal("yes"), z.literal("1"), z.literal("")]).default(""),
};
