import { useT } from "~/i18n";
import type { TraineeGradeRound } from "~/services/grading.server";

/**
 * The trainee's read-only "评分结果": each decided round with its total, decision, the mentor's
 * level and comment per criterion, and the rubric version used. Feed it `traineeGradeSummary()`.
 */
export function GradeSummary({ rounds }: { rounds: TraineeGradeRound[] }) {
  const t = useT();
  if (rounds.length === 0) return null;
  return (
    <section className="card" aria-labelledby="grade-summary-title">
      <h2 id="grade-summary-title" className="card-title">
        {t("grading.summary.title")}
      </h2>
      {[...rounds].reverse().map((r) => (
        <article key={r.round} aria-label={t("grading.summary.round", { round: r.round })}>
          <h3>
            {t("grading.summary.heading", { round: r.round, total: r.total })}{" "}
            <span className="badge status-badge">{t(`grading.decision.${r.decision}`)}</span>
            <span className="badge">{t("grading.grades.version", { version: r.taskVersion })}</span>
          </h3>
          {r.marks.map((mark, i) => (
            <div key={i}>
              {r.marks.length > 1 ? <h4>{t("grading.summary.marker", { n: i + 1 })}</h4> : null}
              <div className="table-wrap">
                <table className="data responsive">
                  <thead>
                    <tr>
                      <th scope="col">{t("grading.summary.criterion")}</th>
                      <th scope="col">{t("grading.summary.level")}</th>
                      <th scope="col">{t("grading.summary.comment")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {mark.criteria.map((c) => (
                      <tr key={c.criterionId}>
                        <th scope="row" data-label={t("grading.summary.criterion")}>
                          {c.title}
                        </th>
                        <td data-label={t("grading.summary.level")}>{t("grading.summary.points", { level: c.level, points: c.points, max: c.maxPoints })}</td>
                        <td data-label={t("grading.summary.comment")}>{c.comment || "—"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {mark.comment ? <blockquote className="feedback">{mark.comment}</blockquote> : null}
            </div>
          ))}
        </article>
      ))}
    </section>
  );
}
