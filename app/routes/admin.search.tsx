import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { catalog } from "~/catalog/catalog.server";
import { db } from "~/db.server";
import { isProgrammeWide, listingPrefix } from "~/domain/reach";
import { requireReach } from "~/guards.server";
import { useT } from "~/i18n";
import { listCertificates } from "~/models/certificates.server";
import { searchOrgUnits } from "~/models/orgs.server";
import { listUsers } from "~/models/users.server";

export const meta: MetaFunction = () => [{ title: "查找 · 管理后台 · 百城学堂" }];

const perGroup = 10;
const maxQuery = 100;

// One box for people, units and certificates, always inside the admin's own subtree.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const q = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, maxQuery);
  if (!q) return json({ q, people: null, units: null, certificates: null });
  const [people, units, certificates] = await Promise.all([
    listUsers(db(), { q, orgPath: me.reach.path, includeUnplaced: isProgrammeWide(me.reach), page: 1, pageSize: perGroup }),
    searchOrgUnits(db(), { q, withinPath: me.reach.path, limit: perGroup }),
    listCertificates(db(), { q, orgPath: listingPrefix(me.reach), page: 1, pageSize: perGroup }),
  ]);
  const { program } = catalog();
  const trackTitle = (id: string) => program.tracks.find((t) => t.id === id)?.title.zh ?? id;
  const tierTitle = (id: string) => program.tiers.find((t) => t.id === id)?.title.zh ?? id;
  return json({
    q,
    people: { total: people.total, rows: people.rows.map((u) => ({ id: u.id, name: u.name, contact: u.phone ?? u.email ?? "", org: u.orgName ?? "", roles: u.roles })) },
    units: units,
    certificates: {
      total: certificates.total,
      rows: certificates.rows.map((c) => ({ id: c.id, number: c.number, name: c.name_on_certificate, what: `${trackTitle(c.track)} · ${tierTitle(c.tier)}`, status: c.status })),
    },
  });
}

export default function AdminSearch() {
  const { q, people, units, certificates } = useLoaderData<typeof loader>();
  const t = useT();
  const busy = useNavigation().state === "loading";
  const nothing = people && units && certificates && people.total + units.total + certificates.total === 0;
  return (
    <div className="stack">
      <nav className="breadcrumbs" aria-label="breadcrumb">
        <Link to="/admin">{t("admin.title")}</Link> / {t("admin.search.title")}
      </nav>
      <h1>{t("admin.search.title")}</h1>
      <Form method="get" role="search" className="search-form">
        <label htmlFor="admin-q">{t("admin.search.label")}</label>
        <div className="search-row">
          <input id="admin-q" type="search" name="q" defaultValue={q} maxLength={maxQuery} enterKeyHint="search" />
          <button type="submit" className="button" disabled={busy}>
            {t("admin.search.button")}
          </button>
        </div>
        <p className="hint">{t("admin.search.hint")}</p>
      </Form>
      {nothing ? (
        <p className="empty" role="status">
          {t("admin.search.nothing", { query: q })}
        </p>
      ) : null}
      {people && !nothing ? (
        <section aria-labelledby="found-people" className="card">
          <h2 id="found-people">{t("admin.search.people", { count: people.total })}</h2>
          {people.rows.length === 0 ? <p className="muted">{t("admin.search.none")}</p> : null}
          <ul className="found-list">
            {people.rows.map((p) => (
              <li key={p.id}>
                <Link to={`/admin/users/${p.id}`}>{p.name}</Link> <span className="muted">{[p.contact, p.org, ...(p.roles ?? []).map((r) => t(`role.${r}`))].filter(Boolean).join(" · ")}</span>
              </li>
            ))}
          </ul>
          {people.total > people.rows.length ? <Link to={`/admin/users?q=${encodeURIComponent(q)}`}>{t("admin.search.all", { count: people.total })}</Link> : null}
        </section>
      ) : null}
      {units && !nothing ? (
        <section aria-labelledby="found-units" className="card">
          <h2 id="found-units">{t("admin.search.units", { count: units.total })}</h2>
          {units.rows.length === 0 ? <p className="muted">{t("admin.search.none")}</p> : null}
          <ul className="found-list">
            {units.rows.map((u) => (
              <li key={u.id}>
                <Link to={`/admin/users?region=${u.id}`}>{u.name}</Link> <span className="muted">{t(`orgs.kind.${u.kind}`)} · {u.label}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {certificates && !nothing ? (
        <section aria-labelledby="found-certificates" className="card">
          <h2 id="found-certificates">{t("admin.search.certificates", { count: certificates.total })}</h2>
          {certificates.rows.length === 0 ? <p className="muted">{t("admin.search.none")}</p> : null}
          <ul className="found-list">
            {certificates.rows.map((c) => (
              <li key={c.id}>
                <Link to={`/admin/certificates?q=${encodeURIComponent(c.number)}`}>{c.number}</Link> <span className="muted">{c.name} · {c.what} · {t(`certs.status.${c.status}`)}</span>
              </li>
            ))}
          </ul>
          {certificates.total > certificates.rows.length ? <Link to={`/admin/certificates?q=${encodeURIComponent(q)}`}>{t("admin.search.all", { count: certificates.total })}</Link> : null}
        </section>
      ) : null}
    </div>
  );
}
