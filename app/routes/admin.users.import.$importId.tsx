import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { FormMessage } from "~/components/form";
import { Pagination, pageFromUrl } from "~/components/pagination";
import { db } from "~/db.server";
import { importConfirmForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { isImportable } from "~/domain/user-import";
import { notFound, requireReach } from "~/guards.server";
import { translate, useT, type MessageKey } from "~/i18n";
import { getImport, importValidRows } from "~/models/user-imports.server";
import { actorOf } from "~/services/people.server";

export const meta: MetaFunction = () => [{ title: "导入预览 · 百城学堂" }];
const pageSize = 100;
const noWrap = { whiteSpace: "nowrap" } as const;
const shows = ["all", "rejected", "ok"] as const;
type Show = (typeof shows)[number];

/** The import of this administrator, or 404 for an unknown id or someone else's import. */
async function loadOwnImport(importId: string | undefined, adminId: string) {
  const found = importId ? await getImport(db(), importId, adminId) : undefined;
  if (!found) throw notFound(translate("zh-CN", "import.notFound"));
  return found;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const admin = requireReach(request, context, "users.manage");
  const found = await loadOwnImport(params.importId, admin.id);
  const url = new URL(request.url);
  const showParam = url.searchParams.get("show");
  const show: Show = shows.find((s) => s === showParam) ?? "all";
  const page = pageFromUrl(url);
  const ok = found.verdicts.filter(isImportable).length;
  const listed = found.verdicts.filter((v) => show === "all" || (show === "ok") === isImportable(v));
  return json({
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

export async function action({ request, context, params }: ActionFunctionArgs) {
  const admin = requireReach(request, context, "users.manage");
  const found = await loadOwnImport(params.importId, admin.id);
  fieldsOf(await readForm(request), importConfirmForm);
  const outcome = await importValidRows(db(), { importId: found.id, adminId: admin.id, ip: context.ip, actor: actorOf(admin) });
  if (outcome.status === "notFound") throw notFound(translate("zh-CN", "import.notFound"));
  if (outcome.status === "alreadyImported") return json<{ error: MessageKey }>({ error: "import.alreadyImported" }, { status: 409 });
  if (outcome.status === "conflict") return json<{ error: MessageKey }>({ error: "import.conflict" }, { status: 409 });
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
      {result ? <FormMessage kind="error">{t(result.error)}</FormMessage> : null}

      {imported ? (
        <section className="card stack" aria-labelledby="result-title">
          <FormMessage kind="success">
            <span id="result-title">{t("import.done", { imported: data.importedCount, rejected: data.rejectedCount })}</span>
          </FormMessage>
          {data.importedCount > 0 ? <p className="hint">{t("import.done.invite")}</p> : null}
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
