import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { groupedPhone } from "~/domain/onboarding";
import { requireReach } from "~/guards.server";
import { useT } from "~/i18n";
import { handoutsForDownload, ownImport, qrSvg } from "~/services/onboarding.server";

// The printable A4 sheet for a training day: one card per person with their QR code (their invitation
// link), name, phone and expiry. Print CSS hides the site around it (app.css, "handout").

export const meta: MetaFunction = () => [{ title: "邀请二维码打印页 · 百城学堂" }, { name: "referrer", content: "no-referrer" }];

const expiry = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false });

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const admin = requireReach(request, context, "users.manage");
  const found = await ownImport(admin, context, params.importId, "users.links.sheet");
  const people = await handoutsForDownload(admin, context, found, "sheet");
  const cards = await Promise.all(
    people.map(async (p) => ({
      id: p.id,
      name: p.name,
      phone: groupedPhone(p.phone),
      email: p.phone ? null : p.email,
      orgName: p.orgName,
      url: p.url ?? "",
      expiresAt: p.expiresAt ? expiry.format(new Date(p.expiresAt)) : "",
      qr: await qrSvg(p.url ?? ""),
    })),
  );
  return json({ id: found.id, fileName: found.fileName, cards }, { headers: { "Cache-Control": "private, no-store" } });
}

export default function HandoutSheet() {
  const { id, fileName, cards } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="handout">
      <div className="handout-intro no-print">
        <p>
          <Link to={`/admin/users/import/${id}`}>← {t("links.sheet.back")}</Link>
        </p>
        <h1>{t("links.sheet.title")}</h1>
        <p className="muted">{t("import.preview.file", { file: fileName })}</p>
        {cards.length ? (
          <>
            <p>{t("links.sheet.lead", { count: cards.length })}</p>
            <button type="button" className="button" onClick={() => window.print()}>
              {t("links.sheet.print")}
            </button>
          </>
        ) : (
          <p>{t("links.sheet.empty")}</p>
        )}
      </div>
      <ol className="handout-cards" aria-label={t("links.sheet.title")}>
        {cards.map((c) => (
          <li key={c.id} className="handout-card" data-testid="handout-card">
            <div className="handout-qr" role="img" aria-label={t("links.sheet.scan")} dangerouslySetInnerHTML={{ __html: c.qr }} />
            <div className="handout-text">
              <p className="handout-name">{c.name}</p>
              <p className="handout-contact">{c.phone || c.email}</p>
              {c.orgName ? <p className="handout-org">{c.orgName}</p> : null}
              <p className="handout-scan">{t("links.sheet.scan")}</p>
              <p className="handout-expiry">{t("links.sheet.expires", { expiry: c.expiresAt })}</p>
              <p className="handout-url">
                {t("links.sheet.orType")}
                <span>{c.url}</span>
              </p>
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}
