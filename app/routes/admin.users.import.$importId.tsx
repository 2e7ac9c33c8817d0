import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { FormMessage } from "~/components/form";
import { Pagination, pageFromUrl } from "~/components/pagination";
import { db } from "~/db.server";
import { handoutLinkValidHours, needsNewLink, type HandoutState } from "~/domain/onboarding";
import { importConfirmForm } from "~/form-schemas.server";
import { isImportable } from "~/domain/user-import";
import { fieldsOf, readForm } from "~/forms.server";
import { notFound, requireReach } from "~/guards.server";
import { translate, useT, type MessageKey } from "~/i18n";
import { importValidRows } from "~/models/user-imports.server";
import { importHandouts, makeImportLinks, ownImport } from "~/services/onboarding.server";
import { actorOf } from "~/services/people.server";

export const meta: MetaFunction = () => [{ title: "导入预览 · 百城学堂" }];
const pageSize = 100;
const noWrap = { whiteSpace: "nowrap" } as const;
const shows = ["all", "rejected", "ok"] as const;
/** People listed as needing a link; the rest are counted. */
const dueListed = 50;
const dateTime = new Intl.DateTimeFormat("zh-CN", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Shanghai" });
const stateBadge: Record<HandoutState, string> = { active: "badge", signedUp: "badge", expired: "badge warn", none: "badge warn", inactive: "badge warn" };
type Show = (typeof shows)[number];

export const intents = ["import", "links"] as const;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const admin = requireReach(request, context, "users.manage");
  const found = await ownImport(admin, context, params.importId, "import.view");
  const url = new URL(request.url);
  const showParam = url.searchParams.get("show");
  const show: Show = shows.find((s) => s === showParam) ?? "all";
  const page = pageFromUrl(url);
  const ok = found.verdicts.filter(isImportable).length;
  const listed = found.verdicts.filter((v) => show === "all" || (show === "ok") === isImportable(v));
  const handouts = found.status === "imported" ? await importHandouts(admin, found) : null;
  return json({
    // Counts and the people who need a link; never the links themselves (they are downloads, each audited).
    links: handouts && {
      counts: handouts.counts,
      total: handouts.people.length,
      outsideReach: handouts.outsideReach,
      due: handouts.people
        .filter((p) => needsNewLink(p.state))
        .slice(0, dueListed)
        .map((p) => ({ id: p.id, name: p.name, phone: p.phone, orgName: p.orgName, state: p.state, expiresAt: p.expiresAt })),
    },
    id: found.id,
    fileName: found.fileName,
    status: found.status,
    total: found.verdicts.length,
    ok,
    rejected: found.verdicts.length - ok,
    importedCount: found.importedCount,
    rejectedCount: found.rejectedCount,
    show,
    page,
    listedTotal: listed.length,
    rows: listed.slice((page - 1) * pageSize, page * pageSize).map((v) => ({
      row: v.row,
      values: v.values,
      importable: isImportable(v),
      roles: v.candidate?.roles ?? [],
      orgLabel: v.orgLabel ?? null,
      reasons: v.reasons,
    })),
  });
}

type ActionResult = { error: MessageKey } | { notice: MessageKey; count: number };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const admin = requireReach(request, context, "users.manage");
  const { intent } = fieldsOf(await readForm(request), importConfirmForm);
  const found = await ownImport(admin, context, params.importId, intent === "links" ? "users.links" : "users.import");
  if (intent === "links") {
    const made = await makeImportLinks(admin, context, found);
    if (made.status === "notImported") return json<ActionResult>({ error: "links.notImported" }, { status: 409 });
    return json<ActionResult>({ notice: made.status === "issued" ? "links.issued" : "links.nothingToDo", count: made.status === "issued" ? made.issued : 0 });
  }
  const outcome = await importValidRows(db(), { importId: found.id, adminId: admin.id, ip: context.ip, actor: actorOf(admin) });
  if (outcome.status === "notFound") throw notFound(translate("zh-CN", "import.notFound"));
  if (outcome.status === "alreadyImported") return json<ActionResult>({ error: "import.alreadyImported" }, { status: 409 });
  if (outcome.status === "conflict") return json<ActionResult>({ error: "import.conflict" }, { status: 409 });
  return redirect(`/admin/users/import/${found.id}`);
}

export default function ImportPreview() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const imported = data.status === "imported";
  const showLink = (s: Show) => `/admin/users/import/${data.id}${s === "all" ? "" : `?show=${s}`}`;
  return (
    <>
      <p>
        <Link to="/admin/users/import">← {t("import.title")}</Link>
      </p>
      <h1>{t(imported ? "import.result.title" : "import.preview.title")}</h1>
      <p className="muted">{t("import.preview.file", { file: data.fileName })}</p>
      {result && "error" in result ? <FormMessage kind="error">{t(result.error)}</FormMessage> : null}

      {imported ? (
        <section className="card stack" aria-labelledby="result-title">
          <FormMessage kind="success">
            <span id="result-title">{t("import.done", { imported: data.importedCount, rejected: data.rejectedCount })}</span>
          </FormMessage>
          {data.importedCount > 0 && data.links && data.links.counts.active + data.links.counts.signedUp === 0 ? <p className="hint">{t("import.done.invite")}</p> : null}
          <p>
            {data.rejectedCount > 0 ? (
              <>
                <a className="button secondary" href={`/admin/users/import/${data.id}/rejected.csv`} download>
                  {t("import.rejected.download")}
                </a>{" "}
              </>
            ) : null}
            <Link className="button secondary" to="/admin/users">
              {t("import.backToUsers")}
            </Link>{" "}
            <Link className="button" to="/admin/users/import">
              {t("import.another")}
            </Link>
          </p>
        </section>
      ) : (
        <section className="card stack" aria-labelledby="confirm-title">
          <p id="confirm-title">{t("import.preview.counts", { total: data.total, ok: data.ok, rejected: data.rejected })}</p>
          {data.ok > 0 ? (
            <Form method="post">
              <button type="submit" className="button" name="intent" value="import" disabled={busy} aria-busy={busy}>
                {busy ? t("import.confirming") : t("import.confirm", { count: data.ok })}
              </button>
            </Form>
          ) : (
            <FormMessage kind="info">{t("import.confirm.none")}</FormMessage>
          )}
          {data.rejected > 0 ? (
            <p>
              <span className="hint">{t("import.confirm.hint")}</span>{" "}
              <a href={`/admin/users/import/${data.id}/rejected.csv`} download>
                {t("import.rejected.download")}
              </a>
            </p>
          ) : null}
        </section>
      )}

      {data.links && data.links.total > 0 ? <HandoutLinks importId={data.id} links={data.links} result={result} busy={busy} /> : null}

      <nav className="toolbar" style={{ marginTop: "1rem" }} aria-label={t("import.show")}>
        {shows.map((s) => (
          <Link key={s} to={showLink(s)} className={`button${data.show === s ? "" : " secondary"}`} aria-current={data.show === s ? "page" : undefined}>
            {t(`import.show.${s}`)}
          </Link>
        ))}
      </nav>
      <DataTable
        rows={data.rows}
        rowKey={(r) => r.row}
        empty={t("import.show.empty")}
        columns={[
          { label: t("import.col.row"), headerStyle: noWrap, cell: (r) => r.row },
          {
            label: t("import.col.verdict"),
            headerStyle: noWrap,
            cell: (r) =>
              r.importable ? (
                <span className="badge">{t(imported ? "import.verdict.imported" : "import.verdict.ok")}</span>
              ) : (
                <span className="badge warn">{t("import.verdict.rejected")}</span>
              ),
          },
          { label: t("import.col.name"), headerStyle: noWrap, cell: (r) => r.values.name },
          { label: t("import.col.contact"), cell: (r) => [r.values.phone, r.values.email].filter((s) => s.trim()).join(" / ") },
          {
            label: t("import.col.roles"),
            headerStyle: noWrap,
            cell: (r) =>
              r.roles.length
                ? r.roles.map((role) => (
                    <span key={role} className="badge">
                      {t(`role.${role}`)}
                    </span>
                  ))
                : r.values.roles,
          },
          { label: t("import.col.org"), cell: (r) => r.orgLabel ?? r.values.org },
          { label: t("import.col.track"), headerStyle: noWrap, cellStyle: noWrap, cell: (r) => r.values.track },
          {
            label: t("import.col.reasons"),
            cell: (r) =>
              r.reasons.length ? (
                <ul style={{ margin: 0, paddingLeft: "1.1rem" }}>
                  {r.reasons.map((reason, i) => (
                    <li key={i}>{t(reason.key, reason.params)}</li>
                  ))}
                </ul>
              ) : (
                "—"
              ),
          },
        ]}
      />
      <Pagination page={data.page} pageSize={pageSize} total={data.listedTotal} />
    </>
  );
}

type Links = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["links"]>;

/** The import's invitation links: counts, the one action that makes the missing and expired ones, the two downloads. */
function HandoutLinks({ importId, links, result, busy }: { importId: string; links: Links; result: ReturnType<typeof useActionData<typeof action>>; busy: boolean }) {
  const t = useT();
  const { counts } = links;
  const due = counts.none + counts.expired;
  const firstBatch = counts.active + counts.expired === 0;
  return (
    <section className="card stack" aria-labelledby="links-title" style={{ marginTop: "1rem" }}>
      <h2 id="links-title" className="card-title">
        {t("links.title")}
      </h2>
      <p className="hint">{t("links.lead", { hours: handoutLinkValidHours })}</p>
      {result && "notice" in result ? <FormMessage kind={result.count ? "success" : "info"}>{t(result.notice, { count: result.count })}</FormMessage> : null}
      <p data-testid="link-counts">{t("links.counts", { total: links.total, ...counts })}</p>
      {links.outsideReach ? <p className="hint">{t("links.outsideReach", { count: links.outsideReach })}</p> : null}
      <div className="toolbar">
        {due > 0 ? (
          <Form method="post">
            <button type="submit" className="button" name="intent" value="links" disabled={busy} aria-busy={busy}>
              {busy ? t("links.making") : t(firstBatch ? "links.make" : "links.remake", { count: due })}
            </button>
          </Form>
        ) : null}
        {counts.active > 0 ? (
          <>
            <a className="button secondary" href={`/admin/users/import/${importId}/links.csv`} download>
              {t("links.downloadCsv")}
            </a>
            <Link className="button secondary" to={`/admin/users/import/${importId}/sheet`}>
              {t("links.printSheet")}
            </Link>
          </>
        ) : null}
      </div>
      {counts.expired > 0 ? <p className="hint">{t("links.expiredHint", { hours: handoutLinkValidHours })}</p> : null}
      {links.due.length > 0 && !firstBatch ? (
        <DataTable
          rows={links.due}
          rowKey={(p) => p.id}
          columns={[
            { label: t("import.col.name"), headerStyle: noWrap, cell: (p) => p.name },
            { label: t("links.col.phone"), headerStyle: noWrap, cellStyle: noWrap, cell: (p) => p.phone ?? "—" },
            { label: t("import.col.org"), cell: (p) => p.orgName ?? "—" },
            { label: t("links.col.state"), headerStyle: noWrap, cell: (p) => <span className={stateBadge[p.state]}>{t(`links.state.${p.state}`)}</span> },
            { label: t("links.col.expires"), headerStyle: noWrap, cellStyle: noWrap, cell: (p) => (p.expiresAt ? dateTime.format(new Date(p.expiresAt)) : "—") },
          ]}
        />
      ) : null}
    </section>
  );
}
