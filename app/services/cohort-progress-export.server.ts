import type { ProgressRow } from "~/domain/cohort-progress";
import { csvLine, spreadsheetSafe } from "~/domain/user-import";
import { describeMissing } from "~/models/eligibility.server";

// The cohort view's table as CSV (UTF-8 with a BOM, so Excel reads the Chinese) and as an Excel
// workbook: the same rows and columns the page shows, numbers as numbers.

const header = ["姓名", "手机号", "单位", "已读模块", "模块总数", "通过任务", "任务总数", "逾期任务", "参加本期活动", "本期已举办活动", "计入学时", "颁证情况", "尚缺条件", "进度落后"];
const standingText = { certified: "已获证书", eligible: "符合颁证条件", missing: "未达颁证条件" } as const;

function cells(r: ProgressRow): Array<string | number> {
  return [
    r.name,
    r.phone ?? "",
    r.unit ?? "",
    r.modulesRead,
    r.modulesTotal,
    r.tasksPassed,
    r.tasksTotal,
    r.overdue,
    r.sessionsAttended,
    r.sessionsHeld,
    r.hoursAttended,
    standingText[r.standing],
    r.missing.map(describeMissing).join("；"),
    r.behind ? "是" : "否",
  ];
}

export function progressCsv(rows: readonly ProgressRow[]): string {
  return "\uFEFF" + [header, ...rows.map((r) => cells(r).map((c) => (typeof c === "number" ? String(c) : spreadsheetSafe(c))))].map((line) => csvLine(line)).join("");
}

export async function progressWorkbook(rows: readonly ProgressRow[]): Promise<Uint8Array> {
  // exceljs is loaded by the first export, not at server start (issue #16, cold start).
  const { default: ExcelJS } = await import("exceljs");
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("学员进度");
  sheet.addRow(header).font = { bold: true };
  for (const r of rows) sheet.addRow(cells(r));
  sheet.columns.forEach((c, i) => (c.width = i === 12 ? 40 : 14));
  return new Uint8Array(await book.xlsx.writeBuffer());
}
