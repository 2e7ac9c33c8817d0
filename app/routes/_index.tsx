import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { catalog } from "~/catalog/catalog.server";
import { continueLearning, learnerState } from "~/catalog/learner.server";
import { ContinueLearning } from "~/components/continue-learning";
import { can } from "~/domain/roles";
import { yearWindow } from "~/domain/outcomes";
import { db } from "~/db.server";
import { indicatorFigure } from "~/models/outcomes.server";
import { programmeRootPath } from "~/models/programme.server";
import { themeIds } from "~/catalog/schema";
import { useT } from "~/i18n";

// Public page: what the platform is, its tracks, tiers and targets; a signed-in trainee also gets their next step.
export async function loader({ context }: LoaderFunctionArgs) {
  const { program, modules } = catalog();
  const user = context.auth?.user ?? null;
  const learner = user && can(user.roles, "learn") && !can(user.roles, "content.preview");
  // Live programme-wide figures next to each target: aggregates only, no personal data.
  const root = await programmeRootPath(db());
  const figures = new Map<string, number>();
  if (root) {
    await Promise.all(
      program.tracks.flatMap((track) =>
        track.indicators.map(async (i) => {
          figures.set(i.id, await indicatorFigure(db(), i, { track: track.id, regionPath: root, window: yearWindow(program.programStart, i.year) }));
        }),
      ),
    );
  }
  return json({
    signedIn: Boolean(user),
    next: learner ? await continueLearning(user.id, await learnerState(user.id, context)) : undefined,
    tracks: program.tracks.map((t) => ({
      id: t.id,
      title: t.title.zh,
      trainees: t.trainees.zh,
      indicators: t.indicators.map((i) => ({ id: i.id, year: i.year, target: i.target, title: i.title.zh, figure: figures.get(i.id) ?? null })),
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
  const { tracks, tiers, signedIn, next } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <section className="hero">
        <h1>{t("home.title")}</h1>
        <p className="lead">{t("home.lead")}</p>
        <p className="actions">
          <Link className="button" to={signedIn ? "/learn" : "/login"}>
            {signedIn ? t("home.cta.learn") : t("home.cta.login")}
          </Link>
          <Link className="button secondary" to="/showcase">
            {t("home.cta.showcase")}
          </Link>
          <Link to="/verify">{t("home.cta.verify")}</Link>
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
                        <li key={i.id}>
                          {i.title}
                          {i.figure !== null ? (
                            <span className="muted"> · {t("home.figure", { figure: i.figure.toLocaleString("zh-CN"), target: i.target.toLocaleString("zh-CN") })}</span>
                          ) : null}
                        </li>
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
