import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation } from "@remix-run/react";
import { CourseSearchForm } from "~/components/course-search-form";
import { catalog } from "~/catalog/catalog.server";
import { learnerState } from "~/catalog/learner.server";
import { maxQueryLength, searchModules } from "~/domain/catalog-search";
import { requirePermission } from "~/guards.server";
import { useT } from "~/i18n";

export const meta: MetaFunction = () => [{ title: "搜索课程 · 百城学堂" }];

const maxResults = 50;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requirePermission(request, context, "learn");
  const query = (new URL(request.url).searchParams.get("q") ?? "").slice(0, maxQueryLength);
  const state = await learnerState(me.id, context);
  const { program, modules } = catalog();
  const trackTitle = (id: string) => program.tracks.find((t) => t.id === id)!.title.zh;
  const tierTitle = (id: string) => program.tiers.find((t) => t.id === id)!.title.zh;
  const ownTrack = state.user?.track ?? null;
  // What this person can open comes first, their own track before the other; then by relevance.
  const hits = searchModules(modules, query)
    .map((hit, rank) => ({ ...hit, rank, access: state.access(hit.module.track, hit.module.tier) }))
    .sort((a, b) => Number(!a.access.unlocked) - Number(!b.access.unlocked) || Number(a.module.track !== ownTrack) - Number(b.module.track !== ownTrack) || a.rank - b.rank)
    .slice(0, maxResults);
  return json({
    query,
    results: hits.map(({ module: m, excerpt, access }) => {
      return {
        href: `/learn/${m.track}/${m.tier}/${m.slug}`,
        title: m.title,
        excerpt,
        track: trackTitle(m.track),
        tier: tierTitle(m.tier),
        locked: !access.unlocked,
        requiredTier: access.unlocked ? null : tierTitle(access.requiredTier),
      };
    }),
  });
}

export default function LearnSearch() {
  const { query, results } = useLoaderData<typeof loader>();
  const t = useT();
  const searching = useNavigation().state === "loading";
  return (
    <div className="stack">
      <nav className="breadcrumbs" aria-label="breadcrumb">
        <Link to="/learn">{t("learn.title")}</Link> / {t("learn.search.title")}
      </nav>
      <h1>{t("learn.search.title")}</h1>
      <CourseSearchForm query={query} busy={searching} />
      {query.trim() === "" ? (
        <p className="muted">{t("learn.search.hint")}</p>
      ) : results.length === 0 ? (
        <p className="empty" role="status">
          {t("learn.search.none", { query })}
        </p>
      ) : (
        <>
          <p role="status">{t("learn.search.results", { count: results.length, query })}</p>
          <ul className="search-results">
            {results.map((r) => (
              <li key={r.href} className="card">
                <h2>{r.locked ? r.title : <Link to={r.href}>{r.title}</Link>}</h2>
                <p className="muted">
                  {t("learn.search.where", { track: r.track, tier: r.tier })}
                  {r.locked ? <span className="badge warn">{t("learn.locked")}</span> : null}
                </p>
                <p>{r.excerpt}</p>
                {r.locked ? <p className="lock-reason">{t("learn.locked.reason", { tier: r.requiredTier ?? "" })}</p> : null}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
