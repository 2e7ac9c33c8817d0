import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { FilterSelect } from "~/components/filter-select";
import { Pagination, pageFromUrl } from "~/components/pagination";
import { db } from "~/db.server";
import { inReach } from "~/domain/reach";
import { requireReach } from "~/guards.server";
import { useT } from "~/i18n";
import { listAuditEvents } from "~/models/audit.server";

export const meta: MetaFunction = () => [{ title: "审计日志 · 百城学堂" }];
const pageSize = 50;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "audit.view");
  const url = new URL(request.url);
  const action = (url.searchParams.get("action") ?? "").replace(/[^a-z._]/g, "").slice(0, 40);
  const page = pageFromUrl(url);
  const { rows, total } = await listAuditEvents(db(), { action: action || undefined, scopePath: me.reach.path, page, pageSize });
  return json({
    // An address is shown only for actors inside the reader's own reach (not a superior's sign-ins).
    events: rows.map(({ actor_path, ip, ...r }) => ({
      ...r,
      ip: r.actor_name === null || inReach(me.reach, actor_path) ? ip : null,
      at: new Date(r.at).toISOString(),
    })),
    total,
    page,
    action,
  });
}

const time = new Intl.DateTimeFormat("zh-CN", { dateStyle: "short", timeStyle: "medium", timeZone: "Asia/Shanghai" });

export default function AuditLog() {
  const { events, total, page, action } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{t("admin.audit")}</h1>
      <Form method="get" className="toolbar card">
        <FilterSelect
          name="action"
          label={t("audit.col.action")}
          value={action}
          options={["login", "user", "password", "users.imported", "org"].map((a) => ({ value: a, label: a === "users.imported" ? a : `${a}.*` }))}
        />
        <button type="submit" className="button">
          {t("users.filter.apply")}
        </button>
      </Form>
      <DataTable
        rows={events}
        rowKey={(e) => e.id}
        empty={t("audit.empty")}
        columns={[
          { label: t("audit.col.at"), cell: (e) => time.format(new Date(e.at)) },
          { label: t("audit.col.actor"), cell: (e) => e.actor_name ?? t("common.system") },
          { label: t("audit.col.action"), cell: (e) => <code>{e.action}</code> },
          {
            label: t("audit.col.target"),
            cell: (e) => (
              <>
                {e.target_type ? `${e.target_type} ${e.target_id?.slice(0, 8) ?? ""}` : "—"}
                {Object.keys(e.details ?? {}).length ? <small className="muted"> {JSON.stringify(e.details)}</small> : null}
              </>
            ),
          },
          { label: t("audit.col.ip"), cell: (e) => e.ip ?? "—" },
        ]}
      />
      <Pagination page={page} pageSize={pageSize} total={total} />
    </>
  );
}
