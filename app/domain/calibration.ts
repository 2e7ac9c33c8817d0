import { doubleMarkingTolerance } from "./grading";

// Calibration and mentor-dashboard figures with no I/O: how close a mentor's totals come to a
// reference (or a co-marker), and how fast they grade.

/** The middle value (mean of the two middle ones for an even count); null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A pair of totals: the mentor's and the one it is compared with (reference or co-marker). */
export interface TotalPair {
  mine: number;
  other: number;
}

/** Mean of |mine − other|; null for no pairs. */
export function meanAbsoluteDifference(pairs: readonly TotalPair[]): number | null {
  if (pairs.length === 0) return null;
  return pairs.reduce((sum, p) => sum + Math.abs(p.mine - p.other), 0) / pairs.length;
}

/** Share (0–1) of pairs at most `tolerance` apart (exactly `tolerance` still agrees); null for no pairs. */
export function withinToleranceShare(pairs: readonly TotalPair[], tolerance = doubleMarkingTolerance): number | null {
  if (pairs.length === 0) return null;
  return pairs.filter((p) => Math.abs(p.mine - p.other) <= tolerance).length / pairs.length;
}

export interface MentorFigures {
  anchorsGraded: number;
  anchorMeanDifference: number | null;
  anchorAgreement: number | null;
  coMarkedPairs: number;
  coMarkerAgreement: number | null;
  openLoad: number;
  medianTurnaroundHours: number | null;
}

/** One mentor's calibration and dashboard figures from their raw pairs, open load and turnaround hours. */
export function mentorFigures(input: { anchorPairs: readonly TotalPair[]; coMarkerPairs: readonly TotalPair[]; openLoad: number; turnaroundHours: readonly number[] }): MentorFigures {
  return {
    anchorsGraded: input.anchorPairs.length,
    anchorMeanDifference: meanAbsoluteDifference(input.anchorPairs),
    anchorAgreement: withinToleranceShare(input.anchorPairs),
    coMarkedPairs: input.coMarkerPairs.length,
    coMarkerAgreement: withinToleranceShare(input.coMarkerPairs),
    openLoad: input.openLoad,
    medianTurnaroundHours: median(input.turnaroundHours),
  };
}

/** A share as a whole percentage for display; "—" stays the caller's job for null. */
export function percent(share: number): number {
  return Math.round(share * 100);
}
