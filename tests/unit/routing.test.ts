import { describe, expect, it } from "vitest";
import { chooseMentors, missingRoles, reassignProblem, sharedDepth, type MentorCandidate } from "~/domain/routing";

const trainee = { userId: "t1", track: "campus" as const, orgPath: "/n/p1/c1/d1/s1/" };
const mentor = (mentorId: string, over: Partial<MentorCandidate> = {}): MentorCandidate => ({
  mentorId,
  track: "campus",
  orgPath: "/n/p1/c1/d1/",
  openLoad: 0,
  ...over,
});
const ids = (picks: MentorCandidate[]) => picks.map((p) => p.mentorId);

describe("sharedDepth", () => {
  it("counts shared path segments from the root", () => {
    expect(sharedDepth("/a/b/c/", "/a/b/d/")).toBe(2);
    expect(sharedDepth("/a/b/", "/a/b/c/")).toBe(2);
    expect(sharedDepth("/a/", "/x/")).toBe(0);
    expect(sharedDepth(null, "/a/")).toBe(0);
    // Segment-wise, not character-wise: "/a/b1/" does not share "b" with "/a/b/".
    expect(sharedDepth("/a/b1/", "/a/b/")).toBe(1);
  });
});

describe("chooseMentors", () => {
  it("never picks the trainee themself, even when they are the nearest, idlest mentor", () => {
    const picks = chooseMentors(trainee, [mentor("t1", { orgPath: trainee.orgPath }), mentor("m2", { orgPath: "/n/", openLoad: 9 })], 2);
    expect(ids(picks)).toEqual(["m2"]);
  });

  it("picks only mentors of the same track or of both tracks", () => {
    const picks = chooseMentors(trainee, [mentor("other", { track: "community", orgPath: trainee.orgPath }), mentor("both", { track: null, orgPath: "/n/" }), mentor("same", { orgPath: "/n/" })], 3);
    expect(ids(picks).sort()).toEqual(["both", "same"]);
  });

  it("prefers the nearest org subtree over a lower load", () => {
    const picks = chooseMentors(
      trainee,
      [mentor("far", { orgPath: "/n/p2/", openLoad: 0 }), mentor("district", { orgPath: "/n/p1/c1/d1/", openLoad: 7 }), mentor("city", { orgPath: "/n/p1/c1/", openLoad: 1 })],
      3,
    );
    expect(ids(picks)).toEqual(["district", "city", "far"]);
  });

  it("among equally near mentors, takes the least loaded", () => {
    const picks = chooseMentors(trainee, [mentor("busy", { openLoad: 5 }), mentor("idle", { openLoad: 1 }), mentor("mid", { openLoad: 3 })], 2);
    expect(ids(picks)).toEqual(["idle", "mid"]);
  });

  it("is deterministic: ties break on the mentor id, whatever the input order", () => {
    const candidates = [mentor("m-c"), mentor("m-a"), mentor("m-b")];
    expect(ids(chooseMentors(trainee, candidates, 3))).toEqual(["m-a", "m-b", "m-c"]);
    expect(ids(chooseMentors(trainee, [...candidates].reverse(), 3))).toEqual(["m-a", "m-b", "m-c"]);
  });

  it("returns no more than asked, and nothing when no one may review", () => {
    expect(chooseMentors(trainee, [mentor("a"), mentor("b")], 1)).toHaveLength(1);
    expect(chooseMentors(trainee, [mentor("a")], 0)).toEqual([]);
    expect(chooseMentors(trainee, [mentor("x", { track: "community" })], 1)).toEqual([]);
  });

  it("with no org path known, ranks by load alone", () => {
    expect(ids(chooseMentors({ ...trainee, orgPath: null }, [mentor("near", { orgPath: trainee.orgPath, openLoad: 2 }), mentor("z", { openLoad: 0 })], 1))).toEqual(["z"]);
  });
});

describe("missingRoles", () => {
  it("needs one marker, or two markers for double marking; a moderator fills neither", () => {
    expect(missingRoles(false, [])).toEqual(["marker"]);
    expect(missingRoles(false, ["marker"])).toEqual([]);
    expect(missingRoles(true, ["moderator"])).toEqual(["marker", "second_marker"]);
    expect(missingRoles(true, ["marker"])).toEqual(["second_marker"]);
    expect(missingRoles(true, ["second_marker"])).toEqual(["marker"]);
  });
});

describe("reassignProblem", () => {
  const open = { userId: "t1", track: "campus" as const, open: true, doubleMarking: false, current: [] };
  it("refuses a mentor their own work, another track's work and closed work", () => {
    expect(reassignProblem(open, { mentorId: "t1", track: "campus" }, "marker")).toBe("ownWork");
    expect(reassignProblem(open, { mentorId: "m", track: "community" }, "marker")).toBe("otherTrack");
    expect(reassignProblem({ ...open, open: false }, { mentorId: "m", track: "campus" }, "marker")).toBe("notOpen");
    expect(reassignProblem(open, { mentorId: "m", track: null }, "marker")).toBeNull();
  });
  it("keeps the two markers of double-marked work different", () => {
    expect(reassignProblem(open, { mentorId: "m", track: "campus" }, "second_marker")).toBe("noSecondMarker");
    const double = { ...open, doubleMarking: true, current: [{ mentorId: "m", role: "marker" }] };
    expect(reassignProblem(double, { mentorId: "m", track: "campus" }, "second_marker")).toBe("holdsOtherRole");
    expect(reassignProblem(double, { mentorId: "m2", track: "campus" }, "second_marker")).toBeNull();
  });
});
