import { normaliseEmail, normalisePhone } from "./contact";
import type { Role } from "./roles";
import { cleanPersonName } from "./text-hygiene";

// Bulk user import from a spreadsheet exported as CSV: decoding, parsing and per-row verdicts.
// Pure: the database checks (org paths, contacts already taken) add their reasons in the model.

export const importLimits = { maxBytes: 2_000_000, maxRows: 5_000, maxNameLength: 50 } as const;

export type ImportProblemKey =
  | "import.file.empty"
  | "import.file.tooLarge"
  | "import.file.tooManyRows"
  | "import.file.workbook"
  | "import.file.xls"
  | "import.file.notWorkbook"
  | "import.file.workbookTooBig"
  | "import.file.workbookUnreadable"
  | "import.file.utf16"
  | "import.file.encoding"
  | "import.file.unclosedQuote"
  | "import.file.noRows"
  | "import.file.missingColumns"
  | "import.file.missingContactColumn"
  | "import.file.duplicateColumn"
  | "import.row.columnCount"
  | "import.row.quotes"
  | "import.row.nameMissing"
  | "import.row.nameTooLong"
  | "import.row.nameInvisible"
  | "import.row.nameControlCharacters"
  | "import.row.contactMissing"
  | "import.row.phoneInvalid"
  | "import.row.phoneScientific"
  | "import.row.emailInvalid"
  | "import.row.phoneRepeated"
  | "import.row.emailRepeated"
  | "import.row.phoneTaken"
  | "import.row.emailTaken"
  | "import.row.rolesMissing"
  | "import.row.roleUnknown"
  | "import.row.trackUnknown"
  | "import.row.orgMissing"
  | "import.row.orgNotFound"
  | "import.row.orgRootNotFound"
  | "import.row.orgAmbiguous"
  | "import.row.outsideReach"
  | "import.row.roleNotAllowed";

/** A message key and its parameters; the route or report translates it. */
export interface ImportProblem {
  key: ImportProblemKey;
  params?: Record<string, string | number>;
}

// ---------- decoding ----------

export type CsvEncoding = "utf-8" | "utf-8-bom" | "gbk";
export type DecodedCsv = { ok: true; text: string; encoding: CsvEncoding } | { ok: false; problem: ImportProblem };

const problem = (key: ImportProblemKey, params?: Record<string, string | number>): ImportProblem =>
  params ? { key, params } : { key };

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

/**
 * Is this text what a Chinese spreadsheet holds? Used to accept a GBK decoding: text with
 * control characters, replacement characters or mostly exotic symbols is refused.
 */
export function looksLikeChineseText(text: string): boolean {
  let nonAscii = 0;
  let familiar = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c === 0xfffd) return false;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
    if (c === 0x7f) return false;
    if (c < 0x80) continue;
    nonAscii += 1;
    const isFamiliar =
      (c >= 0x4e00 && c <= 0x9fff) || // CJK unified ideographs
      (c >= 0x3400 && c <= 0x4dbf) || // extension A
      (c >= 0x3000 && c <= 0x303f) || // CJK punctuation: 、。《》「」
      (c >= 0xff00 && c <= 0xffef) || // full-width forms: （），：
      (c >= 0x2010 && c <= 0x2027) || // dashes, quotes “”, ellipsis
      c === 0x00b7 ||
      c === 0x00d7;
    if (isFamiliar) familiar += 1;
  }
  return nonAscii === 0 || familiar / nonAscii >= 0.9;
}

/** Turns uploaded bytes into text: UTF-8 (with or without BOM) or, failing that, plausible GBK. */
export function decodeCsvBytes(bytes: Uint8Array): DecodedCsv {
  if (bytes.length === 0) return { ok: false, problem: problem("import.file.empty") };
  if (bytes.length > importLimits.maxBytes) return { ok: false, problem: problem("import.file.tooLarge", { maxMb: importLimits.maxBytes / 1_000_000 }) };
  // .xlsx is a zip archive, .xls an OLE compound file: someone uploaded the workbook itself.
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0])) {
    return { ok: false, problem: problem("import.file.workbook") };
  }
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) return { ok: false, problem: problem("import.file.utf16") };

  const hasBom = startsWith(bytes, [0xef, 0xbb, 0xbf]);
  const body = hasBom ? bytes.subarray(3) : bytes;
  if (body.includes(0)) return { ok: false, problem: problem("import.file.encoding") };
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body);
    // Valid UTF-8 but full of control characters: a binary file, not a spreadsheet.
    if (/[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return { ok: false, problem: problem("import.file.encoding") };
    return { ok: true, text, encoding: hasBom ? "utf-8-bom" : "utf-8" };
  } catch {
    if (hasBom) return { ok: false, problem: problem("import.file.encoding") };
  }
  const gbk = new TextDecoder("gbk").decode(body);
  if (!looksLikeChineseText(gbk)) return { ok: false, problem: problem("import.file.encoding") };
  return { ok: true, text: gbk, encoding: "gbk" };
}

// ---------- CSV (RFC 4180) ----------

export interface CsvRecord {
  /** 1-based record number: the row number a spreadsheet shows. */
  row: number;
  fields: string[];
  /** A quote in a place RFC 4180 does not allow, e.g. `"ab"c`: the row cannot be trusted. */
  malformed: boolean;
}

export type ParsedCsv = { ok: true; records: CsvRecord[] } | { ok: false; problem: ImportProblem };

/** Splits CSV text into records: quoted fields, "" escapes, commas and line breaks inside quotes, CRLF or LF. */
export function parseCsv(text: string): ParsedCsv {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let malformed = false;
  let inQuotes = false;
  let quotedField = false;
  let quoteStartRow = 0;
  let row = 1;
  const endField = () => {
    fields.push(field);
    field = "";
    quotedField = false;
  };
  const endRecord = () => {
    endField();
    records.push({ row, fields, malformed });
    fields = [];
    malformed = false;
    row += 1;
  };

  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 1;
        } else {
          inQuotes = false;
        }
      } else {
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (field === "" && !quotedField) {
        inQuotes = true;
        quotedField = true;
        quoteStartRow = row;
      } else {
        // A quote inside an unquoted field is taken literally; one right after a closing quote is not RFC 4180.
        if (quotedField) malformed = true;
        field += ch;
      }
    } else if (ch === ",") {
      endField();
    } else if (ch === "\r" || ch === "\n") {
      if (ch === "\r" && text[i + 1] === "\n") i += 1;
      endRecord();
    } else {
      if (quotedField) malformed = true;
      field += ch;
    }
  }
  if (inQuotes) return { ok: false, problem: problem("import.file.unclosedQuote", { row: quoteStartRow }) };
  if (field !== "" || fields.length > 0 || quotedField) endRecord();
  return { ok: true, records };
}

/** Writes one CSV line (RFC 4180 quoting), for reports and templates. */
export function csvLine(values: readonly string[]): string {
  return values.map((v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(",") + "\r\n";
}

/**
 * Keeps a value from running as a formula when a spreadsheet opens a report (CSV injection).
 * Phone-like values such as "+86 138…" stay as they are.
 */
export function spreadsheetSafe(value: string): string {
  if (/^[=@\t\r]/.test(value)) return `'${value}`;
  if (/^[+-]/.test(value) && !/^[+-][\d\s-]+$/.test(value)) return `'${value}`;
  return value;
}

// ---------- columns ----------

export const importColumns = ["name", "phone", "email", "roles", "org", "track"] as const;
export type ImportColumn = (typeof importColumns)[number];

/** The file format's header words (the template writes the first of each). */
export const columnHeaders: Record<ImportColumn, readonly string[]> = {
  name: ["姓名", "名字", "name"],
  phone: ["手机号", "手机", "手机号码", "phone", "mobile"],
  email: ["邮箱", "电子邮箱", "邮件", "email", "e-mail"],
  roles: ["角色", "role", "roles"],
  org: ["单位", "组织", "所属单位", "单位路径", "org", "organisation", "organization"],
  track: ["条线", "track"],
};

export const templateHeader: string[] = importColumns.map((c) => columnHeaders[c][0]!);

const headerWord = (cell: string) =>
  cell
    .trim()
    .toLowerCase()
    .replace(/\s+/g, "")
    .replace(/[*＊]/g, "")
    .replace(/[（(][^）)]*[）)]$/, "");

function columnOf(cell: string): ImportColumn | null {
  const word = headerWord(cell);
  return importColumns.find((c) => columnHeaders[c].includes(word)) ?? null;
}

// ---------- values ----------

const roleWords: Record<string, Role> = {
  学员: "trainee",
  trainee: "trainee",
  导师: "mentor",
  专家: "mentor",
  mentor: "mentor",
  管理员: "admin",
  admin: "admin",
  administrator: "admin",
};

const trackWords: Record<string, "campus" | "community"> = {
  校园行: "campus",
  校园: "campus",
  campus: "campus",
  社区行: "community",
  社区: "community",
  community: "community",
};

/** Splits an org name path: 山西省/运城市 (also ／ and >), trimmed, empty parts dropped. */
export function splitOrgPath(input: string): string[] {
  return input
    .split(/[/／>]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export interface ImportRowValues {
  name: string;
  phone: string;
  email: string;
  roles: string;
  org: string;
  track: string;
}

/** A row that passed the format checks, ready for the database checks and the insert. */
export interface ImportCandidate {
  name: string;
  phone: string | null;
  email: string | null;
  roles: Role[];
  orgPath: string[];
  track: "campus" | "community" | null;
}

export interface RowVerdict {
  row: number;
  values: ImportRowValues;
  /** Set when every value could be read; the row is importable only with no reasons. */
  candidate: ImportCandidate | null;
  reasons: ImportProblem[];
  /** The full name path of the org unit the row resolved to (set by the database check). */
  orgLabel?: string;
}

export const isImportable = (v: RowVerdict): boolean => v.candidate !== null && v.reasons.length === 0;

function checkRow(row: number, values: ImportRowValues): RowVerdict {
  const reasons: ImportProblem[] = [];
  const cleaned = cleanPersonName(values.name, importLimits.maxNameLength);
  const name = cleaned.ok ? cleaned.name : values.name.trim();
  if (!cleaned.ok) {
    if (cleaned.problem === "empty") reasons.push(problem("import.row.nameMissing"));
    else if (cleaned.problem === "invisible") reasons.push(problem("import.row.nameInvisible"));
    else if (cleaned.problem === "controlCharacters") reasons.push(problem("import.row.nameControlCharacters"));
    else reasons.push(problem("import.row.nameTooLong", { max: importLimits.maxNameLength, length: [...name].length }));
  }

  const rawPhone = values.phone.trim();
  const rawEmail = values.email.trim();
  const phone = rawPhone ? normalisePhone(rawPhone) : null;
  const email = rawEmail ? normaliseEmail(rawEmail) : null;
  if (!rawPhone && !rawEmail) reasons.push(problem("import.row.contactMissing"));
  if (rawPhone && !phone) {
    const scientific = /^\d(\.\d+)?e\+?\d+$/i.test(rawPhone);
    reasons.push(problem(scientific ? "import.row.phoneScientific" : "import.row.phoneInvalid", { value: rawPhone }));
  }
  if (rawEmail && !email) reasons.push(problem("import.row.emailInvalid", { value: rawEmail }));

  const roleParts = values.roles
    .split(/[、;；|｜,，]/)
    .map((s) => s.trim())
    .filter(Boolean);
  const roles: Role[] = [];
  if (roleParts.length === 0) reasons.push(problem("import.row.rolesMissing"));
  for (const part of roleParts) {
    const role = roleWords[part.toLowerCase()];
    if (!role) reasons.push(problem("import.row.roleUnknown", { value: part }));
    else if (!roles.includes(role)) roles.push(role);
  }

  const rawTrack = values.track.trim();
  const track = rawTrack ? (trackWords[rawTrack.toLowerCase()] ?? null) : null;
  if (rawTrack && !track) reasons.push(problem("import.row.trackUnknown", { value: rawTrack }));

  const orgPath = splitOrgPath(values.org);
  if (orgPath.length === 0) reasons.push(problem("import.row.orgMissing"));

  const readable = reasons.length === 0;
  return { row, values, candidate: readable ? { name, phone, email, roles, orgPath, track } : null, reasons };
}

/** Rejects every row whose phone or e-mail also appears in another row of the file. */
function markRepeatedContacts(verdicts: RowVerdict[]): void {
  const kinds = [
    { key: "import.row.phoneRepeated", read: (v: RowVerdict) => (v.values.phone.trim() ? normalisePhone(v.values.phone.trim()) : null) },
    { key: "import.row.emailRepeated", read: (v: RowVerdict) => (v.values.email.trim() ? normaliseEmail(v.values.email.trim()) : null) },
  ] as const;
  for (const kind of kinds) {
    const rowsByValue = new Map<string, number[]>();
    for (const v of verdicts) {
      const value = kind.read(v);
      if (value) rowsByValue.set(value, [...(rowsByValue.get(value) ?? []), v.row]);
    }
    for (const v of verdicts) {
      const value = kind.read(v);
      const rows = value ? rowsByValue.get(value)! : [];
      if (value && rows.length > 1) {
        v.reasons.push(problem(kind.key, { value, rows: rows.join("、") }));
        v.candidate = null;
      }
    }
  }
}

export type ImportFileResult = { ok: true; verdicts: RowVerdict[] } | { ok: false; problem: ImportProblem };

/** Reads the header and every data row of a decoded CSV file into per-row verdicts. */
export function checkImportFile(text: string): ImportFileResult {
  const parsed = parseCsv(text);
  if (!parsed.ok) return parsed;
  return checkImportRecords(parsed.records);
}

/** The header and data rows of a roster, from a CSV file or a workbook's sheet, as per-row verdicts. */
export function checkImportRecords(all: readonly CsvRecord[]): ImportFileResult {
  const isBlank = (r: CsvRecord) => r.fields.every((f) => f.trim() === "");
  const records = all.filter((r) => !isBlank(r));
  const [header, ...rows] = records;
  if (!header) return { ok: false, problem: problem("import.file.empty") };

  const positions = new Map<ImportColumn, number>();
  for (const [index, cell] of header.fields.entries()) {
    const column = columnOf(cell);
    if (!column) continue;
    if (positions.has(column)) return { ok: false, problem: problem("import.file.duplicateColumn", { column: cell.trim() }) };
    positions.set(column, index);
  }
  const missing = (["name", "roles", "org"] as const).filter((c) => !positions.has(c));
  if (missing.length) {
    return { ok: false, problem: problem("import.file.missingColumns", { columns: missing.map((c) => columnHeaders[c][0]).join("、") }) };
  }
  if (!positions.has("phone") && !positions.has("email")) return { ok: false, problem: problem("import.file.missingContactColumn") };
  if (rows.length === 0) return { ok: false, problem: problem("import.file.noRows") };
  if (rows.length > importLimits.maxRows) return { ok: false, problem: problem("import.file.tooManyRows", { rows: rows.length, max: importLimits.maxRows }) };

  const verdicts = rows.map((record) => {
    const cell = (c: ImportColumn) => {
      const at = positions.get(c);
      return at === undefined ? "" : (record.fields[at] ?? "");
    };
    const values: ImportRowValues = {
      name: cell("name"),
      phone: cell("phone"),
      email: cell("email"),
      roles: cell("roles"),
      org: cell("org"),
      track: cell("track"),
    };
    if (record.malformed) return { row: record.row, values, candidate: null, reasons: [problem("import.row.quotes")] };
    if (record.fields.length !== header.fields.length) {
      return {
        row: record.row,
        values,
        candidate: null,
        reasons: [problem("import.row.columnCount", { count: record.fields.length, expected: header.fields.length })],
      };
    }
    return checkRow(record.row, values);
  });
  markRepeatedContacts(verdicts);
  return { ok: true, verdicts };
}

// ---------- org paths ----------

export interface OrgPathEntry {
  id: string;
  /** Names from the national root down to the unit itself. */
  names: string[];
}

export type OrgPathMatch = { ok: true; id: string; label: string } | { ok: false; problem: ImportProblem };

/**
 * Finds org units by name path. A path matches a unit's full path, or that path without the
 * national root; failing that, a path that skips levels (山西省/运城市/运城市盐湖区实验中学)
 * matches when exactly one unit fits it.
 */
export function createOrgPathMatcher(entries: readonly OrgPathEntry[]): (path: readonly string[]) => OrgPathMatch {
  const exact = new Map<string, OrgPathEntry[]>();
  const byLastName = new Map<string, OrgPathEntry[]>();
  const add = (map: Map<string, OrgPathEntry[]>, key: string, e: OrgPathEntry) => map.set(key, [...(map.get(key) ?? []), e]);
  const keyOf = (names: readonly string[]) => names.join("\u0000");
  for (const e of entries) {
    add(exact, keyOf(e.names), e);
    if (e.names.length > 1) add(exact, keyOf(e.names.slice(1)), e);
    add(byLastName, e.names[e.names.length - 1] ?? "", e);
  }
  const isSubsequence = (wanted: readonly string[], names: readonly string[]) => {
    let at = 0;
    for (const n of names) if (n === wanted[at]) at += 1;
    return at === wanted.length;
  };
  const found = (e: OrgPathEntry): OrgPathMatch => ({ ok: true, id: e.id, label: e.names.join("/") });

  return (path) => {
    const label = path.join("/");
    const direct = exact.get(keyOf(path)) ?? [];
    if (direct.length === 1) return found(direct[0]!);
    if (direct.length > 1) return { ok: false, problem: problem("import.row.orgAmbiguous", { path: label }) };

    const last = path[path.length - 1] ?? "";
    const fits = (byLastName.get(last) ?? []).filter((e) => isSubsequence(path.slice(0, -1), e.names.slice(0, -1)));
    if (fits.length === 1) return found(fits[0]!);
    if (fits.length > 1) return { ok: false, problem: problem("import.row.orgAmbiguous", { path: label }) };

    let known = 0;
    while (known < path.length && exact.has(keyOf(path.slice(0, known + 1)))) known += 1;
    if (known === 0) return { ok: false, problem: problem("import.row.orgRootNotFound", { path: label, missing: path[0] ?? "" }) };
    return {
      ok: false,
      problem: problem("import.row.orgNotFound", { path: label, parent: path.slice(0, known).join("/"), missing: path[known] ?? "" }),
    };
  };
}
