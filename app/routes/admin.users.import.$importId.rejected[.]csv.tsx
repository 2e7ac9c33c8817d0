import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { csvLine, isImportable, spreadsheetSafe, templateHeader } from "~/domain/user-import";
import { notFound, requireReach } from "~/guards.server";
import { translate } from "~/i18n";
import { getImport } from "~/models/user-imports.server";

// Rejected rows with their reasons. The file keeps the import columns, so it can be fixed and uploaded again
// (the row-number and reason columns are ignored on upload).
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const admin = requireReach(request, context, "users.manage");
  const found = params.importId ? await getImport(db(), params.importId, admin.id) : undefined;
  if (!found) throw notFound(translate("zh-CN", "import.notFound"));

  const zh = (key: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate("zh-CN", key, p);
  let body = "\uFEFF" + csvLine([zh("import.col.row"), ...templateHeader, zh("import.col.reasons")]);
  for (const v of found.verdicts) {
    if (isImportable(v)) continue;
    const { name, phone, email, roles, org, track } = v.values;
    const reasons = v.reasons.map((r) => zh(r.key, r.params)).join("");
    body += csvLine([String(v.row), ...[name, phone, email, roles, org, track, reasons].map(spreadsheetSafe)]);
  }
  const base = found.fileName.replace(/\.(csv|xlsx)$/i, "");
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="rejected-rows.csv"; filename*=UTF-8''${encodeURIComponent(`${base}-未导入.csv`)}`,
      "Cache-Control": "private, no-store",
    },
  });
}
