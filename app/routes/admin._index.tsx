import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AdminSearchForm } from "~/components/admin-search";
import { catalog } from "~/catalog/catalog.server";
import { db } from "~/db.server";
import { attentionItems, attentionLink, attentionThresholds, figureText, type AttentionItem } from "~/domain/attention";
import { isProgrammeWide, listingPrefix } from "~/domain/reach";
import { requireReach } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { refreshStaleEligibility } from "~/models/eligibility.server";
import { getOrgUnit } from "~/models/orgs.server";
import { regionAttention } from "~/models/region-attention.server";

export const meta: MetaFunction = () => [{ title: "管理后台 · 百城学堂" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  // The certificate list catches up on stale evaluations before listing; do the same before counting it.
  await refreshStaleEligibility(db(), catalog(), { orgPath: listingPrefix(me.reach), limit: 200 });
  const [figures, unit] = await Promise.all([regionAttention(db(), me.reach), getOrgUnit(db(), me.reach.unitId)]);
  // The queue board is for admins of the whole programme; regional admins would only meet its 403.
  return json({ queueBoard: isProgrammeWide(me.reach), region: unit?.name ?? "", figures });
}

// reloadDocument: the queue board is served by server.ts, not by a Remix route.
const sections: Array<{ to: string; title: MessageKey; lead: MessageKey; reloadDocument?: true }> = [
  { to: "/admin/users", title: "admin.users", lead: "admin.users.lead" },
  { to: "/admin/users/import", title: "admin.import", lead: "admin.import.lead" },
  { to: "/admin/orgs", title: "admin.orgs", lead: "admin.orgs.lead" },
  { to: "/admin/outcomes", title: "outcomes.title", lead: "admin.outcomes.lead" },
  { to: "/admin/exports", title: "exports.title", lead: "admin.exports.lead" },
  { to: "/admin/showcase", title: "showcase.admin.title", lead: "showcase.admin.lead" },
  { to: "/admin/audit", title: "admin.audit", lead: "admin.audit.lead" },
  { to: "/admin/deliveries", title: "deliveries.title", lead: "deliveries.lead" },
  { to: "/admin/reminders", title: "reminders.title", lead: "admin.reminders.lead" },
  { to: "/admin/certificates", title: "admin.certificates", lead: "admin.certificates.lead" },
  { to: "/admin/assignments", title: "assignments.title", lead: "assignments.lead" },
  { to: "/admin/cohorts", title: "cohorts.title", lead: "cohorts.adminLead" },
  { to: "/admin/sessions", title: "sessions.admin.title", lead: "sessions.admin.lead" },
  { to: "/admin/calibration", title: "calibration.admin.title", lead: "calibration.admin.lead" },
  { to: "/admin/queues", title: "queues.title", lead: "queues.lead", reloadDocument: true },
];

const attentionText: Record<AttentionItem, { title: MessageKey; hint: MessageKey; days?: number }> = {
  waiting: { title: "attention.waiting", hint: "attention.waiting.hint", days: attentionThresholds.waitingDays },
  invited: { title: "attention.invited", hint: "attention.invited.hint" },
  stalled: { title: "attention.stalled", hint: "attention.stalled.hint", days: attentionThresholds.stalledDays },
  eligible: { title: "attention.eligible", hint: "attention.eligible.hint" },
  expiring: { title: "attention.expiring", hint: "attention.expiring.hint", days: attentionThresholds.expiringDays },
};

export default function AdminHome() {
  const t = useT();
  const { queueBoard, region, figures } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("admin.title")}</h1>
      <AdminSearchForm />
      <section aria-labelledby="attention-title" className="stack">
        <h2 id="attention-title">{t("attention.title")}</h2>
        <p className="muted">{t("attention.lead", { region })}</p>
        <ul className="attention-grid" role="list">
          {attentionItems.map((item) => {
            const text = attentionText[item];
            const params = { days: text.days ?? 0 };
            const figure = figures[item];
            return (
              <li key={item} className={`card attention${figure > 0 ? " attention-due" : ""}`} data-attention={item}>
                <Link to={attentionLink(item)} className="attention-link">
                  <span className="attention-figure">{figureText(figure)}</span>
                  <span className="attention-title">{t(text.title, params)}</span>
                </Link>
                <p className="hint">{t(text.hint, params)}</p>
              </li>
            );
          })}
        </ul>
      </section>
      <h2>{t("attention.sections")}</h2>
      <div className="grid two">
        {sections.filter((s) => queueBoard || s.to !== "/admin/queues").map((s) => (
          <Link key={s.to} to={s.to} reloadDocument={s.reloadDocument} className="card card-link">
            <h3 className="card-title">{t(s.title)}</h3>
            <p className="muted">{t(s.lead)}</p>
          </Link>
        ))}
      </div>
    </>
  );
}
