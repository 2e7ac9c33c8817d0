import type { ReactNode } from "react";
import type { StatusTone } from "~/domain/submission-lifecycle";

/** A status or decision as a badge whose colour says good, waiting, needs work or refused. */
export function StatusBadge({ tone, children }: { tone: StatusTone; children: ReactNode }) {
  return <span className={`badge status-badge tone-${tone}`}>{children}</span>;
}
