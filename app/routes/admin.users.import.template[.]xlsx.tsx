import type { LoaderFunctionArgs } from "@remix-run/node";
import { importColumns, templateHeader } from "~/domain/user-import";
import { requireReach } from "~/guards.server";

// The roster template as a workbook: the header row only (sample rows would be imported by whoever forgets
// to delete them), the phone column formatted as text so Excel keeps all eleven digits.
export async function loader({ request, context }: LoaderFunctionArgs) {
  requireReach(request, context, "users.manage");
  // exceljs is loaded by the first download, not at server start (issue #16, cold start).
  const { default: ExcelJS } = await import("exceljs");
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("名单");
  sheet.columns = importColumns.map((column, i) => ({ header: templateHeader[i], key: column, width: column === "org" ? 48 : 16, style: column === "phone" ? { numFmt: "@" } : {} }));
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: "frozen", ySplit: 1 }];
  const bytes = await workbook.xlsx.writeBuffer();
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="user-import-template.xlsx"; filename*=UTF-8''${encodeURIComponent("用户导入模板.xlsx")}`,
      "Cache-Control": "private, no-store",
    },
  });
}
