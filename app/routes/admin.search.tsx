import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { db } from "~/db.server";
import { isProgrammeWide, listingPrefix } from "~/domain/reach";
import { requireReach } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { listCertificates } from "~/models/certificates.server";
import { orgOptions } from "~/models/org-options.server";
import { listUsers } from "~/models/users.server";

export const meta: MetaFunction = () => [{ title: "搜索 · 管理后台 · 百城学堂" }];

const perKind = 10;

// One box for people (name, phone, e-mail), org units (name) and certificates (number, holder), each
// inside the admin's reach only: the same filters as the users, orgs and certificates pages.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const q = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, 100);
  if (!q) return json({ q, people: [], units: [], certificates: [] });
  const prefix = listingPrefix(me.reach);
  const [people, orgs, certificates] = await Promise.all([
    listUsers(db(), { q, orgPath: prefix ?? me.reach.path, includeUnplaced: isProgrammeWide(me.reach), page: 1, pageSize: perKind }),
    orgOptions(db(), { within: me.reach.path }),
    listCertificates(db(), { q, orgPath: prefix, page: 1, pageSize: perKind }),
  ]);
  const needle = q.toLowerCase();
  return json({
    q,
    people: people.rows.map((u) => ({ id: u.id, name: u.name, phone: u.phone, email: u.email, orgName: u.orgName, roles: u.roles })),
    units: orgs.filter((o) => (o.label.split("/").pop() ?? "").toLowerCase().includes(needle)).slice(0, perKind).map((o) => ({ id: o.id, label: o.label })),
    certificates: certificates.rows.map((c) => ({ id: c.id, number: c.number, holder: c.current_name, tier: c.tier, status: c.status })),
  });
}

export default function AdminSearch() {
  const { q, people, units, certificates } = useLoaderData<typeof loader>();
  const t = useT();
  const nothing = q && people.length + units.length + certificates.length === 0;
  return (
    <div className="stack">
      <p>
        <Link to="/admin">← {t("search.back")}</Link>
      </p>
      <h1>{t("search.title")}</h1>
      <Form method="get" className="toolbar card" role="search">
        <label htmlFor="search-q">{t("search.label")}</label>
        <input id="search-q" type="search" name="q" defaultValue={q} maxLength={100} />
        <button type="submit" className="button">
          {t("search.submit")}
        </button>
      </Form>
      {nothing ? <p className="empty card">{t("search.none", { q })}</p> : null}
      {people.length ? (
        <section className="card" aria-labelledby="search-people">
          <h2 id="search-people" className="card-title">
            {t("search.people")}
          </h2>
          <ul>
            {people.map((p) => (
              <li key={p.id}>
                <Link to={`/admin/users/${p.id}`}>{p.name}</Link> <span className="muted">{[p.phone, p.email, p.orgName, p.roles.map((r) => t(`role.${r}`)).join("、")].filter(Boolean).join(" · ")}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {units.length ? (
        <section className="card" aria-labelledby="search-units">
          <h2 id="search-units" className="card-title">
            {t("search.units")}
          </h2>
          <ul>
            {units.map((u) => (
              <li key={u.id}>
                <Link to={`/admin/users?region=${u.id}`}>{u.label}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {certificates.length ? (
        <section className="card" aria-labelledby="search-certificates">
          <h2 id="search-certificates" className="card-title">
            {t("search.certificates")}
          </h2>
          <ul>
            {certificates.map((c) => (
              <li key={c.id}>
                <Link to={`/admin/certificates?q=${encodeURIComponent(c.number)}`}>{c.number}</Link>{" "}
                <span className="muted">
                  {c.holder} · {t(`grading.tier.${c.tier}` as MessageKey)} · {t(`certs.status.${c.status}` as MessageKey)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
