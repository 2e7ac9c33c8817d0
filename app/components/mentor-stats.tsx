import { percent, type MentorFigures } from "~/domain/calibration";
import { useT } from "~/i18n";

/** The signed-in mentor's own dashboard figures: open load, median turnaround, agreement rate. */
export function MentorStats({ figures }: { figures: MentorFigures }) {
  const t = useT();
  const none = t("calibration.none");
  const share = (value: number | null) => (value === null ? none : t("calibration.percent", { percent: percent(value) }));
  return (
    <section className="card" aria-labelledby="mentor-stats-title">
      <h2 id="mentor-stats-title" className="card-title">
        {t("calibration.stats.title")}
      </h2>
      <dl className="facts">
        <dt>{t("calibration.stats.openLoad")}</dt>
        <dd>{figures.openLoad}</dd>
        <dt>{t("calibration.stats.turnaround")}</dt>
        <dd>{figures.medianTurnaroundHours === null ? none : t("calibration.hours", { hours: Math.round(figures.medianTurnaroundHours * 10) / 10 })}</dd>
        <dt>{t("calibration.stats.agreement")}</dt>
        <dd>{t("calibration.stats.agreementDetail", { anchors: share(figures.anchorAgreement), pairs: share(figures.coMarkerAgreement) })}</dd>
      </dl>
    </section>
  );
}
