import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvLine, templateHeader } from "~/domain/user-import";
import { requireReach } from "~/guards.server";

// The header row only: sample rows would be imported by whoever forgets to delete them.
export async function loader({ request, context }: LoaderFunctionArgs) {
  requireReach(request, context, "users.manage");
  // The BOM makes Excel open the file as UTF-8 instead of the system code page.
  return new Response(`\uFEFF${csvLine(templateHeader)}`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="user-import-template.csv"; filename*=UTF-8''${encodeURIComponent("用户导入模板.csv")}`,
      "Cache-Control": "private, no-store",
    },
  });
}
