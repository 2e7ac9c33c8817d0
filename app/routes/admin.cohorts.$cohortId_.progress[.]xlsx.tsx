import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { requireReach } from "~/guards.server";
import { downloadResponse } from "~/services/attendance-export.server";
import { cohortInReach } from "~/services/cohort-access.server";
import { progressWorkbook } from "~/services/cohort-progress-export.server";
import { cohortProgress } from "~/services/cohort-progress.server";

// The cohort view's table as an Excel workbook; `?show=behind` as on the page.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const cohort = await cohortInReach(me, context, params.cohortId, "cohort.progress_export");
  const behindOnly = new URL(request.url).searchParams.get("show") === "behind";
  const { rows } = await cohortProgress(db(), cohort);
  return downloadResponse(await progressWorkbook(behindOnly ? rows.filter((r) => r.behind) : rows), `学员进度-${cohort.name}.xlsx`, "xlsx", "progress");
}
