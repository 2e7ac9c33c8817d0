// Is an uploaded PDF safe to hand to a mentor's desktop reader? A tokenizer reads the file the way
// readers do — including a reader repairing a broken file — and every name it meets (in objects,
// trailers, and inside object streams after all their filters) is checked against the names that
// run code, launch programs, send data or carry other files. Linear in the file's size; every
// decoded byte counts against one budget. No I/O: Flate is handed in.

import { DecodeBudgetExceeded, decodeChain, type FilterParams, type FilterStep, type Inflate } from "./pdf-filters";

export type { Inflate } from "./pdf-filters";

const MiB = 1024 * 1024;

export interface PdfLimits {
  /** Bytes all of a file's streams may decode to, together. */
  maxDecodedBytes: number;
  /** Arrays and dictionaries nested deeper than this are refused (Acrobat's own limit is 28). */
  maxDepth: number;
  /** Tokenizer work allowed per byte of input (re-reading at object offsets costs a few passes). */
  workPerByte: number;
}

export const pdfLimits: PdfLimits = { maxDecodedBytes: 100 * MiB, maxDepth: 64, workPerByte: 16 };

export type PdfVerdict =
  | { ok: true }
  | { ok: false; reason: "activeContent"; name: string }
  | { ok: false; reason: "encrypted" }
  | { ok: false; reason: "tooMuchData" }
  | { ok: false; reason: "tooComplex" }
  | { ok: false; reason: "unreadable" };

// Lower-cased; compared case-insensitively (a lenient reader must not find one we missed).
const activeNames = new Set([
  "javascript",
  "js",
  "launch",
  "embeddedfile",
  "embeddedfiles",
  "ef",
  "fileattachment",
  "submitform",
  "importdata",
  "gotoe",
  "xfa",
  "3d",
]);
const activePrefixes = ["richmedia"];

/** The name an active feature is known by, or null: "/J#61vaScript" arrives here decoded. */
export function activeContentName(name: string): string | null {
  const lower = name.toLowerCase();
  if (activeNames.has(lower) || activePrefixes.some((p) => lower.startsWith(p))) return name;
  return null;
}

class Refusal extends Error {
  constructor(readonly verdict: Exclude<PdfVerdict, { ok: true }>) {
    super(verdict.reason);
  }
}
class ParseError extends Error {}

// Character classes of ISO 32000-1 §7.2.2: NUL is whitespace, which is how "/JS\0" ends a name.
const WHITESPACE = 1;
const DELIMITER = 2;
const charClass = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) charClass[c] = WHITESPACE;
for (const c of "()<>[]{}/%") charClass[c.charCodeAt(0)] = DELIMITER;
const isRegular = (c: number) => charClass[c] === 0;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

const enum Tok {
  Eof,
  Number,
  Name,
  String,
  Keyword,
  ArrayOpen,
  ArrayClose,
  DictOpen,
  DictClose,
}

type Value =
  | { kind: "number"; value: number; integer: boolean }
  | { kind: "name"; value: string }
  | { kind: "string" }
  | { kind: "keyword"; value: string }
  | { kind: "ref"; num: number; gen: number }
  | { kind: "array"; items: Value[] }
  | { kind: "dict"; entries: Map<string, Value> };

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let out = "";
  for (let i = start; i < end; i += 8192) out += String.fromCharCode(...bytes.subarray(i, Math.min(end, i + 8192)));
  return out;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Counts tokenizer work against a budget that grows with the input (decoded object streams add to it). */
class Work {
  spent = 0;
  constructor(private budget: number, private readonly perByte: number) {}
  charge(bytes: number) {
    this.spent += bytes;
    if (this.spent > this.budget) throw new Refusal({ ok: false, reason: "tooComplex" });
  }
  grow(bytes: number) {
    this.budget += bytes * this.perByte;
  }
}

/** A PDF tokenizer over one byte range; every name it reads goes to onName. */
class Lexer {
  pos: number;
  type: Tok = Tok.Eof;
  start = 0;
  number = 0;
  integer = false;
  text = "";

  constructor(
    readonly bytes: Uint8Array,
    private readonly work: Work,
    private readonly onName: (name: string) => void,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  private skipSpaceAndComments() {
    const b = this.bytes;
    while (this.pos < this.end) {
      const c = b[this.pos]!;
      if (charClass[c] === WHITESPACE) this.pos++;
      else if (c === 0x25) {
        while (this.pos < this.end && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
      } else break;
    }
  }

  /** Reads the next token; a string or hex string that never ends is a ParseError. */
  next(): Tok {
    const entry = this.pos;
    try {
      return this.read();
    } finally {
      this.work.charge(Math.max(1, this.pos - entry));
    }
  }

  private read(): Tok {
    this.skipSpaceAndComments();
    const b = this.bytes;
    this.start = this.pos;
    if (this.pos >= this.end) return (this.type = Tok.Eof);
    const c = b[this.pos]!;
    switch (c) {
      case 0x2f: {
        this.pos++;
        const nameStart = this.pos;
        while (this.pos < this.end && isRegular(b[this.pos]!)) this.pos++;
        this.text = decodeName(b, nameStart, this.pos);
        this.onName(this.text);
        return (this.type = Tok.Name);
      }
      case 0x28: {
        let depth = 1;
        this.pos++;
        while (this.pos < this.end) {
          const s = b[this.pos++]!;
          if (s === 0x5c) this.pos++;
          else if (s === 0x28) depth++;
          else if (s === 0x29 && --depth === 0) break;
        }
        if (depth !== 0 || this.pos > this.end) throw new ParseError("unterminated string");
        return (this.type = Tok.String);
      }
      case 0x3c:
        if (b[this.pos + 1] === 0x3c) {
          this.pos += 2;
          return (this.type = Tok.DictOpen);
        } else {
          const close = b.indexOf(0x3e, this.pos + 1);
          if (close < 0 || close >= this.end) throw new ParseError("unterminated hex string");
          this.pos = close + 1;
          return (this.type = Tok.String);
        }
      case 0x3e:
        if (b[this.pos + 1] === 0x3e) {
          this.pos += 2;
          return (this.type = Tok.DictClose);
        }
        this.pos++;
        this.text = ">";
        return (this.type = Tok.Keyword);
      case 0x5b:
        this.pos++;
        return (this.type = Tok.ArrayOpen);
      case 0x5d:
        this.pos++;
        return (this.type = Tok.ArrayClose);
      case 0x29:
      case 0x7b:
      case 0x7d:
        this.pos++;
        this.text = String.fromCharCode(c);
        return (this.type = Tok.Keyword);
      default: {
        while (this.pos < this.end && isRegular(b[this.pos]!)) this.pos++;
        this.text = latin1(b, this.start, this.pos);
        if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(this.text)) {
          this.number = Number(this.text);
          this.integer = /^[+-]?\d+$/.test(this.text);
          return (this.type = Tok.Number);
        }
        return (this.type = Tok.Keyword);
      }
    }
  }

  /** Reads the next token: is it this keyword? */
  nextIsKeyword(word: string): boolean {
    return this.next() === Tok.Keyword && this.text === word;
  }

  /** Parses one value (an "N G R" triple becomes a reference). */
  value(depth: number, maxDepth: number): Value {
    if (depth > maxDepth) throw new Refusal({ ok: false, reason: "tooComplex" });
    switch (this.next()) {
      case Tok.Eof:
        throw new ParseError("value expected");
      case Tok.Number: {
        const first = { kind: "number" as const, value: this.number, integer: this.integer };
        if (!first.integer || first.value < 0) return first;
        const after = this.pos;
        if (this.next() === Tok.Number && this.integer && this.number >= 0) {
          const gen = this.number;
          if (this.nextIsKeyword("R")) return { kind: "ref", num: first.value, gen };
        }
        this.pos = after;
        return first;
      }
      case Tok.Name:
        return { kind: "name", value: this.text };
      case Tok.String:
        return { kind: "string" };
      case Tok.Keyword:
        return { kind: "keyword", value: this.text };
      case Tok.ArrayOpen: {
        const items: Value[] = [];
        for (;;) {
          const before = this.pos;
          if (this.next() === Tok.ArrayClose) return { kind: "array", items };
          if (this.type === Tok.Eof) throw new ParseError("unterminated array");
          this.pos = before;
          items.push(this.value(depth + 1, maxDepth));
        }
      }
      case Tok.DictOpen: {
        const entries = new Map<string, Value>();
        for (;;) {
          const token = this.next();
          if (token === Tok.DictClose) return { kind: "dict", entries };
          if (token !== Tok.Name) throw new ParseError("dictionary key expected");
          const key = this.text;
          entries.set(key, this.value(depth + 1, maxDepth));
        }
      }
      case Tok.ArrayClose:
      case Tok.DictClose:
        throw new ParseError("unexpected closing delimiter");
    }
  }
}

/** A name's characters with #xx escapes resolved ("/J#61vaScript" → "JavaScript"); a lone "#" stays. */
function decodeName(b: Uint8Array, start: number, end: number): string {
  let out = "";
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c === 0x23 && i + 2 < end) {
      const hi = hexDigit(b[i + 1]!);
      const lo = hexDigit(b[i + 2]!);
      if (hi >= 0 && lo >= 0) {
        out += String.fromCharCode((hi << 4) | lo);
        i += 2;
        continue;
      }
    }
    out += String.fromCharCode(c);
  }
  return out;
}

const dictGet = (value: Value | undefined, key: string) => (value?.kind === "dict" ? value.entries.get(key) : undefined);
const isName = (value: Value | undefined, name: string) => value?.kind === "name" && value.value === name;

/** Offsets of every "N G obj" in the raw bytes, wherever it is (a repairing reader finds them all). */
function objectHeaders(bytes: Uint8Array, work: Work): Array<{ offset: number; num: number; gen: number }> {
  const found: Array<{ offset: number; num: number; gen: number }> = [];
  const keyword = Buffer.from("obj");
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = view.indexOf(keyword);
  while (at >= 0) {
    const after = bytes[at + 3];
    if (after === undefined || !isRegular(after)) {
      // Back over whitespace, digits (generation), whitespace, digits (object number).
      let i = at - 1;
      const skipSpace = () => {
        const from = i;
        while (i >= 0 && charClass[bytes[i]!] === WHITESPACE) i--;
        return from - i;
      };
      const skipDigits = () => {
        const from = i;
        while (i >= 0 && isDigit(bytes[i]!)) i--;
        return from - i;
      };
      if (skipSpace() > 0) {
        const genEnd = i + 1;
        const genDigits = skipDigits();
        if (genDigits > 0 && genDigits <= 5 && skipSpace() > 0) {
          const numEnd = i + 1;
          const numDigits = skipDigits();
          if (numDigits > 0 && numDigits <= 10) {
            const offset = i + 1;
            found.push({ offset, num: Number(latin1(bytes, offset, numEnd)), gen: Number(latin1(bytes, genEnd - genDigits, genEnd)) });
          }
        }
      }
      work.charge(at - i);
    }
    at = view.indexOf(keyword, at + 3);
  }
  return found;
}

/** One inspection of one file. Refusals are thrown as Refusal and turned into a verdict at the top. */
class Inspection {
  private readonly work: Work;
  private decoded = 0;
  private catalog = false;
  private objectsRead = 0;
  private readonly parsedOffsets = new Set<number>();
  private readonly xrefOffsets: number[] = [];
  private readonly headersByNumber = new Map<number, number[]>();
  private readonly integerCache = new Map<string, number | null>();

  constructor(
    private readonly bytes: Uint8Array,
    private readonly inflate: Inflate,
    private readonly limits: PdfLimits,
  ) {
    this.work = new Work(bytes.length * limits.workPerByte + MiB, limits.workPerByte);
  }

  private readonly checkName = (name: string) => {
    const active = activeContentName(name);
    if (active) throw new Refusal({ ok: false, reason: "activeContent", name: active });
    if (name.toLowerCase() === "encrypt") throw new Refusal({ ok: false, reason: "encrypted" });
  };

  private lexer(bytes: Uint8Array, start = 0, end = bytes.length) {
    return new Lexer(bytes, this.work, this.checkName, start, end);
  }

  private noteDict(value: Value) {
    if (isName(dictGet(value, "Type"), "Catalog")) this.catalog = true;
  }

  run(): PdfVerdict {
    const headers = objectHeaders(this.bytes, this.work);
    for (const h of headers) {
      const list = this.headersByNumber.get(h.num) ?? [];
      list.push(h.offset);
      this.headersByNumber.set(h.num, list);
    }
    this.readInOrder();
    // Objects a straight read skipped (inside stream data, strings or junk) and those the xref names.
    for (const h of headers) if (!this.parsedOffsets.has(h.offset)) this.readObjectAt(h.offset);
    for (const offset of this.xrefOffsets) if (!this.parsedOffsets.has(offset)) this.readObjectAt(offset);
    if (!this.catalog || this.objectsRead === 0) return { ok: false, reason: "unreadable" };
    return { ok: true };
  }

  /** A front-to-back read, as a reader without a usable xref table does it. */
  private readInOrder() {
    const lex = this.lexer(this.bytes);
    while (lex.pos < this.bytes.length) {
      const start = lex.pos;
      try {
        const token = lex.next();
        if (token === Tok.Eof) break;
        if (token === Tok.Number && lex.integer) {
          const end = this.readObjectAt(lex.start);
          if (end !== null) lex.pos = end;
        } else if (token === Tok.Keyword && lex.text === "xref") {
          this.readXrefTable(lex);
        } else if (token === Tok.DictOpen || token === Tok.ArrayOpen) {
          lex.pos = lex.start;
          lex.value(0, this.limits.maxDepth);
        }
      } catch (error) {
        if (!(error instanceof ParseError)) throw error;
        // Junk: go on one byte later; the work budget stops a file made of nothing else.
        lex.pos = start + 1;
      }
    }
  }

  private readXrefTable(lex: Lexer) {
    for (;;) {
      const before = lex.pos;
      if (lex.next() !== Tok.Number || !lex.integer) {
        lex.pos = before;
        return;
      }
      const first = lex.number;
      if (lex.next() !== Tok.Number || !lex.integer) {
        lex.pos = before;
        return;
      }
      const count = lex.number;
      if (first < 0 || count < 0) return;
      for (let i = 0; i < count; i++) {
        const entry = lex.pos;
        const offsetOk = lex.next() === Tok.Number && lex.integer;
        const offset = lex.number;
        const genOk = lex.next() === Tok.Number && lex.integer;
        const kind = lex.next() === Tok.Keyword ? lex.text : "";
        if (!offsetOk || !genOk || (kind !== "n" && kind !== "f")) {
          lex.pos = entry;
          return;
        }
        if (kind === "n" && offset > 0 && offset < this.bytes.length) this.xrefOffsets.push(offset);
      }
    }
  }

  /** Reads "N G obj value [stream…endstream]" at an offset; the end position, or null when there is none. */
  private readObjectAt(offset: number): number | null {
    if (this.parsedOffsets.has(offset)) return null;
    const lex = this.lexer(this.bytes, offset);
    try {
      if (lex.next() !== Tok.Number || !lex.integer) return null;
      const headerStart = lex.start;
      if (this.parsedOffsets.has(headerStart)) return null;
      if (lex.next() !== Tok.Number || !lex.integer) return null;
      if (!lex.nextIsKeyword("obj")) return null;
      this.parsedOffsets.add(offset);
      this.parsedOffsets.add(headerStart);
      const value = lex.value(0, this.limits.maxDepth);
      this.objectsRead++;
      this.noteDict(value);
      const afterValue = lex.pos;
      if (value.kind === "dict" && lex.nextIsKeyword("stream")) {
        const extent = this.streamExtent(value, lex.pos);
        this.inspectStream(value, extent.candidates);
        return extent.next;
      }
      lex.pos = afterValue;
      return lex.pos;
    } catch (error) {
      if (error instanceof ParseError) return null;
      throw error;
    }
  }

  /**
   * Where a stream's data may end: at /Length when "endstream" follows it, else at the first
   * "endstream". Readers differ when the two disagree, so both are candidates; `next` is where a
   * front-to-back read goes on (the rest of the file when the stream never ends).
   */
  private streamExtent(dict: Value, afterKeyword: number): { candidates: Uint8Array[]; next: number } {
    const b = this.bytes;
    let start = afterKeyword;
    if (b[start] === 0x0d && b[start + 1] === 0x0a) start += 2;
    else if (b[start] === 0x0a || b[start] === 0x0d) start += 1;
    const length = this.integerOf(dictGet(dict, "Length"));
    const byLength = length !== null && length >= 0 && start + length <= b.length ? start + length : -1;
    if (byLength >= 0) {
      let i = byLength;
      while (i < b.length && charClass[b[i]!] === WHITESPACE && i < byLength + 4) i++;
      if (latin1(b, i, Math.min(b.length, i + 9)) === "endstream") return { candidates: [b.subarray(start, byLength)], next: byLength };
    }
    const view = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    const found = view.indexOf("endstream", start, "latin1");
    this.work.charge((found < 0 ? b.length : found) - start);
    const candidates: Uint8Array[] = [];
    let next = b.length;
    if (found >= 0) {
      let end = found;
      if (b[end - 1] === 0x0a && end - 1 >= start) end--;
      if (b[end - 1] === 0x0d && end - 1 >= start) end--;
      candidates.push(b.subarray(start, end));
      next = found;
    }
    if (byLength >= 0) candidates.push(b.subarray(start, byLength));
    return { candidates, next };
  }

  /** A direct integer, or an indirect one found at one of its object's headers. */
  private integerOf(value: Value | undefined): number | null {
    if (!value) return null;
    if (value.kind === "number") return value.integer ? value.value : null;
    if (value.kind !== "ref") return null;
    const key = `${value.num} ${value.gen}`;
    if (this.integerCache.has(key)) return this.integerCache.get(key)!;
    let found: number | null = null;
    for (const offset of this.headersByNumber.get(value.num) ?? []) {
      const lex = this.lexer(this.bytes, offset);
      try {
        lex.next();
        if (lex.next() !== Tok.Number || lex.number !== value.gen) continue;
        if (!lex.nextIsKeyword("obj")) continue;
        const target = lex.value(0, this.limits.maxDepth);
        if (target.kind === "number" && target.integer) found = target.value;
      } catch (error) {
        if (!(error instanceof ParseError)) throw error;
      }
    }
    this.integerCache.set(key, found);
    return found;
  }

  private filterSteps(dict: Value): FilterStep[] | null {
    const filter = dictGet(dict, "Filter");
    const parms = dictGet(dict, "DecodeParms") ?? dictGet(dict, "DP");
    if (filter === undefined) return [];
    const names = filter.kind === "array" ? filter.items : [filter];
    const paramList = parms?.kind === "array" ? parms.items : [parms];
    const steps: FilterStep[] = [];
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      if (name.kind !== "name") return null;
      steps.push({ name: name.value, params: this.filterParams(paramList[i]) });
    }
    return steps;
  }

  private filterParams(value: Value | undefined): FilterParams {
    const get = (key: string) => this.integerOf(dictGet(value, key)) ?? undefined;
    return {
      predictor: get("Predictor"),
      colors: get("Colors"),
      bitsPerComponent: get("BitsPerComponent"),
      columns: get("Columns"),
      earlyChange: get("EarlyChange"),
    };
  }

  private inspectStream(dict: Value, candidates: Uint8Array[]) {
    const isXref = isName(dictGet(dict, "Type"), "XRef");
    // Readers load a compressed object from any stream that has /N and /First, typed or not.
    const isObjectStream = isName(dictGet(dict, "Type"), "ObjStm") || (dictGet(dict, "N") !== undefined && dictGet(dict, "First") !== undefined);
    const strict = isObjectStream || isXref;
    if (candidates.length === 0) {
      if (strict) throw new Refusal({ ok: false, reason: "unreadable" });
      return;
    }
    const steps = this.filterSteps(dict);
    if (!steps) {
      if (strict) throw new Refusal({ ok: false, reason: "unreadable" });
      return;
    }
    // A picture or page is decoded once, to count it; what may hold objects is read every way a reader might.
    for (const data of strict ? candidates : candidates.slice(0, 1)) {
      const remaining = this.limits.maxDecodedBytes - this.decoded;
      let result;
      try {
        result = decodeChain(data, steps, remaining, this.inflate);
      } catch (error) {
        if (error instanceof DecodeBudgetExceeded) throw new Refusal({ ok: false, reason: "tooMuchData" });
        throw error;
      }
      if (!result.ok) {
        if (result.problem === "encrypted") throw new Refusal({ ok: false, reason: "encrypted" });
        // A damaged page or picture is the reader's problem; a damaged object stream could hide objects.
        if (strict) throw new Refusal({ ok: false, reason: "unreadable" });
        return;
      }
      if (steps.length > 0) this.decoded += result.data.length;
      if (isObjectStream) {
        if (result.imageData) throw new Refusal({ ok: false, reason: "unreadable" });
        this.inspectObjectStream(dict, result.data);
      } else if (isXref && !result.imageData) {
        this.readXrefStream(dict, result.data);
      }
    }
  }

  /** Every token of the decoded object stream, then each object at the offset its header gives. */
  private inspectObjectStream(dict: Value, data: Uint8Array) {
    this.work.grow(data.length);
    const sweep = this.lexer(data);
    try {
      while (sweep.next() !== Tok.Eof);
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
    }
    const count = this.integerOf(dictGet(dict, "N"));
    const first = this.integerOf(dictGet(dict, "First"));
    if (count === null || first === null || count < 0 || first < 0 || first > data.length) throw new Refusal({ ok: false, reason: "unreadable" });
    const header = this.lexer(data, 0, first);
    const offsets: number[] = [];
    try {
      for (let i = 0; i < count; i++) {
        if (header.next() !== Tok.Number || !header.integer) throw new ParseError("object number expected");
        if (header.next() !== Tok.Number || !header.integer) throw new ParseError("offset expected");
        offsets.push(first + header.number);
      }
    } catch (error) {
      if (error instanceof ParseError) throw new Refusal({ ok: false, reason: "unreadable" });
      throw error;
    }
    for (const offset of offsets) {
      if (offset >= data.length) continue;
      const lex = this.lexer(data, offset);
      try {
        const value = lex.value(0, this.limits.maxDepth);
        this.objectsRead++;
        this.noteDict(value);
      } catch (error) {
        if (!(error instanceof ParseError)) throw error;
      }
    }
  }

  /** Offsets of the objects a cross-reference stream lists (type 1 entries). */
  private readXrefStream(dict: Value, data: Uint8Array) {
    const widths = dictGet(dict, "W");
    if (widths?.kind !== "array" || widths.items.length < 3) return;
    const w = widths.items.slice(0, 3).map((v) => (v.kind === "number" && v.integer && v.value >= 0 && v.value <= 8 ? v.value : -1));
    if (w.some((x) => x < 0)) return;
    const entrySize = w[0]! + w[1]! + w[2]!;
    if (entrySize === 0) return;
    const field = (at: number, width: number) => {
      let value = 0;
      for (let k = 0; k < width; k++) value = value * 256 + data[at + k]!;
      return value;
    };
    for (let at = 0; at + entrySize <= data.length; at += entrySize) {
      const type = w[0] === 0 ? 1 : field(at, w[0]!);
      const offset = field(at + w[0]!, w[1]!);
      if (type === 1 && offset > 0 && offset < this.bytes.length) this.xrefOffsets.push(offset);
    }
  }
}

/**
 * Judges a PDF: refused when it carries active content anywhere, is encrypted (so it cannot be
 * read), decodes to more than the budget, is too convoluted to read in linear time, or has no
 * document catalog. `inflate` must honour its byte limit.
 */
export function inspectPdf(bytes: Uint8Array, inflate: Inflate, limits: PdfLimits = pdfLimits): PdfVerdict {
  try {
    return new Inspection(bytes, inflate, limits).run();
  } catch (error) {
    if (error instanceof Refusal) return error.verdict;
    if (error instanceof RangeError) return { ok: false, reason: "tooComplex" };
    throw error;
  }
}
