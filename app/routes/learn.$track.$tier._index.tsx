import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ProgressBar } from "~/components/progress-bar";
import { catalog } from "~/catalog/catalog.server";
import { isTier, isTrack, learnerState, modulesOf } from "~/catalog/learner.server";
import { overallProgress } from "~/domain/learning-path";
import { notFound, requirePermission } from "~/guards.server";
import { useT } from "~/i18n";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.tier.title ?? ""} · 百城学堂` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = requirePermission(request, context, "learn");
  if (!isTrack(params.track) || !isTier(params.tier)) throw notFound();
  const { track, tier } = params;
  const state = await learnerState(me.id, context);
  const { program } = catalog();
  const tierConfig = program.tiers.find((t) => t.id === tier)!;
  const access = state.access(track, tier);
  const modules = modulesOf(track, tier).map((m) => ({
    slug: m.slug,
    order: m.order,
    title: m.title,
    summary: m.summary,
    minutes: m.minutes,
    tasks: m.tasks.length,
    read: state.read.has(m.id),
    progress: state.progressOf(m),
  }));
  return json({
    track: { id: track, title: program.tracks.find((t) => t.id === track)!.title.zh },
    tier: { id: tier, title: tierConfig.title.zh, order: tierConfig.order, certificateTitle: tierConfig.certificateTitle.zh },
    access,
    requiredTierTitle: access.unlocked ? null : program.tiers.find((t) => t.id === access.requiredTier)!.title.zh,
    preview: state.preview,
    progress: overallProgress(modules.map((m) => m.progress)),
    modules,
  });
}

export default function TierPage() {
  const { track, tier, access, requiredTierTitle, modules, progress, preview } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="stack">
      <nav className="breadcrumbs" aria-label="breadcrumb">
        <Link to="/learn">{t("learn.title")}</Link> / {track.title}
      </nav>
      <div className="page-header">
        <h1>
          {track.title} · {tier.order} {tier.title}
        </h1>
        <span className={`badge${access.unlocked ? "" : " warn"}`}>{access.unlocked ? t("learn.unlocked") : t("learn.locked")}</span>
      </div>
      <p className="muted">{t("learn.tier.certificate", { title: tier.certificateTitle })}</p>
      {preview ? <p className="form-message info">{t("learn.preview")}</p> : null}
      {access.unlocked ? (
        <ProgressBar value={progress} label={t("learn.progress", { percent: progress })} />
      ) : (
        <p className="form-message info">{t("learn.locked.reason", { tier: requiredTierTitle ?? "" })}</p>
      )}
      {modules.length === 0 ? (
        <p className="empty card">{t("learn.tier.empty")}</p>
      ) : (
        <ol className="module-list">
          {modules.map((m) => (
            <li key={m.slug} className="card module-item">
              <div>
                <h2>
                  {access.unlocked ? <Link to={`/learn/${track.id}/${tier.id}/${m.slug}`}>{`${m.order}. ${m.title}`}</Link> : `${m.order}. ${m.title}`}
                </h2>
                <p className="muted">{m.summary}</p>
                <p className="hint">
                  {t("learn.minutes", { minutes: m.minutes })} · {m.read ? t("learn.module.read") : t("learn.module.unread")}
                </p>
              </div>
              {access.unlocked ? <ProgressBar value={m.progress} label={`${m.title} ${t("learn.progress", { percent: m.progress })}`} /> : null}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
