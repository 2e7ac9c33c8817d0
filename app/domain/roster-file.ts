// What an uploaded roster is, judged from its bytes (never its name or the browser's type), and
// whether a workbook's zip directory is one we are willing to open.

export type RosterKind = "xlsx" | "xls" | "text";

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) => prefix.every((b, i) => bytes[i] === b);

/** A zip archive (an .xlsx is one), an old OLE .xls, or anything else (read as CSV text, which refuses binaries). */
export function sniffRoster(bytes: Uint8Array): RosterKind {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return "xlsx";
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0])) return "xls";
  return "text";
}

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated; nothing else belongs in a workbook. */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Where the entry's local header starts. */
  localOffset: number;
}

/** The entries of a zip's central directory, or null when it cannot be read (or is ZIP64, which no roster needs). */
export function zipDirectory(bytes: Uint8Array): ZipEntry[] | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record sits in the last 22 bytes plus a comment of up to 65,535.
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65_535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) return null;
  const count = view.getUint16(end + 10, true);
  const size = view.getUint32(end + 12, true);
  const offset = view.getUint32(end + 16, true);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff || offset + size > end) return null;
  const entries: ZipEntry[] = [];
  let at = offset;
  const decoder = new TextDecoder("utf-8");
  for (let n = 0; n < count; n++) {
    if (at + 46 > end || view.getUint32(at, true) !== 0x02014b50) return null;
    const method = view.getUint16(at + 10, true);
    const compressedSize = view.getUint32(at + 20, true);
    const uncompressedSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const localOffset = view.getUint32(at + 42, true);
    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localOffset >= offset) return null;
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    entries.push({ name, method, compressedSize, uncompressedSize, localOffset });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

export const workbookLimits = {
  /** What the unpacked parts of a roster may add up to: 5,000 rows take a few MB. */
  maxUnpackedBytes: 50 * 1024 * 1024,
  maxEntries: 500,
} as const;

export type WorkbookProblem = "notWorkbook" | "tooBig" | null;

/** Where an entry's data starts (after its local header), or null when the header is not where the directory says. */
export function entryDataOffset(bytes: Uint8Array, entry: ZipEntry): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (entry.localOffset + 30 > bytes.length || view.getUint32(entry.localOffset, true) !== 0x04034b50) return null;
  const start = entry.localOffset + 30 + view.getUint16(entry.localOffset + 26, true) + view.getUint16(entry.localOffset + 28, true);
  return start + entry.compressedSize <= bytes.length ? start : null;
}

/**
 * Is this zip an Excel workbook of a size we open? Word files and other zips are refused by name,
 * and so is a directory that says it unpacks to more than a roster ever does (a zip bomb).
 */
export function workbookProblem(entries: readonly ZipEntry[] | null): WorkbookProblem {
  if (!entries) return "notWorkbook";
  const names = new Set(entries.map((e) => e.name));
  if (!names.has("[Content_Types].xml") || !names.has("xl/workbook.xml")) return "notWorkbook";
  if (entries.some((e) => e.method !== 0 && e.method !== 8)) return "notWorkbook";
  if (entries.length > workbookLimits.maxEntries) return "tooBig";
  const unpacked = entries.reduce((sum, e) => sum + e.uncompressedSize, 0);
  return unpacked > workbookLimits.maxUnpackedBytes ? "tooBig" : null;
}
