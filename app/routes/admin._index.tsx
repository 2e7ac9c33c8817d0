import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { isProgrammeWide } from "~/domain/reach";
import { requireReach } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";

export const meta: MetaFunction = () => [{ title: "管理后台 · 百城学堂" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  // The queue board is for admins of the whole programme; regional admins would only meet its 403.
  return json({ queueBoard: isProgrammeWide(me.reach) });
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
  { to: "/admin/certificates", title: "admin.certificates", lead: "admin.certificates.lead" },
  { to: "/admin/assignments", title: "assignments.title", lead: "assignments.lead" },
  { to: "/admin/calibration", title: "calibration.admin.title", lead: "calibration.admin.lead" },
  { to: "/admin/queues", title: "queues.title", lead: "queues.lead", reloadDocument: true },
];

export default function AdminHome() {
  const t = useT();
  const { queueBoard } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("admin.title")}</h1>
      <div className="grid two">
        {sections.filter((s) => queueBoard || s.to !== "/admin/queues").map((s) => (
          <Link key={s.to} to={s.to} reloadDocument={s.reloadDocument} className="card card-link">
            <h2 className="card-title">{t(s.title)}</h2>
            <p className="muted">{t(s.lead)}</p>
          </Link>
        ))}
      </div>
    </>
  );
}
