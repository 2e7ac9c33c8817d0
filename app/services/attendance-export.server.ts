import { csvLine, spreadsheetSafe } from "~/domain/user-import";
import { translate, type MessageKey } from "~/i18n";
import { formatDateTime } from "~/i18n/dates";
import type { attendanceExportRows } from "~/models/training-sessions.server";

// Attendance as CSV (UTF-8 with a BOM, so Excel reads the Chinese) and as an Excel workbook.

type Row = Awaited<ReturnType<typeof attendanceExportRows>>[number];
const zh = (key: string) => translate("zh-CN", key as MessageKey);
const header = ["活动", "类型", "开始时间", "学时", "姓名", "手机号", "单位", "报名状态", "考勤", "方式", "记录时间", "备注"];

function cells(r: Row): string[] {
  return [
    r.title,
    zh(`sessions.kind.${r.kind}`),
    formatDateTime(r.starts_at),
    r.hours ?? "",
    r.name,
    r.phone ?? "",
    r.unit_name ?? "",
    zh(`sessions.status.${r.enrolment}`),
    r.attendance ? zh(`sessions.attended.${r.attendance}`) : "未记录",
    r.via === "qr" ? "扫码" : r.via === "manual" ? "手工" : "",
    r.marked_at ? formatDateTime(r.marked_at) : "",
    r.note ?? "",
  ];
}

export function attendanceCsv(rows: readonly Row[]): string {
  return "\uFEFF" + [header, ...rows.map((r) => cells(r).map(spreadsheetSafe))].map((line) => csvLine(line)).join("");
}

export async function attendanceWorkbook(rows: readonly Row[]): Promise<Uint8Array> {
  // exceljs is loaded by the first export, not at server start (issue #16, cold start).
  const { default: ExcelJS } = await import("exceljs");
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("考勤");
  sheet.addRow(header).font = { bold: true };
  for (const r of rows) sheet.addRow(cells(r));
  sheet.columns.forEach((c) => (c.width = 16));
  return new Uint8Array(await book.xlsx.writeBuffer());
}

export function downloadResponse(body: string | Uint8Array, fileName: string, type: "csv" | "xlsx", asciiName = "attendance"): Response {
  return new Response(typeof body === "string" ? body : new Blob([body as Uint8Array<ArrayBuffer>]), {
    headers: {
      "Content-Type": type === "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="${asciiName}.${type}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      "Cache-Control": "private, no-store",
    },
  });
}
