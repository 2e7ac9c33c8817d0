import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { requireReach } from "~/guards.server";
import { attendanceExportRows } from "~/models/training-sessions.server";
import { attendanceCsv, downloadResponse } from "~/services/attendance-export.server";
import { cohortInReach } from "~/services/cohort-access.server";

// A cohort's attendance, every session of it, as CSV (UTF-8 with BOM).
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const cohort = await cohortInReach(me, context, params.cohortId, "attendance.export");
  const rows = await attendanceExportRows(db(), { cohortId: cohort.id });
  return downloadResponse(attendanceCsv(rows), `考勤-${cohort.name}.csv`, "csv");
}
