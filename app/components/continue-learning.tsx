import { Link } from "@remix-run/react";
import { useT } from "~/i18n";
import type { ContinueLink } from "~/catalog/learner.server";

/** "继续学习": the one next step, first on /learn and on the home page. */
export function ContinueLearning({ next }: { next: ContinueLink | null }) {
  const t = useT();
  return (
    <section className="card continue" aria-labelledby="continue-title">
      <h2 id="continue-title" className="card-title">
        {t("learn.continue.title")}
      </h2>
      {next ? (
        <>
          <p className="muted">{t(`learn.continue.${next.kind}`)}</p>
          <Link className="button" to={next.href}>
            {next.title}
          </Link>
        </>
      ) : (
        <p>{t("learn.continue.none")}</p>
      )}
    </section>
  );
}
