import { dueState } from "~/domain/deadlines";
import { useT } from "~/i18n";
import { formatDateTime } from "~/i18n/dates";
import { StatusBadge } from "./status-badge";

const tones = { none: "neutral", later: "neutral", soon: "warning", today: "warning", overdue: "danger" } as const;

/** A task's due date with how near it is; nothing when the task has none. */
export function DueDate({ dueAt, now = new Date() }: { dueAt: Date | string | null; now?: Date }) {
  const t = useT();
  if (dueAt === null) return null;
  const due = new Date(dueAt);
  const state = dueState(due, now);
  return (
    <span className="due-date">
      <StatusBadge tone={tones[state]}>{t(`due.${state}`)}</StatusBadge> {t("due.at", { date: formatDateTime(due) })}
    </span>
  );
}
