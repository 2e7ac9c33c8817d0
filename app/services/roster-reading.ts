import { inflateRawSync } from "node:zlib";
import ExcelJS from "exceljs";
import { entryDataOffset, workbookLimits, workbookProblem, zipDirectory, type ZipEntry } from "../domain/roster-file";
import { importLimits, type CsvRecord, type ImportProblem } from "../domain/user-import";

// A roster kept as an Excel workbook (.xlsx), read with exceljs into the same records a CSV file
// gives, so one set of row rules judges both (docs/decisions/014-onboarding.md). Runs in a worker
// thread (roster-workbook.server.ts), so relative imports only and no logger.

export type WorkbookRecords =
  | { ok: true; records: CsvRecord[]; sheetName: string }
  /** `detail`: what exceljs said about a workbook it could not read, for the log. */
  | { ok: false; problem: ImportProblem; detail?: string };

type CellValue = ExcelJS.CellValue;

/** The text a person sees in a cell: a phone typed as a number stays its digits, a formula shows its result. */
export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return Number.isInteger(value) && Math.abs(value) < 1e21 ? BigInt(value).toString() : String(value);
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ("richText" in value) return value.richText.map((part) => part.text).join("");
  if ("error" in value) return "";
  if ("formula" in value || "sharedFormula" in value) return cellText((value as ExcelJS.CellFormulaValue).result ?? null);
  if ("text" in value) return typeof value.text === "string" ? value.text : cellText(value.text);
  return "";
}

/**
 * Does every entry unpack to what the directory declares, within the budget? A zip bomb lies about its
 * sizes; inflating here with a cap on the output stops it before exceljs (JSZip) inflates it without one.
 */
export function unpackProblem(bytes: Uint8Array, entries: readonly ZipEntry[]): "damaged" | "tooBig" | null {
  let budget: number = workbookLimits.maxUnpackedBytes;
  for (const entry of entries) {
    const start = entryDataOffset(bytes, entry);
    if (start === null) return "damaged";
    const data = bytes.subarray(start, start + entry.compressedSize);
    let size: number;
    if (entry.method === 0) {
      size = data.length;
    } else {
      try {
        size = inflateRawSync(data, { maxOutputLength: Math.max(1, Math.min(budget, entry.uncompressedSize + 1)) }).length;
      } catch (error) {
        return error instanceof RangeError ? "tooBig" : "damaged";
      }
    }
    if (size !== entry.uncompressedSize) return size > entry.uncompressedSize ? "tooBig" : "damaged";
    budget -= size;
  }
  return null;
}

/** The first sheet that holds anything, as records numbered like the rows Excel shows. */
export async function readRosterWorkbook(bytes: Uint8Array): Promise<WorkbookRecords> {
  if (bytes.length > importLimits.maxBytes) return { ok: false, problem: { key: "import.file.tooLarge", params: { maxMb: importLimits.maxBytes / 1_000_000 } } };
  const entries = zipDirectory(bytes);
  const problem = workbookProblem(entries);
  if (problem === "notWorkbook") return { ok: false, problem: { key: "import.file.notWorkbook" } };
  if (problem === "tooBig") return { ok: false, problem: { key: "import.file.workbookTooBig" } };
  const unpacked = unpackProblem(bytes, entries!);
  if (unpacked) return { ok: false, problem: { key: unpacked === "tooBig" ? "import.file.workbookTooBig" : "import.file.workbookUnreadable" } };

  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs's own Buffer type predates the generic one of @types/node 20.
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer);
  } catch (error) {
    return { ok: false, problem: { key: "import.file.workbookUnreadable" }, detail: error instanceof Error ? error.message : String(error) };
  }
  const sheet = workbook.worksheets.find((s) => s.state === "visible" && s.actualRowCount > 0);
  if (!sheet) return { ok: false, problem: { key: "import.file.empty" } };
  if (sheet.actualRowCount > importLimits.maxRows + 1) {
    return { ok: false, problem: { key: "import.file.tooManyRows", params: { rows: sheet.actualRowCount - 1, max: importLimits.maxRows } } };
  }

  const rows: Array<{ row: number; fields: string[] }> = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const fields: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      fields[column - 1] = cellText(cell.value);
    });
    rows.push({ row: rowNumber, fields });
  });
  // A sheet has no ragged rows: empty trailing cells are just empty.
  const width = Math.max(0, ...rows.map((r) => r.fields.length));
  const records = rows.map((r) => ({ row: r.row, fields: Array.from({ length: width }, (_, i) => r.fields[i] ?? ""), malformed: false }));
  return { ok: true, records, sheetName: sheet.name };
}
