import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { requireReach } from "~/guards.server";
import { attendanceExportRows } from "~/models/training-sessions.server";
import { attendanceWorkbook, downloadResponse } from "~/services/attendance-export.server";
import { sessionInReach } from "~/services/session-access.server";

// One session's attendance as an Excel workbook.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const session = await sessionInReach(me, context, params.sessionId, "attendance.export");
  const rows = await attendanceExportRows(db(), { sessionId: session.id });
  return downloadResponse(await attendanceWorkbook(rows), `考勤-${session.title}.xlsx`, "xlsx");
}
