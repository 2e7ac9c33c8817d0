import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { inReach } from "~/domain/reach";
import { notFound, refuseOutsideReach, requireReach } from "~/guards.server";
import { todayInChina } from "~/domain/submission-input";
import { translate } from "~/i18n";
import { getExport } from "~/models/exports.server";
import { storage } from "~/services/storage.server";

// The finished CSV, only for the admin who asked for it, while the region is still theirs.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "outcomes.view");
  const id = params.exportId ?? "";
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await getExport(db(), id) : undefined;
  if (!row || row.created_by !== me.id) throw notFound();
  // An admin moved to another region no longer downloads what they exported of the old one.
  const regionPath = (row.params as { regionPath?: unknown }).regionPath;
  if (typeof regionPath !== "string" || !inReach(me.reach, regionPath)) {
    await refuseOutsideReach(context, { attempted: "export.download", targetType: "export", targetId: row.id });
  }
  if (row.status !== "done" || !row.file_key) return new Response("导出尚未完成 / Export not finished", { status: 409 });
  const bytes = await storage().get(row.file_key);
  if (!bytes) throw notFound();
  // The Beijing date: an export asked for at 07:30 in Beijing is still "yesterday" in UTC.
  const name = translate("zh-CN", row.kind === "trainees" ? "exports.file.trainees" : "exports.file.indicators", { date: todayInChina(new Date(row.created_at)) });
  return new Response(bytes, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="export.csv"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}
