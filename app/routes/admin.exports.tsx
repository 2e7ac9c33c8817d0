import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { SelectField } from "~/components/filter-select";
import { ProgressBar } from "~/components/progress-bar";
import { ScopeFields } from "~/components/scope-fields";
import { db } from "~/db.server";
import { exportForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { requireReach } from "~/guards.server";
import { childrenPerPage, levelOf } from "~/domain/org-tree";
import { useT } from "~/i18n";
import { recordAudit } from "~/models/audit.server";
import { createExport, exportListKey, listExports } from "~/models/exports.server";
import { requirePageRequest } from "~/models/keyset.server";
import { KeysetPagination, Pagination, pageFromUrl } from "~/components/pagination";
import { addToOutbox, type OutboxJob } from "~/models/outbox.server";
import { dispatchAfterCommit } from "~/services/dispatch.server";
import { outcomeRegionScope, outcomeScope, regionChoices, regionsToDistricts } from "~/services/outcome-scope.server";

export const meta: MetaFunction = () => [{ title: "数据导出 · 百城学堂" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "outcomes.view");
  const url = new URL(request.url);
  const page = requirePageRequest(url, exportListKey, { size: 20 });
  const childPage = pageFromUrl(url);
  const [scope, { rows, next, prev }] = await Promise.all([outcomeRegionScope(me.reach, url, context), listExports(db(), me.id, page)]);
  // Exports go down to districts, as the indicators export does; schools are reached through their district.
  const children = scope.children.filter((c) => c.level <= levelOf("district"));
  const { shown, regions } = regionChoices({ ...scope, children }, childPage);
  return json({
    region: { id: scope.region.id, name: scope.region.name },
    ancestors: scope.ancestors.map((a) => ({ id: a.id, name: a.name })),
    children: shown.map((c) => ({ id: c.id, name: c.name })),
    childrenTotal: children.length,
    childPage,
    regions,
    exports: rows.map((e) => ({
      id: e.id,
      kind: e.kind,
      status: e.status,
      total: e.rows_total,
      done: e.rows_done,
      label: String((e.params as { label?: string }).label ?? ""),
      createdAt: new Date(e.created_at).toISOString(),
      error: e.error,
    })),
    next,
    prev,
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = requireReach(request, context, "outcomes.view");
  const input = fieldsOf(await readForm(request), exportForm);
  const url = new URL(request.url);
  for (const k of ["region", "track", "year"] as const) if (input[k]) url.searchParams.set(k, input[k]);
  // The same scope rule as the dashboard: only regions this admin may see.
  const scope = await outcomeScope(me.reach, url, context);
  const kind = input.kind;
  const params =
    kind === "trainees"
      ? { regionPath: scope.region.path, track: scope.track, label: `${scope.region.name} · ${scope.track === "campus" ? "校园行" : "社区行"} · 学员` }
      : {
          regionPath: scope.region.path,
          track: scope.track,
          year: scope.year,
          regions: await regionsToDistricts(scope.region),
          label: `${scope.region.name} · ${scope.track === "campus" ? "校园行" : "社区行"} · 第 ${scope.year} 年指标`,
        };
  const jobs: OutboxJob[] = [];
  await db().transaction().execute(async (trx) => {
    const id = await createExport(trx, { kind, params, createdBy: me.id });
    const job: OutboxJob = { jobId: `export-${id}`, queue: "exports", name: "build-export", payload: { exportId: id } };
    await addToOutbox(trx, job);
    await recordAudit(trx, { actorId: me.id, action: "exports.created", targetType: "export", targetId: id, ip: context.ip, details: { kind } });
    jobs.push(job);
  });
  await dispatchAfterCommit(jobs);
  // Back to the region the export was made for, with the new export at the top of the list.
  return redirect(`/admin/exports?region=${scope.region.id}`);
}

export default function Exports() {
  const { regions, region, ancestors, children, childrenTotal, childPage, exports, next, prev } = useLoaderData<typeof loader>();
  const t = useT();
  const busy = useNavigation().state !== "idle";
  const revalidator = useRevalidator();
  const working = exports.some((e) => e.status === "queued" || e.status === "running");
  useEffect(() => {
    if (!working) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 1000);
    return () => clearInterval(timer);
  }, [working, revalidator]);
  return (
    <div className="stack">
      <h1>{t("exports.title")}</h1>
      <p className="muted">{t("exports.lead")}</p>
      <section className="card stack" aria-labelledby="region-title">
        <h2 id="region-title" className="card-title">
          {t("exports.region.title")}
        </h2>
        <p className="hint">{t("exports.region.hint")}</p>
        <nav aria-label={t("exports.region.path")} className="breadcrumbs">
          {ancestors.map((a) => (
            <span key={a.id}>
              <Link to={`?region=${a.id}`}>{a.name}</Link>
              {" › "}
            </span>
          ))}
          <span aria-current="page">{region.name}</span>
        </nav>
        {children.length === 0 ? (
          <p className="muted">{t("exports.region.none", { name: region.name })}</p>
        ) : (
          <nav aria-label={t("exports.region.children", { name: region.name })}>
            <ul className="chips">
              {children.map((c) => (
                <li key={c.id}>
                  <Link className="chip" to={`?region=${c.id}`}>
                    {c.name}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <Pagination page={childPage} pageSize={childrenPerPage} total={childrenTotal} label={t("exports.region.pages", { name: region.name })} />
      </section>
      <Form method="post" className="card">
        <div className="form-grid">
          <SelectField
            name="kind"
            label={t("exports.kind")}
            options={[
              { value: "trainees", label: t("exports.kind.trainees") },
              { value: "indicators", label: t("exports.kind.indicators") },
            ]}
          />
          <ScopeFields regions={regions} region={region.id} />
        </div>
        <button type="submit" className="button" disabled={busy}>
          {t("exports.start")}
        </button>
      </Form>
      {exports.length === 0 ? (
        <p className="empty card">{t("exports.empty")}</p>
      ) : (
        <ul className="module-list">
          {exports.map((e) => (
            <li key={e.id} className="card module-item">
              <div>
                <h2>{e.label}</h2>
                <p className="hint">
                  {t(`exports.status.${e.status}`)} · {t("exports.rows", { done: e.done, total: e.total ?? "…" })}
                </p>
                {e.error ? <p className="field-error">{e.error}</p> : null}
              </div>
              {e.status === "done" ? (
                <a className="button" href={`/admin/exports/${e.id}.csv`} download>
                  {t("exports.download")}
                </a>
              ) : (
                <ProgressBar value={e.total ? (e.done / e.total) * 100 : 0} label={e.label} />
              )}
            </li>
          ))}
        </ul>
      )}
      <KeysetPagination next={next} prev={prev} />
      <p>
        <Link to="/admin/outcomes">← {t("outcomes.title")}</Link>
      </p>
    </div>
  );
}
