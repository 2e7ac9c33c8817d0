import { describe, expect, it } from "vitest";
import { meanAbsoluteDifference, median, mentorFigures, withinToleranceShare } from "~/domain/calibration";

describe("median", () => {
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([10, 2, 4, 8])).toBe(6);
    expect(median([7])).toBe(7);
  });
  it("has no median for no values", () => {
    expect(median([])).toBeNull();
  });
  it("does not reorder the caller's array", () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe("agreement with a reference", () => {
  const pairs = [
    { mine: 80, other: 70 }, // 10 apart: exactly the tolerance still agrees
    { mine: 60, other: 71 }, // 11 apart
    { mine: 90, other: 90 },
    { mine: 50, other: 45 },
  ];
  it("averages the absolute differences", () => {
    expect(meanAbsoluteDifference(pairs)).toBe((10 + 11 + 0 + 5) / 4);
    expect(meanAbsoluteDifference([])).toBeNull();
  });
  it("counts pairs at most the tolerance apart", () => {
    expect(withinToleranceShare(pairs)).toBe(3 / 4);
    expect(withinToleranceShare(pairs, 5)).toBe(2 / 4);
    expect(withinToleranceShare([])).toBeNull();
  });
});

describe("mentorFigures", () => {
  it("puts the calibration and dashboard figures together", () => {
    expect(
      mentorFigures({ anchorPairs: [{ mine: 70, other: 75 }], coMarkerPairs: [{ mine: 60, other: 80 }, { mine: 60, other: 65 }], openLoad: 3, turnaroundHours: [2, 30, 10] }),
    ).toEqual({
      anchorsGraded: 1,
      anchorMeanDifference: 5,
      anchorAgreement: 1,
      coMarkedPairs: 2,
      coMarkerAgreement: 0.5,
      openLoad: 3,
      medianTurnaroundHours: 10,
    });
  });
});
