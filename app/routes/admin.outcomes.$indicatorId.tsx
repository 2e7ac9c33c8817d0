import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { db } from "~/db.server";
import { notFound, requireReach } from "~/guards.server";
import { useT } from "~/i18n";
import { evidenceRows, indicatorFigure } from "~/models/outcomes.server";
import { outcomeScope } from "~/services/outcome-scope.server";

export const meta: MetaFunction = () => [{ title: "成果明细 · 百城学堂" }];

// The list behind one figure of the dashboard: the same query, so the total always equals the figure.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "outcomes.view");
  const url = new URL(request.url);
  const scope = await outcomeScope(me.reach, url, context);
  const indicator = scope.indicators.find((i) => i.id === params.indicatorId);
  if (!indicator) throw notFound();
  const inScope = { track: scope.track, regionPath: scope.region.path, window: scope.window };
  const [rows, figure] = await Promise.all([evidenceRows(db(), indicator, inScope, 500), indicatorFigure(db(), indicator, inScope)]);
  return json({
    indicator: { id: indicator.id, title: indicator.title.zh, measure: indicator.measure.kind },
    region: scope.region.name,
    back: `/admin/outcomes?region=${scope.region.id}&track=${scope.track}&year=${scope.year}`,
    figure,
    rows,
    shown: rows.length,
  });
}

export default function OutcomeDrillDown() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="stack">
      <p>
        <Link to={data.back}>← {t("outcomes.title")}</Link>
      </p>
      <h1>{t("outcomes.drill.title", { indicator: data.indicator.title })}</h1>
      <p className="lead">
        {data.region} · {t("outcomes.drill.total", { figure: data.figure.toLocaleString("zh-CN"), rows: data.shown })}
      </p>
      {data.shown >= 500 ? <p className="hint">{t("outcomes.drill.truncated", { rows: data.shown })}</p> : null}
      <DataTable
        rows={data.rows}
        rowKey={(r) => r.id}
        empty={t("outcomes.drill.empty")}
        columns={[
          { label: t("outcomes.col.record"), cell: (r) => (r.link ? <Link to={r.link}>{r.label || "—"}</Link> : r.label) },
          { label: t("outcomes.col.who"), cell: (r) => r.who },
          { label: t("outcomes.col.org"), cell: (r) => r.org ?? "—" },
          { label: t("outcomes.col.date"), cell: (r) => r.date },
          { label: t("outcomes.col.amount"), cell: (r) => r.amount.toLocaleString("zh-CN") },
        ]}
      />
    </div>
  );
}
