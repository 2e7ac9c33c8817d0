import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { db } from "~/db.server";
import { figureFromMonths } from "~/domain/outcomes";
import { notFound, requireReach } from "~/guards.server";
import { useT } from "~/i18n";
import { evidenceRows, summaryFigures } from "~/models/outcomes.server";
import { outcomeRegionScope } from "~/services/outcome-scope.server";

export const meta: MetaFunction = () => [{ title: "成果明细 · 百城学堂" }];

export const rowsPerPage = 100;

// The list behind one figure of the dashboard, a page at a time. The figure is the kept summary, the rows
// come from the indicator's base query; the summaries are checked against that same query (tests after
// every kind of change, and nightly), so the pages add up to the figure.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "outcomes.view");
  const url = new URL(request.url);
  const scope = await outcomeRegionScope(me.reach, url, context);
  const indicator = scope.indicators.find((i) => i.id === params.indicatorId);
  if (!indicator) throw notFound();
  const inScope = { track: scope.track, regionPath: scope.region.path, window: scope.window };
  const after = url.searchParams.get("after") ?? undefined;
  const [rows, figures] = await Promise.all([
    evidenceRows(db(), indicator, inScope, rowsPerPage + 1, after),
    summaryFigures(db(), { unitIds: [scope.region.id], track: scope.track, from: scope.window.from, before: scope.window.to }),
  ]);
  const page = rows.slice(0, rowsPerPage);
  const query = `region=${scope.region.id}&track=${scope.track}&year=${scope.year}`;
  return json({
    indicator: { id: indicator.id, title: indicator.title.zh, measure: indicator.measure.kind },
    region: scope.region.name,
    back: `/admin/outcomes?${query}`,
    figure: figureFromMonths(indicator.measure, scope.window, figures.get(scope.region.id) ?? []).figure,
    rows: page.map(({ cursor: _cursor, ...r }) => r),
    shown: page.length,
    first: after ? `/admin/outcomes/${indicator.id}?${query}` : null,
    next: rows.length > rowsPerPage ? `/admin/outcomes/${indicator.id}?${query}&after=${encodeURIComponent(page[page.length - 1]!.cursor)}` : null,
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
        {data.region} · {data.next || data.first ? t("outcomes.drill.page", { figure: data.figure.toLocaleString("zh-CN"), rows: data.shown }) : t("outcomes.drill.total", { figure: data.figure.toLocaleString("zh-CN"), rows: data.shown })}
      </p>
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
      {data.first || data.next ? (
        <nav className="pagination" aria-label={t("outcomes.drill.title", { indicator: data.indicator.title })}>
          {data.first ? (
            <Link className="button secondary" to={data.first}>
              {t("outcomes.drill.first")}
            </Link>
          ) : null}
          {data.next ? (
            <Link className="button secondary" to={data.next} rel="next">
              {t("outcomes.drill.next")}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}
