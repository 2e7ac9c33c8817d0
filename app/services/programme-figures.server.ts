import { catalog } from "~/catalog/catalog.server";
import type { TrackId } from "~/catalog/ids";
import { db } from "~/db.server";
import { figureFromMonths, programmeYearOf, progressPercent, yearWindow, type MonthFigure } from "~/domain/outcomes";
import { todayInChina } from "~/domain/submission-input";
import { listActiveChildren } from "~/models/orgs.server";
import { summaryFigures } from "~/models/outcomes.server";

export interface PublicFigure {
  id: string;
  title: string;
  figure: number;
  target: number;
  percent: number;
}

export interface PublicFigures {
  year: number;
  /** The day the figures were counted, as people read it: 2026年11月30日. */
  asOf: string;
  tracks: Array<{ id: TrackId; title: string; figures: PublicFigure[] }>;
}

// The home page is public and busy; the whole programme's figures move slowly. Five minutes old is fresh enough.
const freshForMs = 5 * 60_000;
let cached: { at: number; value: Promise<PublicFigures> } | null = null;

/** The 百千万 figures of the whole programme for the current programme year (year 1 before it starts). */
export function programmeFigures(now = Date.now()): Promise<PublicFigures> {
  if (cached && now - cached.at < freshForMs) return cached.value;
  const value = computeFigures().catch((error: unknown) => {
    cached = null;
    throw error;
  });
  cached = { at: now, value };
  return value;
}

/** For tests that change the rows behind the figures. */
export function forgetProgrammeFigures(): void {
  cached = null;
}

async function computeFigures(): Promise<PublicFigures> {
  const { program } = catalog();
  const today = todayInChina();
  const year = Math.min(3, Math.max(1, programmeYearOf(program.programStart, today)));
  const window = yearWindow(program.programStart, year);
  // The whole programme: the kept figures of every root (there is one in practice).
  const roots = (await listActiveChildren(db(), null)).map((r) => r.id);
  const tracks = await Promise.all(
    program.tracks.map(async (track) => {
      const byRoot = await summaryFigures(db(), { unitIds: roots, track: track.id, from: window.from, before: window.to });
      const rows: MonthFigure[] = [...byRoot.values()].flat();
      return {
        id: track.id,
        title: track.title.zh,
        figures: track.indicators
          .filter((i) => i.year === year)
          .map((i) => {
            const { figure } = figureFromMonths(i.measure, window, rows);
            return { id: i.id, title: i.title.zh, figure, target: i.target, percent: progressPercent(figure, i.target) };
          }),
      };
    }),
  );
  const asOf = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", year: "numeric", month: "long", day: "numeric" }).format(new Date());
  return { year, asOf, tracks };
}
