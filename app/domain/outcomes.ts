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
