// The PDF stream filters a reader applies (ISO 32000-1 §7.4), decoded within a byte budget so a
// small file cannot grow into gigabytes. Flate is handed in (zlib is native code); the rest are
// plain loops. No I/O.

/** Thrown when a filter's output would pass the budget it was given. */
export class DecodeBudgetExceeded extends Error {
  constructor() {
    super("decoded data over the budget");
  }
}

/** Inflates zlib data to at most maxBytes: the bytes, "tooLarge", or null when the data is not zlib. */
export type Inflate = (data: Uint8Array, maxBytes: number) => Uint8Array | "tooLarge" | null;

/** Parameters of one filter (its /DecodeParms entry), numbers only. */
export interface FilterParams {
  predictor?: number;
  colors?: number;
  bitsPerComponent?: number;
  columns?: number;
  earlyChange?: number;
}

/** What a filter name means to us: decodable, an image codec (the data stays as it is), or unknown. */
export type FilterKind = "flate" | "lzw" | "asciiHex" | "ascii85" | "runLength" | "image" | "crypt" | "unknown";

// Readers accept the inline-image abbreviations in stream dictionaries too (pdf.js does), so we do.
const filterKinds: Record<string, FilterKind> = {
  FlateDecode: "flate",
  Fl: "flate",
  LZWDecode: "lzw",
  LZW: "lzw",
  ASCIIHexDecode: "asciiHex",
  AHx: "asciiHex",
  ASCII85Decode: "ascii85",
  A85: "ascii85",
  RunLengthDecode: "runLength",
  RL: "runLength",
  DCTDecode: "image",
  DCT: "image",
  JPXDecode: "image",
  JBIG2Decode: "image",
  CCITTFaxDecode: "image",
  CCF: "image",
  Crypt: "crypt",
};

export function filterKind(name: string): FilterKind {
  return Object.hasOwn(filterKinds, name) ? filterKinds[name]! : "unknown";
}

/** A growing output that refuses to pass its limit. */
class ByteSink {
  private buffer: Uint8Array;
  length = 0;
  constructor(private readonly limit: number, expected: number) {
    this.buffer = new Uint8Array(Math.max(16, Math.min(expected, limit)));
  }
  private room(extra: number) {
    const needed = this.length + extra;
    if (needed > this.limit) throw new DecodeBudgetExceeded();
    if (needed <= this.buffer.length) return;
    const grown = new Uint8Array(Math.min(this.limit, Math.max(needed, this.buffer.length * 2)));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
  push(byte: number) {
    if (this.length === this.buffer.length) this.room(1);
    else if (this.length + 1 > this.limit) throw new DecodeBudgetExceeded();
    this.buffer[this.length++] = byte;
  }
  pushRun(byte: number, count: number) {
    this.room(count);
    this.buffer.fill(byte, this.length, this.length + count);
    this.length += count;
  }
  pushBytes(bytes: Uint8Array) {
    this.room(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }
  result(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}

const isPdfWhitespace = (c: number) => c === 0x00 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x20;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** ASCIIHexDecode: pairs of hex digits up to ">"; other characters are skipped, as readers do. */
export function decodeAsciiHex(data: Uint8Array, limit: number): Uint8Array {
  const out = new ByteSink(limit, data.length >> 1);
  let high = -1;
  for (let i = 0; i < data.length; i++) {
    const c = data[i]!;
    if (c === 0x3e) break;
    const v = hexValue(c);
    if (v < 0) continue;
    if (high < 0) high = v;
    else {
      out.push((high << 4) | v);
      high = -1;
    }
  }
  if (high >= 0) out.push(high << 4);
  return out.result();
}

/** ASCII85Decode; null when a character outside the alphabet appears. */
export function decodeAscii85(data: Uint8Array, limit: number): Uint8Array | null {
  const out = new ByteSink(limit, Math.ceil((data.length * 4) / 5));
  let start = 0;
  if (data[0] === 0x3c && data[1] === 0x7e) start = 2;
  const group: number[] = [];
  const flush = (count: number) => {
    let value = 0;
    for (let k = 0; k < 5; k++) value = value * 85 + (k < group.length ? group[k]! : 84);
    if (value > 0xffffffff) return false;
    const bytes = [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
    for (let k = 0; k < count; k++) out.push(bytes[k]!);
    return true;
  };
  for (let i = start; i < data.length; i++) {
    const c = data[i]!;
    if (c === 0x7e) break;
    if (isPdfWhitespace(c)) continue;
    if (c === 0x7a && group.length === 0) {
      out.pushRun(0, 4);
      continue;
    }
    if (c < 0x21 || c > 0x75) return null;
    group.push(c - 0x21);
    if (group.length === 5) {
      if (!flush(4)) return null;
      group.length = 0;
    }
  }
  if (group.length === 1) return null;
  if (group.length > 1 && !flush(group.length - 1)) return null;
  return out.result();
}

/** RunLengthDecode: a length byte, then a literal run or one repeated byte; 128 ends the data. */
export function decodeRunLength(data: Uint8Array, limit: number): Uint8Array {
  const out = new ByteSink(limit, data.length * 2);
  let i = 0;
  while (i < data.length) {
    const length = data[i++]!;
    if (length === 128) break;
    if (length < 128) {
      const end = Math.min(data.length, i + length + 1);
      out.pushBytes(data.subarray(i, end));
      i = end;
    } else {
      if (i >= data.length) break;
      out.pushRun(data[i++]!, 257 - length);
    }
  }
  return out.result();
}

/** LZWDecode (9 to 12-bit codes, 256 clears, 257 ends); null on a code that cannot occur. */
export function decodeLzw(data: Uint8Array, limit: number, earlyChange = 1): Uint8Array | null {
  const out = new ByteSink(limit, data.length * 3);
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const lengthOf = new Uint16Array(4096);
  for (let i = 0; i < 256; i++) {
    prefix[i] = -1;
    suffix[i] = i;
    lengthOf[i] = 1;
  }
  const scratch = new Uint8Array(4096);
  let next = 258;
  let codeBits = 9;
  let previous = -1;
  let bitBuffer = 0;
  let bitCount = 0;
  let index = 0;
  const firstByte = (code: number) => {
    while (prefix[code]! >= 0) code = prefix[code]!;
    return suffix[code]!;
  };
  const write = (code: number) => {
    const length = lengthOf[code]!;
    for (let k = length - 1; k >= 0; k--) {
      scratch[k] = suffix[code]!;
      code = prefix[code]!;
    }
    out.pushBytes(scratch.subarray(0, length));
  };
  for (;;) {
    while (bitCount < codeBits) {
      if (index >= data.length) return out.result();
      bitBuffer = ((bitBuffer << 8) | data[index++]!) & 0xffffff;
      bitCount += 8;
    }
    const code = (bitBuffer >>> (bitCount - codeBits)) & ((1 << codeBits) - 1);
    bitCount -= codeBits;
    if (code === 256) {
      next = 258;
      codeBits = 9;
      previous = -1;
      continue;
    }
    if (code === 257) return out.result();
    if (previous < 0) {
      if (code > 255) return null;
      write(code);
      previous = code;
      continue;
    }
    let first: number;
    if (code < next) first = firstByte(code);
    else if (code === next) first = firstByte(previous);
    else return null;
    if (next < 4096) {
      prefix[next] = previous;
      suffix[next] = first;
      lengthOf[next] = lengthOf[previous]! + 1;
      next++;
    }
    write(code);
    previous = code;
    const threshold = next + earlyChange;
    codeBits = threshold >= 2048 ? 12 : threshold >= 1024 ? 11 : threshold >= 512 ? 10 : 9;
  }
}

/**
 * Undoes a TIFF (2) or PNG (10–15) predictor, as readers do after Flate and LZW. Never larger than
 * its input; null when the parameters are ones we cannot undo (readers would show garbage too).
 */
export function undoPredictor(data: Uint8Array, params: FilterParams): Uint8Array | null {
  const predictor = params.predictor ?? 1;
  if (predictor <= 1) return data;
  const colors = params.colors ?? 1;
  const bits = params.bitsPerComponent ?? 8;
  const columns = params.columns ?? 1;
  if (![1, 2, 4, 8, 16].includes(bits) || colors < 1 || colors > 32 || columns < 1 || columns > 1 << 20) return null;
  const pixelBytes = Math.max(1, Math.ceil((colors * bits) / 8));
  const rowBytes = Math.ceil((columns * colors * bits) / 8);
  if (predictor === 2) {
    if (bits !== 8) return null;
    const out = new Uint8Array(data);
    for (let row = 0; row < out.length; row += rowBytes) {
      const end = Math.min(out.length, row + rowBytes);
      for (let i = row + pixelBytes; i < end; i++) out[i] = (out[i]! + out[i - pixelBytes]!) & 0xff;
    }
    return out;
  }
  if (predictor < 10 || predictor > 15) return null;
  const rows = Math.floor(data.length / (rowBytes + 1));
  const out = new Uint8Array(rows * rowBytes);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowBytes + 1)]!;
    const source = r * (rowBytes + 1) + 1;
    const target = r * rowBytes;
    for (let i = 0; i < rowBytes; i++) {
      const raw = data[source + i]!;
      const left = i >= pixelBytes ? out[target + i - pixelBytes]! : 0;
      const up = r > 0 ? out[target - rowBytes + i]! : 0;
      const upLeft = r > 0 && i >= pixelBytes ? out[target - rowBytes + i - pixelBytes]! : 0;
      let value: number;
      switch (type) {
        case 0:
          value = raw;
          break;
        case 1:
          value = raw + left;
          break;
        case 2:
          value = raw + up;
          break;
        case 3:
          value = raw + ((left + up) >> 1);
          break;
        case 4: {
          const p = left + up - upLeft;
          const pa = Math.abs(p - left);
          const pb = Math.abs(p - up);
          const pc = Math.abs(p - upLeft);
          value = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
          break;
        }
        default:
          return null;
      }
      out[target + i] = value & 0xff;
    }
  }
  return out;
}

/** One step of a filter chain: what to apply and with which parameters. */
export interface FilterStep {
  name: string;
  params: FilterParams;
}

export type ChainResult =
  | { ok: true; data: Uint8Array; imageData: boolean }
  | { ok: false; problem: "corrupt" | "unknownFilter" | "encrypted" };

/**
 * Applies a stream's filters in order. Each step's output is held to `limit` bytes (else
 * DecodeBudgetExceeded is thrown). An image codec ends the chain: its input is the image itself.
 */
export function decodeChain(raw: Uint8Array, steps: readonly FilterStep[], limit: number, inflate: Inflate): ChainResult {
  let data = raw;
  for (const step of steps) {
    const kind = filterKind(step.name);
    let decoded: Uint8Array | null;
    switch (kind) {
      case "image":
        return { ok: true, data, imageData: true };
      case "crypt":
        return { ok: false, problem: "encrypted" };
      case "unknown":
        return { ok: false, problem: "unknownFilter" };
      case "flate": {
        const inflated = inflate(data, limit);
        if (inflated === "tooLarge") throw new DecodeBudgetExceeded();
        decoded = inflated && undoPredictor(inflated, step.params);
        break;
      }
      case "lzw": {
        const expanded = decodeLzw(data, limit, step.params.earlyChange ?? 1);
        decoded = expanded && undoPredictor(expanded, step.params);
        break;
      }
      case "asciiHex":
        decoded = decodeAsciiHex(data, limit);
        break;
      case "ascii85":
        decoded = decodeAscii85(data, limit);
        break;
      case "runLength":
        decoded = decodeRunLength(data, limit);
        break;
    }
    if (!decoded) return { ok: false, problem: "corrupt" };
    data = decoded;
  }
  return { ok: true, data, imageData: false };
}
