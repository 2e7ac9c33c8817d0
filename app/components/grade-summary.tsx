import { useT } from "~/i18n";
import { decisionTone } from "~/domain/submission-lifecycle";
import { DataTable } from "./data-table";
import { StatusBadge } from "./status-badge";
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
            <StatusBadge tone={decisionTone(r.decision)}>{t(`grading.decision.${r.decision}`)}</StatusBadge>
            <span className="badge">{t("grading.grades.version", { version: r.taskVersion })}</span>
          </h3>
          {r.marks.map((mark, i) => (
            <div key={i}>
              {r.marks.length > 1 ? <h4>{t("grading.summary.marker", { n: i + 1 })}</h4> : null}
              {mark.comment ? <blockquote className="feedback">{mark.comment}</blockquote> : null}
              <DataTable
                rows={mark.criteria}
                rowKey={(c) => c.criterionId}
                columns={[
                  { label: t("grading.summary.criterion"), rowHeader: true, cell: (c) => c.title },
                  { label: t("grading.summary.level"), cell: (c) => t("grading.summary.points", { level: c.level, points: c.points, max: c.maxPoints }) },
                  { label: t("grading.summary.comment"), cell: (c) => c.comment || "—" },
                ]}
              />
            </div>
          ))}
        </article>
      ))}
    </section>
  );
}
