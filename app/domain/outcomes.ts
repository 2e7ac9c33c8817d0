// The 百千万 indicators: programme years, progress against targets. Pure rules.
export interface YearWindow {
  year: number;
  from: string; // inclusive, YYYY-MM-DD
  to: string; // exclusive
}

function addYears(date: string, years: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return `${String(y + years).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** Programme year N runs twelve months from programStart + (N-1) years. */
export function yearWindow(programStart: string, year: number): YearWindow {
  return { year, from: addYears(programStart, year - 1), to: addYears(programStart, year) };
}

/** The programme year a date falls in (0 before the start). */
export function programmeYearOf(programStart: string, date: string): number {
  if (date < programStart) return 0;
  let year = 1;
  while (date >= yearWindow(programStart, year).to) year += 1;
  return year;
}

/**
 * The target a region is measured against: its own, else, for the programme as a whole, the national
 * target from content. A province or anything below without a target of its own has none ("未设定"):
 * measuring a province against the national figure would make every region look hopeless.
 */
export function regionTarget(own: number | undefined, national: number, programmeWide: boolean): number | null {
  if (own !== undefined) return own;
  return programmeWide ? national : null;
}

export function progressPercent(figure: number, target: number): number {
  if (target <= 0) return figure > 0 ? 100 : 0;
  return Math.min(100, Math.round((figure / target) * 100));
}

/**
 * A sub-region's bar: its figure against its own target, never against its siblings
 * (scaled to the biggest sibling, 1 of 1,000 drew a full bar). No target set, no bar.
 */
export function regionBarPercent(figure: number, target: number | null): number | null {
  if (target === null) return null;
  return progressPercent(figure, target);
}

export type TargetProblem = "notNumber" | "negative" | "tooLarge";

/** Parses an admin's target input: a whole number from 0 to 10,000,000. */
export function parseTarget(input: string): { ok: true; value: number } | { ok: false; problem: TargetProblem } {
  const v = input.trim();
  if (!/^-?\d+$/.test(v)) return { ok: false, problem: "notNumber" };
  const n = Number(v);
  if (n < 0) return { ok: false, problem: "negative" };
  if (n > 10_000_000) return { ok: false, problem: "tooLarge" };
  return { ok: true, value: n };
}

/** The kinds of indicator measure (content/program.yaml), as the figures need them. */
export type OutcomeMeasure =
  | { kind: "certified_trainees"; tier: string }
  | { kind: "people_reached"; audienceTypes: readonly string[] }
  | { kind: "org_milestone"; milestone: string }
  | { kind: "showcased_outcomes" };

/**
 * The summary measures (outcome_figures.measure) one indicator adds up. Milestones are a state an
 * organisation keeps, so they count from the month marked onwards; the others within the year only.
 */
export function summaryMeasures(measure: OutcomeMeasure): { keys: string[]; cumulative: boolean } {
  switch (measure.kind) {
    case "certified_trainees":
      return { keys: [`certified:${measure.tier}`], cumulative: false };
    case "people_reached":
      return { keys: measure.audienceTypes.map((a) => `people:${a}`), cumulative: false };
    case "org_milestone":
      return { keys: [`milestone:${measure.milestone}`], cumulative: true };
    case "showcased_outcomes":
      return { keys: ["showcase"], cumulative: false };
  }
}

/** The twelve months of a programme year, "YYYY-MM". */
export function monthsOf(window: YearWindow): string[] {
  const [y, mo] = window.from.split("-").map(Number) as [number, number];
  const months: string[] = [];
  for (let i = 0; i < 12; i++) {
    const d = new Date(Date.UTC(y, mo - 1 + i, 1));
    months.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`);
  }
  return months;
}

/** One kept summary row: a measure's amount in a month ("YYYY-MM-01"). */
export interface MonthFigure {
  measure: string;
  month: string;
  value: number;
}

/**
 * An indicator's figure for the year and its month-by-month trend, from the summary rows of one
 * region (rows before the year count only for cumulative measures; rows after it never).
 */
export function figureFromMonths(measure: OutcomeMeasure, window: YearWindow, rows: readonly MonthFigure[]): { figure: number; trend: Array<{ month: string; value: number }> } {
  const { keys, cumulative } = summaryMeasures(measure);
  const wanted = new Set(keys);
  const from = window.from.slice(0, 7);
  const to = window.to.slice(0, 7);
  const byMonth = new Map<string, number>();
  let figure = 0;
  for (const r of rows) {
    if (!wanted.has(r.measure)) continue;
    const month = r.month.slice(0, 7);
    if (month >= to || (!cumulative && month < from)) continue;
    figure += r.value;
    if (month >= from) byMonth.set(month, (byMonth.get(month) ?? 0) + r.value);
  }
  return { figure, trend: monthsOf(window).map((month) => ({ month, value: byMonth.get(month) ?? 0 })) };
}
