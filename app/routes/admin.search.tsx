import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation } from "@remix-run/react";
import { AdminSearchForm, adminSearchMaxLength, FoundGroup } from "~/components/admin-search";
import { catalog } from "~/catalog/catalog.server";
import { db } from "~/db.server";
import { figureText } from "~/domain/attention";
import { isProgrammeWide, listingPrefix } from "~/domain/reach";
import { requireReach } from "~/guards.server";
import { useT } from "~/i18n";
import { countCertificates, listCertificates } from "~/models/certificates.server";
import { searchOrgUnits } from "~/models/orgs.server";
import { countUsers, listUsers } from "~/models/users.server";

export const meta: MetaFunction = () => [{ title: "查找 · 管理后台 · 百城学堂" }];

const perGroup = 10;

// One box for people, units and certificates, always inside the admin's own subtree.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const q = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, adminSearchMaxLength);
  if (!q) return json({ q, people: null, units: null, certificates: null });
  const first = { direction: "first", size: perGroup } as const;
  const peopleFilter = { q, orgPath: me.reach.path, includeUnplaced: isProgrammeWide(me.reach) };
  const certificateFilter = { q, orgPath: listingPrefix(me.reach) };
  // Each group: its first rows and how many match (counted up to 99, then "99+").
  const [people, peopleTotal, units, certificates, certificatesTotal] = await Promise.all([
    listUsers(db(), { ...peopleFilter, page: first }),
    countUsers(db(), peopleFilter),
    searchOrgUnits(db(), { q, withinPath: me.reach.path, limit: perGroup }),
    listCertificates(db(), { ...certificateFilter, page: first }),
    countCertificates(db(), certificateFilter),
  ]);
  const { program } = catalog();
  const trackTitle = (id: string) => program.tracks.find((t) => t.id === id)?.title.zh ?? id;
  const tierTitle = (id: string) => program.tiers.find((t) => t.id === id)?.title.zh ?? id;
  return json({
    q,
    people: { total: peopleTotal, rows: people.rows.map((u) => ({ id: u.id, name: u.name, contact: u.phone ?? u.email ?? "", org: u.orgName ?? "", roles: u.roles })) },
    units: units,
    certificates: {
      total: certificatesTotal,
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
      <AdminSearchForm query={q} busy={busy} hint />
      {nothing ? (
        <p className="empty" role="status">
          {t("admin.search.nothing", { query: q })}
        </p>
      ) : null}
      {people && units && certificates && !nothing ? (
        <>
          <FoundGroup
            id="found-people"
            title={t("admin.search.people", { count: figureText(people.total) })}
            rows={people.rows}
            total={people.total}
            allHref={`/admin/users?q=${encodeURIComponent(q)}`}
            row={(p) => (
              <>
                <Link to={`/admin/users/${p.id}`}>{p.name}</Link> <span className="muted">{[p.contact, p.org, ...(p.roles ?? []).map((r) => t(`role.${r}`))].filter(Boolean).join(" · ")}</span>
              </>
            )}
          />
          <FoundGroup
            id="found-units"
            title={t("admin.search.units", { count: units.total })}
            rows={units.rows}
            total={units.total}
            row={(u) => (
              <>
                <Link to={`/admin/users?region=${u.id}`}>{u.name}</Link> <span className="muted">{t(`orgs.kind.${u.kind}`)} · {u.label}</span>
              </>
            )}
          />
          <FoundGroup
            id="found-certificates"
            title={t("admin.search.certificates", { count: figureText(certificates.total) })}
            rows={certificates.rows}
            total={certificates.total}
            allHref={`/admin/certificates?q=${encodeURIComponent(q)}`}
            row={(c) => (
              <>
                <Link to={`/admin/certificates?q=${encodeURIComponent(c.number)}`}>{c.number}</Link> <span className="muted">{c.name} · {c.what} · {t(`certs.status.${c.status}`)}</span>
              </>
            )}
          />
        </>
      ) : null}
    </div>
  );
}
