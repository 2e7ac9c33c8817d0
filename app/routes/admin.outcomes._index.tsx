import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { SelectField } from "~/components/filter-select";
import { FormMessage } from "~/components/form";
import { ScopeFields } from "~/components/scope-fields";
import { ProgressBar } from "~/components/progress-bar";
import { db } from "~/db.server";
import { outcomesForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { Pagination, pageFromUrl } from "~/components/pagination";
import { childrenPerPage } from "~/domain/org-tree";
import { figureFromMonths, parseTarget, progressPercent, regionBarPercent, regionTarget, yearWindow } from "~/domain/outcomes";
import { formatDateTime } from "~/i18n/dates";
import { depthOf } from "~/domain/reach";
import { requireReach } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { recordAudit } from "~/models/audit.server";
import { getOrgUnit } from "~/models/orgs.server";
import { lastOutcomeCheck, markMilestone, setRegionTarget, summaryFigures, targetsOf } from "~/models/outcomes.server";
import { outcomeRegionScope, regionChoices } from "~/services/outcome-scope.server";

export const meta: MetaFunction = () => [{ title: "百千万成果看板 · 百城学堂" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "outcomes.view");
  const url = new URL(request.url);
  const scope = await outcomeRegionScope(me.reach, url, context);
  const page = pageFromUrl(url);
  const { shown, regions } = regionChoices(scope, page);
  // Every figure on the page comes from the kept summaries: one read for the region and the page's sub-regions.
  const [figures, targets, check] = await Promise.all([
    summaryFigures(db(), { unitIds: [scope.region.id, ...shown.map((c) => c.id)], track: scope.track, from: scope.window.from, before: scope.window.to }),
    targetsOf(db(), [scope.region.id, ...shown.map((c) => c.id)]),
    lastOutcomeCheck(db()),
  ]);
  const own = targets.get(scope.region.id) ?? new Map<string, number>();
  const indicators = scope.indicators.map((i) => {
    const { figure, trend } = figureFromMonths(i.measure, scope.window, figures.get(scope.region.id) ?? []);
    const target = regionTarget(own.get(i.id), i.target, depthOf(scope.region.path) === 1);
    return { id: i.id, title: i.title.zh, level: i.level, figure, target, percent: target === null ? null : progressPercent(figure, target), trend };
  });
  const comparison = shown.map((child) => ({
    id: child.id,
    name: child.name,
    cells: scope.indicators.map((i) => {
      const { figure } = figureFromMonths(i.measure, scope.window, figures.get(child.id) ?? []);
      const target = targets.get(child.id)?.get(i.id) ?? null;
      return { figure, target, percent: regionBarPercent(figure, target) };
    }),
  }));
  // Schools and centres to mark: the region itself, or its sub-regions on this page (drill down to reach the rest).
  const sites = [scope.region, ...shown].filter((u) => u.kind === "site" && u.track === scope.track);
  return json({
    region: { id: scope.region.id, name: scope.region.name },
    ancestors: scope.ancestors.map((a) => ({ id: a.id, name: a.name })),
    regions,
    track: scope.track,
    year: scope.year,
    years: [1, 2, 3].map((y) => ({ year: y, from: yearWindow(scope.programStart, y).from })),
    indicators,
    comparison,
    childrenTotal: scope.children.length,
    page,
    check: check ? { at: formatDateTime(check.finished_at), drifted: check.drifted } : null,
    sites: sites.map((s) => ({ id: s.id, name: s.name })),
  });
}

type OutcomeActionResult = { intent: string; indicatorId: string | null; error: MessageKey | null; ok?: MessageKey };

export async function action({ request, context }: ActionFunctionArgs) {
  const me = requireReach(request, context, "outcomes.view");
  const scope = await outcomeRegionScope(me.reach, new URL(request.url), context);
  const input = fieldsOf(await readForm(request), outcomesForm);
  const { intent } = input;
  if (input.intent === "target") {
    const { indicatorId } = input;
    if (!scope.indicators.some((i) => i.id === indicatorId)) throw new Response("Unknown indicator", { status: 400 });
    const parsed = parseTarget(input.target);
    if (!parsed.ok) return json<OutcomeActionResult>({ intent, indicatorId, error: `outcomes.target.${parsed.problem}` as MessageKey }, { status: 400 });
    await db().transaction().execute(async (trx) => {
      await setRegionTarget(trx, { indicatorId, orgUnitId: scope.region.id, target: parsed.value, userId: me.id });
      await recordAudit(trx, { actorId: me.id, action: "outcomes.target_set", targetType: "org_unit", targetId: scope.region.id, ip: context.ip, details: { indicatorId, target: parsed.value } });
    });
    return json<OutcomeActionResult>({ intent, indicatorId, error: null, ok: "outcomes.target.saved" as MessageKey });
  }
  if (input.intent === "milestone") {
    const { orgUnitId } = input;
    const milestone = input.milestone === "distinctive" ? "distinctive" : "standardised";
    const evidence = input.evidence.trim().slice(0, 2000);
    if ([...evidence].length < 10) return json<OutcomeActionResult>({ intent, indicatorId: null, error: "outcomes.milestone.noEvidence" as MessageKey }, { status: 400 });
    const site = /^[0-9a-f-]{36}$/i.test(orgUnitId) ? await getOrgUnit(db(), orgUnitId) : undefined;
    if (!site || site.archived_at || site.kind !== "site" || !site.path.startsWith(scope.region.path)) return json<OutcomeActionResult>({ intent, indicatorId: null, error: "outcomes.milestone.notSite" as MessageKey }, { status: 400 });
    const marked = await db().transaction().execute(async (trx) => {
      const ok = await markMilestone(trx, { orgUnitId: site.id, milestone, evidence, userId: me.id });
      if (ok) await recordAudit(trx, { actorId: me.id, action: "outcomes.milestone_marked", targetType: "org_unit", targetId: site.id, ip: context.ip, details: { milestone } });
      return ok;
    });
    if (!marked) return json<OutcomeActionResult>({ intent, indicatorId: null, error: "outcomes.milestone.duplicate" as MessageKey }, { status: 409 });
    return json<OutcomeActionResult>({ intent, indicatorId: null, error: null, ok: "outcomes.milestone.saved" as MessageKey });
  }
  throw new Response("Unknown intent", { status: 400 });
}

function Bar({ percent, label }: { percent: number; label: string }) {
  return (
    <svg width="100" height="10" role="img" aria-label={label} className="mini-bar">
      <rect width="100" height="10" rx="3" fill="#e3e9e6" />
      <rect width={percent} height="10" rx="3" fill="#0f6b5c" />
    </svg>
  );
}

/** Month-by-month columns, server-rendered SVG with the numbers as text for screen readers. */
function Trend({ points, label }: { points: Array<{ month: string; value: number }>; label: string }) {
  const max = Math.max(1, ...points.map((p) => p.value));
  const w = 240;
  const h = 48;
  const bw = w / points.length;
  return (
    <figure className="trend">
      <svg width="100%" viewBox={`0 0 ${w} ${h + 12}`} role="img" aria-label={`${label}：${points.map((p) => `${p.month} ${p.value}`).join("，")}`}>
        {points.map((p, k) => {
          const bh = Math.round((p.value / max) * h);
          return <rect key={p.month} x={k * bw + 2} y={h - bh} width={bw - 4} height={Math.max(bh, p.value ? 1 : 0)} rx={2} fill="#0f6b5c" />;
        })}
        <line x1={0} y1={h + 0.5} x2={w} y2={h + 0.5} stroke="#b9c3bf" />
        <text x={0} y={h + 11} fontSize={8} fill="#56615f">
          {points[0]?.month}
        </text>
        <text x={w} y={h + 11} fontSize={8} fill="#56615f" textAnchor="end">
          {points[points.length - 1]?.month}
        </text>
      </svg>
    </figure>
  );
}

export default function OutcomesDashboard() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state !== "idle";
  const query = `region=${data.region.id}&track=${data.track}&year=${data.year}`;
  return (
    <div className="stack">
      <h1>{t("outcomes.title")}</h1>
      <p className="muted">{t("outcomes.lead")}</p>
      {data.ancestors.length > 0 ? (
        <nav aria-label={t("outcomes.breadcrumb")} className="breadcrumbs">
          {data.ancestors.map((a) => (
            <span key={a.id}>
              <Link to={`?region=${a.id}&track=${data.track}&year=${data.year}`}>{a.name}</Link>
              {" › "}
            </span>
          ))}
          <span aria-current="page">{data.region.name}</span>
        </nav>
      ) : null}
      <Form method="get" className="toolbar card">
        <ScopeFields regions={data.regions} region={data.region.id} track={data.track} year={data.year} years={data.years} />
        <button type="submit" className="button" aria-busy={busy}>
          {t("outcomes.show")}
        </button>
      </Form>
      {result?.ok ? <FormMessage kind="success">{t(result.ok)}</FormMessage> : null}
      {result?.error && result.intent === "milestone" ? <FormMessage kind="error">{t(result.error)}</FormMessage> : null}
      <div className="grid two">
        {data.indicators.map((i) => (
          <article key={i.id} className="card indicator">
            <h2 className="card-title">{i.title}</h2>
            <p className="indicator-figure">
              <Link to={`/admin/outcomes/${i.id}?${query}`}>
                {t("outcomes.figure", { figure: i.figure.toLocaleString("zh-CN"), target: i.target === null ? t("outcomes.target.unset") : i.target.toLocaleString("zh-CN") })}
                <span className="sr-only">（{t("outcomes.drill")}）</span>
              </Link>
            </p>
            {i.percent === null ? <p className="hint">{t("outcomes.target.unsetHint")}</p> : <ProgressBar value={i.percent} label={i.title} />}
            <Trend points={i.trend} label={`${i.title}：${t("outcomes.trend")}`} />
            <Form method="post" className="inline-target">
              <input type="hidden" name="intent" value="target" />
              <input type="hidden" name="indicatorId" value={i.id} />
              <label htmlFor={`target-${i.id}`}>{t("outcomes.target")}</label>
              <input id={`target-${i.id}`} name="target" inputMode="numeric" defaultValue={i.target === null ? "" : String(i.target)} placeholder={t("outcomes.target.unset")} aria-invalid={result?.indicatorId === i.id && result.error ? true : undefined} />
              <button type="submit" className="button secondary">
                {t("outcomes.target.save")}
              </button>
              {result?.indicatorId === i.id && result.error ? (
                <p className="field-error" role="alert">
                  {t(result.error)}
                </p>
              ) : null}
            </Form>
          </article>
        ))}
      </div>
      <section className="card" aria-labelledby="compare-title">
        <h2 id="compare-title" className="card-title">
          {t("outcomes.compare")}
        </h2>
        {data.comparison.length === 0 ? (
          <p className="muted">{t("outcomes.compare.none")}</p>
        ) : (
          <div className="table-wrap">
            <table className="data responsive compare">
              <thead>
                <tr>
                  <th scope="col">{t("outcomes.region")}</th>
                  {data.indicators.map((i) => (
                    <th key={i.id} scope="col">
                      {i.title}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.comparison.map((c) => (
                  <tr key={c.id}>
                    <th scope="row">
                      <Link to={`?region=${c.id}&track=${data.track}&year=${data.year}`}>{c.name}</Link>
                    </th>
                    {c.cells.map((cell, k) => (
                      <td key={data.indicators[k]!.id} data-label={data.indicators[k]!.title}>
                        {cell.target === null ? (
                          <>
                            {cell.figure.toLocaleString("zh-CN")} <span className="muted">{t("outcomes.compare.noTarget")}</span>
                          </>
                        ) : (
                          <>
                            {t("outcomes.figure", { figure: cell.figure.toLocaleString("zh-CN"), target: cell.target.toLocaleString("zh-CN") })}{" "}
                            <Bar percent={cell.percent ?? 0} label={`${cell.percent ?? 0}%`} />
                          </>
                        )}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pagination page={data.page} pageSize={childrenPerPage} total={data.childrenTotal} label={t("outcomes.compare")} />
      </section>
      <Form method="post" className="card" aria-labelledby="milestone-title">
        <h2 id="milestone-title" className="card-title">
          {t("outcomes.milestone.title")}
        </h2>
        <input type="hidden" name="intent" value="milestone" />
        <div className="form-grid">
          {data.sites.length > 0 ? <SelectField name="orgUnitId" id="m-org" label={t("outcomes.milestone.org")} options={data.sites.map((x) => ({ value: x.id, label: x.name }))} /> : null}
          <SelectField
            name="milestone"
            id="m-kind"
            label={t("outcomes.milestone.kind")}
            options={[
              { value: "standardised", label: t("outcomes.milestone.standardised") },
              { value: "distinctive", label: t("outcomes.milestone.distinctive") },
            ]}
          />
        </div>
        <div className="field">
          <label htmlFor="m-evidence">{t("outcomes.milestone.evidence")}</label>
          <textarea id="m-evidence" name="evidence" rows={3} />
        </div>
        {data.sites.length === 0 ? <p className="hint">{t("outcomes.milestone.drill")}</p> : null}
        <button type="submit" className="button" disabled={busy || data.sites.length === 0}>
          {t("outcomes.milestone.save")}
        </button>
      </Form>
      <p className="muted">
        {data.check === null
          ? t("outcomes.check.never")
          : data.check.drifted === 0
            ? t("outcomes.check.clean", { at: data.check.at })
            : t("outcomes.check.drift", { at: data.check.at, rows: data.check.drifted })}
      </p>
    </div>
  );
}
