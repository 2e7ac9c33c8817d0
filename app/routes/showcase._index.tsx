import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { catalog } from "~/catalog/catalog.server";
import { findTask } from "~/catalog/learner.server";
import { themeIds } from "~/catalog/ids";
import { FilterSelect } from "~/components/filter-select";
import { KeysetPagination } from "~/components/pagination";
import { requirePageRequest } from "~/models/keyset.server";
import { db } from "~/db.server";
import { useT } from "~/i18n";
import { listOrgUnits } from "~/models/orgs.server";
import { listPublicShowcase, showcaseKey } from "~/models/showcase.server";

export const meta: MetaFunction = () => [{ title: "万件优秀成果展示 · 百城学堂" }];
const pageSize = 12;

/** First characters of the work, for a card. */
function excerpt(body: Record<string, string>, length = 120): string {
  const text = (body.reflection || body.text || body.plan || "").replace(/\s+/g, " ").trim();
  return [...text].length > length ? `${[...text].slice(0, length).join("")}…` : text;
}

// Public: no login. Only approved, consented work.
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const track = url.searchParams.get("track") ?? "";
  const theme = url.searchParams.get("theme") ?? "";
  const regionId = url.searchParams.get("region") ?? "";
  const page = requirePageRequest(url, showcaseKey, { size: pageSize });
  // Provinces and cities: the region filter, and the place a card names.
  const units = await listOrgUnits(db(), { maxLevel: 3 });
  const regions = units.filter((u) => u.level === 2 || u.level === 3);
  const region = regions.find((r) => r.id === regionId);
  const moduleIds = (themeIds as readonly string[]).includes(theme)
    ? catalog().modules.filter((m) => (m.themes as string[]).includes(theme)).map((m) => m.id)
    : undefined;
  const { rows, next, prev } = await listPublicShowcase(db(), {
    track: track === "campus" || track === "community" ? track : undefined,
    moduleIds,
    regionPath: region?.path,
    page,
  });
  const nameOf = new Map(units.map((u) => [u.id, u.name]));
  return json({
    items: rows.map((r) => ({
      id: r.id,
      title: r.activity_title || findTask(r.task_id)?.task.title || "",
      module: findTask(r.task_id)?.module.title ?? "",
      track: r.track,
      type: r.type,
      author: r.author,
      // City-level place only: enough to credit the region, not to find anyone.
      place: (r.org_path ?? "").split("/").filter(Boolean).slice(1, 3).map((id) => nameOf.get(id)).filter(Boolean).join(" · "),
      people: r.type === "field_work" ? r.people_reached : null,
      excerpt: excerpt(r.body),
    })),
    next,
    prev,
    query: { track, theme, region: regionId },
    regions: regions.map((r) => ({ value: r.id, label: r.name })),
  });
}

export default function Showcase() {
  const { items, next, prev, query, regions } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="stack">
      <h1>{t("showcase.title")}</h1>
      <p className="lead">{t("showcase.lead")}</p>
      <Form method="get" className="toolbar card">
        <FilterSelect name="track" label={t("users.filter.track")} value={query.track} options={[{ value: "campus", label: t("track.campus") }, { value: "community", label: t("track.community") }]} />
        <FilterSelect name="theme" label={t("showcase.filter.theme")} value={query.theme} options={themeIds.map((id) => ({ value: id, label: t(`theme.${id}`) }))} />
        <FilterSelect name="region" label={t("users.filter.region")} value={query.region} options={regions} />
        <button type="submit" className="button">
          {t("users.filter.apply")}
        </button>
      </Form>
      {items.length === 0 ? (
        <p className="empty card">{t("showcase.empty")}</p>
      ) : (
        <div className="grid two">
          {items.map((item) => (
            <article key={item.id} className={`card track-${item.track}`}>
              <h2 className="card-title">
                <Link to={`/showcase/${item.id}`}>{item.title}</Link>
              </h2>
              <p className="hint">
                {t(`track.${item.track}`)} · {item.module}
                {item.place ? ` · ${item.place}` : ""}
              </p>
              <p>{item.excerpt}</p>
              <p className="hint">
                {t("showcase.author", { name: item.author })}
                {item.people ? ` · ${t("showcase.people", { people: item.people })}` : ""}
              </p>
            </article>
          ))}
        </div>
      )}
      <KeysetPagination next={next} prev={prev} />
    </div>
  );
}
