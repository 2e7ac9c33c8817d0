import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { requireReach } from "~/guards.server";
import { attendanceExportRows } from "~/models/training-sessions.server";
import { attendanceWorkbook, downloadResponse } from "~/services/attendance-export.server";
import { cohortInReach } from "~/services/cohort-access.server";

// A cohort's attendance, every session of it, as an Excel workbook.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const cohort = await cohortInReach(me, context, params.cohortId, "attendance.export");
  const rows = await attendanceExportRows(db(), { cohortId: cohort.id });
  return downloadResponse(await attendanceWorkbook(rows), `考勤-${cohort.name}.xlsx`, "xlsx");
}
