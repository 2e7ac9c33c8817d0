// Keyset pagination (docs/decisions/026): a list is read page by page from a cursor on its sort key
// and id, never with OFFSET, so page 2,000 costs what page 1 costs and a row added meanwhile neither
// repeats nor skips one. The cursor is the sort key of the row at the page's edge, in the URL as
// base64url JSON. No I/O here: models build the query, routes read and write the links.

/** The kinds of value a cursor may hold; each is checked before it reaches SQL. */
export type CursorKind = "timestamp" | "uuid" | "int" | "text";
export type CursorValue = string | number;

/** A page request: the first page, the page after a cursor, or the page before one. */
export type PageRequest =
  | { direction: "first"; size: number }
  | { direction: "after" | "before"; key: CursorValue[]; size: number };

export interface KeysetPage<T> {
  rows: T[];
  /** Cursor of the next page (rows after the last shown), null on the last page. */
  next: string | null;
  /** Cursor of the previous page (rows before the first shown), null on the first page. */
  prev: string | null;
}

export const defaultPageSize = 50;
const maxCursorLength = 600;
const maxTextLength = 200;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// As PostgreSQL writes a timestamptz as text (microseconds kept), or ISO 8601.
const timestampPattern = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-](\d{2})(:?(\d{2}))?)$/;

/** A real instant: Date.parse would take 31 February, the database would not. */
function validTimestamp(text: string): boolean {
  const m = timestampPattern.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetOk = m[8] === "Z" || (Number(m[9]) <= 15 && Number(m[11] ?? 0) <= 59);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59 && offsetOk;
}

function valid(kind: CursorKind, value: unknown): value is CursorValue {
  switch (kind) {
    case "int":
      return typeof value === "number" && Number.isSafeInteger(value);
    case "text":
      return typeof value === "string" && value.length <= maxTextLength;
    case "uuid":
      return typeof value === "string" && uuidPattern.test(value);
    case "timestamp":
      return typeof value === "string" && validTimestamp(value);
  }
}

// btoa/atob over UTF-8 bytes: the same in Node and in the browser.
function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

export function encodeCursor(key: readonly CursorValue[]): string {
  return toBase64Url(JSON.stringify(key));
}

/** The key in a cursor, or null when it is not one of this list's (wrong length, kind or encoding). */
export function decodeCursor(raw: string, shape: readonly CursorKind[]): CursorValue[] | null {
  if (!raw || raw.length > maxCursorLength) return null;
  const text = fromBase64Url(raw);
  if (text === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== shape.length) return null;
  return parsed.every((v, i) => valid(shape[i]!, v)) ? (parsed as CursorValue[]) : null;
}

/** The query-string names of one list's cursors: a page with two lists gives the second a prefix. */
export function cursorParams(prefix = ""): { after: string; before: string } {
  return { after: `${prefix}after`, before: `${prefix}before` };
}

/**
 * The page a query string asks for; null when a cursor is malformed (the route answers 400).
 * Both cursors at once is malformed too.
 */
export function readPageRequest(params: URLSearchParams, shape: readonly CursorKind[], options: { prefix?: string; size?: number } = {}): PageRequest | null {
  const names = cursorParams(options.prefix);
  const size = options.size ?? defaultPageSize;
  const after = params.get(names.after);
  const before = params.get(names.before);
  if (after !== null && before !== null) return null;
  if (after === null && before === null) return { direction: "first", size };
  const key = decodeCursor((after ?? before)!, shape);
  if (!key) return null;
  return { direction: after !== null ? "after" : "before", key, size };
}

/**
 * One page from the rows a model fetched for `request`: at most size + 1 rows, in the list's order
 * after a cursor and in reverse order before one (the extra row only says whether there is more).
 */
export function pageOf<T>(fetched: readonly T[], request: PageRequest, keyOf: (row: T) => CursorValue[]): KeysetPage<T> {
  const more = fetched.length > request.size;
  const kept = fetched.slice(0, request.size);
  const rows = request.direction === "before" ? kept.reverse() : kept;
  const first = rows[0];
  const last = rows[rows.length - 1];
  const hasNext = request.direction === "before" ? true : more;
  const hasPrev = request.direction === "first" ? false : request.direction === "after" ? true : more;
  return {
    rows,
    next: hasNext && last !== undefined ? encodeCursor(keyOf(last)) : null,
    prev: hasPrev && first !== undefined ? encodeCursor(keyOf(first)) : null,
  };
}

/** The query string of a neighbouring page: every other parameter (the filters) kept, the list's old cursor dropped. */
export function pageSearch(search: URLSearchParams | string, which: "next" | "prev", cursor: string, prefix = ""): string {
  const params = new URLSearchParams(search);
  const names = cursorParams(prefix);
  params.delete(names.after);
  params.delete(names.before);
  params.set(which === "next" ? names.after : names.before, cursor);
  return `?${params}`;
}

/** The query string of the same list's first page, filters kept. */
export function firstPageSearch(search: URLSearchParams | string, prefix = ""): string {
  const params = new URLSearchParams(search);
  const names = cursorParams(prefix);
  params.delete(names.after);
  params.delete(names.before);
  const text = params.toString();
  return text ? `?${text}` : "";
}
