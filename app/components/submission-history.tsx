import { useT, type MessageKey } from "~/i18n";
import { formatDateTime } from "~/i18n/dates";

export interface HistoryEvent {
  id: number;
  from_status: string | null;
  to_status: string;
  note: string | null;
  created_at: string;
  actor_name: string | null;
}

/** Every status change of a submission with who made it and their note: the feedback trail. */
export function SubmissionHistory({ events }: { events: HistoryEvent[] }) {
  const t = useT();
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title" className="card-title">
        {t("sub.history")}
      </h2>
      {events.length === 0 ? (
        <p className="muted">{t("sub.history.empty")}</p>
      ) : (
        <ol className="timeline">
          {events.map((e) => (
            <li key={e.id}>
              <p>
                <strong>{t(`sub.status.${e.to_status}` as MessageKey)}</strong>{" "}
                <span className="muted">
                  {formatDateTime(e.created_at)} · {e.actor_name ?? t("common.system")}
                </span>
              </p>
              {e.note ? <blockquote className="feedback">{e.note}</blockquote> : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
