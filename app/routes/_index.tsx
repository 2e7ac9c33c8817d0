import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { catalog } from "~/catalog/catalog.server";
import { themeIds } from "~/catalog/ids";
import { continueLearning, learnerState } from "~/catalog/learner.server";
import { ContinueLearning } from "~/components/continue-learning";
import { ProgressBar } from "~/components/progress-bar";
import { can } from "~/domain/roles";
import { useT } from "~/i18n";
import { programmeFigures } from "~/services/programme-figures.server";

// Public page: what the platform is, its tracks, tiers, targets and the programme's live figures
// (aggregates only, no personal data); a signed-in learner also gets the way back to their next module.
export async function loader({ context }: LoaderFunctionArgs) {
  const { program, modules } = catalog();
  const user = context.auth.user;
  const learner = user && can(user.roles, "learn") && !can(user.roles, "content.preview") ? user : null;
  const [figures, next] = await Promise.all([
    programmeFigures(),
    learner ? learnerState(learner.id, context).then(continueLearning) : undefined,
  ]);
  return json({
    signedIn: Boolean(user),
    next,
    learner: Boolean(learner),
    figures,
    tracks: program.tracks.map((t) => ({
      id: t.id,
      title: t.title.zh,
      trainees: t.trainees.zh,
      indicators: t.indicators.map((i) => ({ id: i.id, year: i.year, target: i.target, title: i.title.zh })),
    })),
    tiers: [...program.tiers]
      .sort((a, b) => a.order - b.order)
      .map((t) => ({
        id: t.id,
        order: t.order,
        title: t.title.zh,
        certificateTitle: t.certificateTitle.zh,
        modules: modules.filter((m) => m.tier === t.id).length,
      })),
  });
}

export default function Home() {
  const { tracks, tiers, signedIn, learner, next, figures } = useLoaderData<typeof loader>();
  const t = useT();
  const number = new Intl.NumberFormat("zh-CN");
  return (
    <>
      <section className="hero">
        <h1>{t("home.title")}</h1>
        <p className="lead">{t("home.lead")}</p>
        <p className="cta-row">
          {learner ? (
            <Link className="button" to="/learn">
              {t("home.cta.learn")}
            </Link>
          ) : signedIn ? null : (
            <Link className="button" to="/login">
              {t("home.cta.start")}
            </Link>
          )}
          <Link className="button secondary" to="/verify">
            {t("home.cta.verify")}
          </Link>
          <Link className="button secondary" to="/showcase">
            {t("home.cta.showcase")}
          </Link>
        </p>
      </section>

      {next !== undefined ? <ContinueLearning next={next} /> : null}

      <section aria-labelledby="tracks-title">
        <h2 id="tracks-title">{t("home.tracks")}</h2>
        <div className="grid two">
          {tracks.map((track) => (
            <article key={track.id} className={`card track-${track.id}`}>
              <h3>{track.title}</h3>
              <p>{track.trainees}</p>
            </article>
          ))}
        </div>
      </section>

      <section aria-labelledby="tiers-title">
        <h2 id="tiers-title">{t("home.tiers")}</h2>
        <p className="muted">{t("home.tiers.lead")}</p>
        <ol className="tiers">
          {tiers.map((tier) => (
            <li key={tier.id} className="card tier">
              <span className="tier-order" aria-hidden="true">
                {tier.order}
              </span>
              <div>
                <h3>{tier.title}</h3>
                <p>{t("home.certificate", { title: tier.certificateTitle })}</p>
              </div>
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="themes-title">
        <h2 id="themes-title">{t("home.themes")}</h2>
        <ul className="chips">
          {themeIds.map((id) => (
            <li key={id} className={`chip theme-${id}`}>
              {t(`theme.${id}`)}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="figures-title">
        <h2 id="figures-title">{t("home.figures.title", { year: figures.year, date: figures.asOf })}</h2>
        <p className="muted">{t("home.figures.lead")}</p>
        <div className="grid two">
          {figures.tracks.map((track) => (
            <article key={track.id} className="card">
              <h3>{track.title}</h3>
              <ul className="figure-list">
                {track.figures.map((f) => (
                  <li key={f.id}>
                    <span className="figure-title">{f.title}</span>
                    <span className="figure-value">{t("home.figures.value", { figure: number.format(f.figure), target: number.format(f.target) })}</span>
                    <ProgressBar value={f.percent} label={t("home.figures.label", { title: f.title, figure: f.figure, target: f.target })} />
                  </li>
                ))}
              </ul>
            </article>
          ))}
        </div>
      </section>

      <section aria-labelledby="targets-title">
        <h2 id="targets-title">{t("home.targets")}</h2>
        <p className="muted">{t("home.targets.lead")}</p>
        <div className="grid two">
          {tracks.map((track) => (
            <article key={track.id} className="card">
              <h3>{track.title}</h3>
              {[1, 2, 3].map((year) => (
                <div key={year} className="target-year">
                  <h4>{t("home.year", { year })}</h4>
                  <ul>
                    {track.indicators
                      .filter((i) => i.year === year)
                      .map((i) => (
                        <li key={i.id}>{i.title}</li>
                      ))}
                  </ul>
                </div>
              ))}
            </article>
          ))}
        </div>
      </section>
    </>
  );
}
