import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { ActiveFilter } from "~/components/active-filter";
import { DataTable } from "~/components/data-table";
import { FilterSelect } from "~/components/filter-select";
import { KeysetPagination } from "~/components/pagination";
import { db } from "~/db.server";
import { attentionThresholds, figureText, isPeopleAttention } from "~/domain/attention";
import { isRole, roles } from "~/domain/roles";
import { requireReach } from "~/guards.server";
import { useT } from "~/i18n";
import { orgOptions } from "~/models/org-options.server";
import { peopleInReach } from "~/models/region-attention.server";
import { requirePageRequest } from "~/models/keyset.server";
import { countUsers, listUsers, userListKey } from "~/models/users.server";

export const meta: MetaFunction = () => [{ title: "用户管理 · 百城学堂" }];
const pageSize = 50;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const url = new URL(request.url);
  const param = (k: string) => url.searchParams.get(k)?.trim() ?? "";
  const role = param("role");
  const track = param("track");
  const status = param("status");
  const regionId = param("region");
  const attention = param("attention");
  // Only the admin's own subtree: the region filter narrows it, never widens it.
  const page = requirePageRequest(url, userListKey, { size: pageSize });
  // Regions to filter by: provinces and cities (levels 1–3), not every school.
  const orgs = await orgOptions(db(), { within: me.reach.path, maxLevel: 3 });
  const region = orgs.find((o) => o.id === regionId);
  const filters = {
    q: param("q").slice(0, 100) || undefined,
    role: isRole(role) ? role : undefined,
    track: track === "campus" || track === "community" ? track : undefined,
    status: status === "active" || status === "deactivated" ? status : undefined,
    ...(region ? { orgPath: region.path, includeUnplaced: false } : peopleInReach(me.reach)),
    attention: isPeopleAttention(attention) ? attention : undefined,
  } as const;
  const [{ rows, next, prev }, total] = await Promise.all([listUsers(db(), { ...filters, page }), countUsers(db(), filters)]);
  return json({
    users: rows.map((u) => ({ ...u, createdAt: u.createdAt.toISOString() })),
    total,
    next,
    prev,
    regions: orgs.filter((o) => o.path.split("/").length <= 5).map(({ id, label }) => ({ id, label })),
    query: { q: param("q"), role, track, status, region: regionId, attention: filters.attention ?? "" },
  });
}

/** This list's address with one filter dropped and the others kept. */
function withoutParam(query: Record<string, string>, name: string): string {
  const kept = new URLSearchParams(Object.entries(query).filter(([k, v]) => k !== name && v)).toString();
  return kept ? `?${kept}` : "/admin/users";
}

export default function UsersList() {
  const { users, total, next, prev, regions, query } = useLoaderData<typeof loader>();
  const t = useT();
  const navigation = useNavigation();
  return (
    <>
      <div className="page-header">
        <h1>{t("admin.users")}</h1>
        <div>
          <Link className="button secondary" to="/admin/search">
            {t("search.open")}
          </Link>{" "}
          <Link className="button secondary" to="/admin/users/import">
            {t("admin.import")}
          </Link>{" "}
          <Link className="button" to="/admin/users/new">
            {t("users.new")}
          </Link>
        </div>
      </div>
      {isPeopleAttention(query.attention) ? (
        <ActiveFilter label={t(`users.attention.${query.attention}`, { days: attentionThresholds.stalledDays })} clearTo={withoutParam(query, "attention")} />
      ) : null}
      <Form method="get" className="toolbar card" role="search">
        {query.attention ? <input type="hidden" name="attention" value={query.attention} /> : null}
        <div className="field">
          <label htmlFor="q">{t("users.search")}</label>
          <input id="q" type="search" name="q" defaultValue={query.q} />
        </div>
        <FilterSelect name="role" label={t("users.filter.role")} value={query.role} options={roles.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
        <FilterSelect name="region" label={t("users.filter.region")} value={query.region} options={regions.map((r) => ({ value: r.id, label: r.label }))} />
        <FilterSelect
          name="track"
          label={t("users.filter.track")}
          value={query.track}
          options={[
            { value: "campus", label: t("track.campus") },
            { value: "community", label: t("track.community") },
          ]}
        />
        <FilterSelect
          name="status"
          label={t("users.filter.status")}
          value={query.status}
          options={[
            { value: "active", label: t("users.status.active") },
            { value: "deactivated", label: t("users.status.deactivated") },
          ]}
        />
        <button type="submit" className="button" aria-busy={navigation.state === "loading"}>
          {t("users.filter.apply")}
        </button>
      </Form>
      <p className="muted" aria-live="polite">
        {t("users.count", { total: figureText(total) })}
      </p>
      <DataTable
        rows={users}
        rowKey={(u) => u.id}
        empty={t("users.empty")}
        columns={[
          { label: t("users.col.name"), cell: (u) => <Link to={`/admin/users/${u.id}`}>{u.name}</Link> },
          { label: t("users.col.contact"), cell: (u) => [u.phone, u.email].filter(Boolean).join(" / ") },
          {
            label: t("users.col.org"),
            cell: (u) => (
              <>
                {u.orgName ?? "—"}
                {u.track ? <span className="badge">{t(`track.${u.track}`)}</span> : null}
              </>
            ),
          },
          {
            label: t("users.col.roles"),
            cell: (u) =>
              u.roles.map((r) => (
                <span key={r} className="badge">
                  {t(`role.${r}`)}
                </span>
              )),
          },
          {
            label: t("users.col.status"),
            cell: (u) => (
              <>
                {u.status === "active" ? t("users.status.active") : <span className="badge warn">{t("users.status.deactivated")}</span>}
                {!u.hasPassword ? <span className="badge warn">{t("users.noPassword")}</span> : null}
              </>
            ),
          },
        ]}
      />
      <KeysetPagination next={next} prev={prev} />
    </>
  );
}
