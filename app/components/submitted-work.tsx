import { useT, type MessageKey } from "~/i18n";
import { formatDate } from "~/i18n/dates";
import { DataTable } from "./data-table";

/** What a trainee submitted, as a reviewer reads it. Date and place are left out when not given (calibration anchors). */
export interface SubmittedWorkView {
  type: string;
  activityTitle: string | null;
  activityDate?: string | null;
  place?: string | null;
  /** A school or organisation outside the tree where the activity took place. */
  otherOrgName?: string | null;
  audienceType: string | null;
  peopleReached: number | null;
  durationMinutes: number | null;
  /** Each visit of a task that logs visits; the facts above are then their totals. */
  visits?: ReadonlyArray<{ date: string | null; place: string | null; audienceType: string | null; peopleReached: number | null; durationMinutes: number | null }> | null;
  body: Partial<Record<"plan" | "reflection" | "text", string>>;
}

/** The field-work facts (for field work) and the written parts of a submission. */
export function SubmittedWork({ work }: { work: SubmittedWorkView }) {
  const t = useT();
  return (
    <>
      {work.type === "field_work" ? (
        <dl className="facts">
          <dt>{t("sub.field.activityTitle")}</dt>
          <dd>{work.activityTitle ?? "—"}</dd>
          {work.activityDate !== undefined ? (
            <>
              <dt>{t("sub.field.activityDate")}</dt>
              <dd>{work.activityDate ?? "—"}</dd>
            </>
          ) : null}
          {work.place !== undefined ? (
            <>
              <dt>{t("grading.evidence.place")}</dt>
              <dd>{work.place ?? "—"}</dd>
            </>
          ) : null}
          {work.otherOrgName ? (
            <>
              <dt>{t("sub.field.otherOrgName")}</dt>
              <dd>{work.otherOrgName}</dd>
            </>
          ) : null}
          <dt>{t("sub.field.audienceType")}</dt>
          <dd>{work.audienceType ? t(`audience.${work.audienceType}` as MessageKey) : "—"}</dd>
          <dt>{t("sub.field.peopleReached")}</dt>
          <dd>{work.peopleReached ?? "—"}</dd>
          <dt>{t("sub.field.durationMinutes")}</dt>
          <dd>{work.durationMinutes ?? "—"}</dd>
        </dl>
      ) : null}
      {work.visits?.length ? (
        <section>
          <h3>{t("sub.field.visits")}</h3>
          <DataTable
            rows={work.visits.map((v, i) => ({ ...v, n: i + 1 }))}
            rowKey={(v) => String(v.n)}
            columns={[
              { label: t("sub.visits.date"), rowHeader: true, cell: (v) => (v.date ? formatDate(v.date) : "—") },
              { label: t("sub.visits.place"), cell: (v) => v.place ?? "—" },
              { label: t("sub.visits.audience"), cell: (v) => (v.audienceType ? t(`audience.${v.audienceType}` as MessageKey) : "—") },
              { label: t("sub.visits.people"), cell: (v) => v.peopleReached ?? "—" },
              { label: t("sub.visits.minutes"), cell: (v) => v.durationMinutes ?? "—" },
            ]}
          />
        </section>
      ) : null}
      {(["plan", "reflection", "text"] as const)
        .filter((part) => work.body[part])
        .map((part) => (
          <section key={part}>
            <h3>{t(`sub.field.${part}`)}</h3>
            <div className="prose" style={{ whiteSpace: "pre-wrap" }}>
              {work.body[part]}
            </div>
          </section>
        ))}
    </>
  );
}
