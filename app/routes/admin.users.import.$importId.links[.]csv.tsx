import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvLine, spreadsheetSafe } from "~/domain/user-import";
import { requireReach } from "~/guards.server";
import { translate, type MessageKey } from "~/i18n";
import { handoutsForDownload, ownImport } from "~/services/onboarding.server";

// The working invitation links of an import as a list that Excel opens (UTF-8 with BOM): one row per person.
const expiry = new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const admin = requireReach(request, context, "users.manage");
  const found = await ownImport(admin, context, params.importId, "users.links.download");
  const people = await handoutsForDownload(admin, context, found, "csv");

  const zh = (key: MessageKey) => translate("zh-CN", key);
  let body = "\uFEFF" + csvLine([zh("import.col.name"), zh("links.col.phone"), zh("links.col.email"), zh("import.col.org"), zh("links.col.link"), zh("links.col.expires")]);
  for (const p of people) {
    body += csvLine([p.name, p.phone ?? "", p.email ?? "", p.orgName ?? "", p.url ?? "", p.expiresAt ? translate("zh-CN", "links.beijingTime", { time: expiry.format(new Date(p.expiresAt)) }) : ""].map(spreadsheetSafe));
  }
  const base = found.fileName.replace(/\.(csv|xlsx)$/i, "");
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="invitation-links.csv"; filename*=UTF-8''${encodeURIComponent(`${base}-邀请链接.csv`)}`,
      // A list of sign-in links: never cached, never sent to another site.
      "Cache-Control": "private, no-store",
      "Referrer-Policy": "no-referrer",
    },
  });
}
