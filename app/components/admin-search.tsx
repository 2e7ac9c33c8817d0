import { figureText } from "~/domain/attention";
import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { useT } from "~/i18n";

export const adminSearchMaxLength = 100;

/** The one box for people, units and certificates: on the coordinator's home and on /admin/search. */
export function AdminSearchForm({ query = "", busy = false, hint = false }: { query?: string; busy?: boolean; hint?: boolean }) {
  const t = useT();
  return (
    <Form method="get" action="/admin/search" role="search" className="search-form">
      <label htmlFor="admin-q">{t("admin.search.label")}</label>
      <div className="search-row">
        <input id="admin-q" type="search" name="q" defaultValue={query} maxLength={adminSearchMaxLength} enterKeyHint="search" />
        <button type="submit" className="button" disabled={busy}>
          {t("admin.search.button")}
        </button>
      </div>
      {hint ? <p className="hint">{t("admin.search.hint")}</p> : null}
    </Form>
  );
}

/** One kind of result: its heading with the count, the first rows, and a link to all of them when there are more. */
export function FoundGroup<R extends { id: string }>(props: { id: string; title: string; rows: R[]; total: number; allHref?: string; row: (r: R) => ReactNode }) {
  const t = useT();
  return (
    <section aria-labelledby={props.id} className="card">
      <h2 id={props.id}>{props.title}</h2>
      {props.rows.length === 0 ? <p className="muted">{t("admin.search.none")}</p> : null}
      <ul className="found-list">
        {props.rows.map((r) => (
          <li key={r.id}>{props.row(r)}</li>
        ))}
      </ul>
      {props.allHref && props.total > props.rows.length ? <Link to={props.allHref}>{t("admin.search.all", { count: figureText(props.total) })}</Link> : null}
    </section>
  );
}
