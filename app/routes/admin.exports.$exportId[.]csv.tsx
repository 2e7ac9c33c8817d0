import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { inReach } from "~/domain/reach";
import { notFound, refuseOutsideReach, requireReach } from "~/guards.server";
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
  const name = `${row.kind === "trainees" ? "学员数据" : "指标数据"}-${new Date(row.created_at).toISOString().slice(0, 10)}.csv`;
  return new Response(bytes, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="export.csv"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}
