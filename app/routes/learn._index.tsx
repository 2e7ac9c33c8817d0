import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ProgressBar } from "~/components/progress-bar";
import { catalog } from "~/catalog/catalog.server";
import { continueLearning, learnerState, modulesOf, trackProgress } from "~/catalog/learner.server";
import { ContinueLearning } from "~/components/continue-learning";
import { CourseSearchForm } from "~/components/course-search-form";
import { trackIds } from "~/catalog/schema";
import { currentTier, overallProgress } from "~/domain/learning-path";
import { EligibilityPanel } from "~/components/eligibility-panel";
import { db } from "~/db.server";
import { requirePermission } from "~/guards.server";
import { eligibilityFor } from "~/models/eligibility.server";
import { useT } from "~/i18n";

export const meta: MetaFunction = () => [{ title: "我的学习 · 百城学堂" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requirePermission(request, context, "learn");
  const state = await learnerState(me.id, context);
  const { program } = catalog();
  const tracks = state.user?.track ? [state.user.track] : [...trackIds];
  const tiers = [...program.tiers].sort((a, b) => a.order - b.order);
  return json({
    next: state.preview ? null : continueLearning(state),
    preview: state.preview,
    hasTrack: Boolean(state.user?.track),
    tracks: await Promise.all(tracks.map(async (track) => {
      const certificates = await eligibilityFor(db(), me.id, track);
      const current = currentTier(program.tiers, track, state.held);
      return {
        id: track,
        title: program.tracks.find((t) => t.id === track)!.title.zh,
        progress: trackProgress(track, state.progressOf),
        currentTier: program.tiers.find((t) => t.id === current)!.title.zh,
        certificates,
        tiers: tiers.map((tier) => {
          const modules = modulesOf(track, tier.id);
          const access = state.access(track, tier.id);
          return {
            id: tier.id,
            order: tier.order,
            title: tier.title.zh,
            certificateTitle: tier.certificateTitle.zh,
            certified: state.held.some((c) => c.track === track && c.tier === tier.id),
            access,
            requiredTierTitle: access.unlocked ? null : program.tiers.find((t) => t.id === access.requiredTier)!.title.zh,
            modules: modules.length,
            minutes: modules.reduce((s, m) => s + m.minutes, 0),
            progress: overallProgress(modules.map(state.progressOf)),
          };
        }),
      };
    })),
  });
}

export default function Learn() {
  const { tracks, preview, hasTrack, next } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="stack">
      <h1>{t("learn.title")}</h1>
      <CourseSearchForm />
      {preview ? <p className="form-message info">{t("learn.preview")}</p> : null}
      {!hasTrack && !preview ? <p className="form-message info">{t("learn.noTrack")}</p> : null}
      {preview ? null : <ContinueLearning next={next} />}
      {tracks.map((track) => (
        <section key={track.id} className={`card track-${track.id}`} aria-labelledby={`track-${track.id}`}>
          <div className="page-header">
            <h2 id={`track-${track.id}`}>{t("learn.track", { track: track.title })}</h2>
            <span className="badge">{t("learn.currentTier", { tier: track.currentTier })}</span>
          </div>
          <ProgressBar value={track.progress} label={`${track.title} ${t("learn.overall")}`} />
          <ol className="tier-list">
            {track.tiers.map((tier) => (
              <li key={tier.id} className={`tier-row${tier.access.unlocked ? "" : " locked"}`}>
                <span className="tier-order" aria-hidden="true">
                  {tier.order}
                </span>
                <div className="tier-main">
                  <h3>
                    <Link to={`/learn/${track.id}/${tier.id}`}>
                      {tier.title} · {tier.certificateTitle}
                    </Link>
                  </h3>
                  <p className="muted">
                    {t("learn.modules", { count: tier.modules })} · {t("learn.minutes", { minutes: tier.minutes })}
                  </p>
                  {tier.access.unlocked ? (
                    <ProgressBar value={tier.progress} label={`${tier.title} ${t("learn.progress", { percent: tier.progress })}`} />
                  ) : (
                    <p className="lock-reason">{t("learn.locked.reason", { tier: tier.requiredTierTitle ?? "" })}</p>
                  )}
                </div>
                <div>
                  {tier.certified ? <span className="badge">{t("learn.certified")}</span> : null}
                  <span className={`badge${tier.access.unlocked ? "" : " warn"}`}>
                    {tier.access.unlocked ? t("learn.unlocked") : t("learn.locked")}
                  </span>
                </div>
              </li>
            ))}
          </ol>
        </section>
      ))}
      {tracks.map((track) => (
        <EligibilityPanel key={`cert-${track.id}`} trackId={track.id} trackTitle={track.title} tiers={track.certificates} />
      ))}
    </div>
  );
}
