import { describe, expect, it } from "vitest";
import { chooseMentors, missingRoles, reassignProblem, servingDepth, type MentorCandidate } from "~/domain/routing";

const trainee = { userId: "t1", track: "campus" as const, orgPath: "/n/p1/c1/d1/s1/" };
const mentor = (mentorId: string, over: Partial<MentorCandidate> = {}): MentorCandidate => ({
  mentorId,
  track: "campus",
  servedPaths: ["/n/p1/c1/d1/"],
  openLoad: 0,
  ...over,
});
const ids = (picks: MentorCandidate[]) => picks.map((p) => p.mentorId);

describe("servingDepth", () => {
  it("is the depth of the deepest served unit that contains the work's unit, or -1", () => {
    expect(servingDepth("/a/b/c/", ["/a/", "/a/b/"])).toBe(2);
    expect(servingDepth("/a/b/c/", ["/a/b/c/"])).toBe(3);
    expect(servingDepth("/a/b/c/", ["/a/x/"])).toBe(-1);
    expect(servingDepth("/a/b/c/", [])).toBe(-1);
    // Work of no known unit is served only by a pool at the root.
    expect(servingDepth(null, ["/a/"])).toBe(1);
    expect(servingDepth(null, ["/a/b/"])).toBe(-1);
  });
});

describe("chooseMentors", () => {
  it("never picks the trainee themself, even when they are the nearest, idlest mentor", () => {
    const picks = chooseMentors(trainee, [mentor("t1", { servedPaths: [trainee.orgPath] }), mentor("m2", { servedPaths: ["/n/"], openLoad: 9 })], 2);
    expect(ids(picks)).toEqual(["m2"]);
  });

  it("picks only mentors of the same track or of both tracks", () => {
    const picks = chooseMentors(trainee, [mentor("other", { track: "community", servedPaths: [trainee.orgPath] }), mentor("both", { track: null, servedPaths: ["/n/"] }), mentor("same", { servedPaths: ["/n/"] })], 3);
    expect(ids(picks).sort()).toEqual(["both", "same"]);
  });

  it("picks only mentors whose pool covers the work, the most local pool first, over a lower load", () => {
    const picks = chooseMentors(
      trainee,
      [
        mentor("otherProvince", { servedPaths: ["/n/p2/"], openLoad: 0 }),
        mentor("district", { servedPaths: ["/n/p1/c1/d1/"], openLoad: 7 }),
        mentor("city", { servedPaths: ["/n/p2/c9/", "/n/p1/c1/"], openLoad: 1 }),
        mentor("national", { servedPaths: ["/n/"], openLoad: 0 }),
      ],
      4,
    );
    expect(ids(picks)).toEqual(["district", "city", "national"]);
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

  it("with no org path known, only programme-wide pools serve, by load", () => {
    const candidates = [mentor("local", { servedPaths: [trainee.orgPath], openLoad: 0 }), mentor("n1", { servedPaths: ["/n/"], openLoad: 2 }), mentor("n2", { servedPaths: ["/n/"], openLoad: 1 })];
    expect(ids(chooseMentors({ ...trainee, orgPath: null }, candidates, 3))).toEqual(["n2", "n1"]);
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
  const open = { userId: "t1", track: "campus" as const, orgPath: "/n/p1/s1/", open: true, doubleMarking: false, current: [] };
  const pool = ["/n/p1/"];
  it("refuses a mentor their own work, another track's work, work outside their pool and closed work", () => {
    expect(reassignProblem(open, { mentorId: "t1", track: "campus", servedPaths: pool }, "marker")).toBe("ownWork");
    expect(reassignProblem(open, { mentorId: "m", track: "community", servedPaths: pool }, "marker")).toBe("otherTrack");
    expect(reassignProblem(open, { mentorId: "m", track: "campus", servedPaths: ["/n/p2/"] }, "marker")).toBe("notInPool");
    expect(reassignProblem({ ...open, open: false }, { mentorId: "m", track: "campus", servedPaths: pool }, "marker")).toBe("notOpen");
    expect(reassignProblem(open, { mentorId: "m", track: null, servedPaths: pool }, "marker")).toBeNull();
  });
  it("keeps the two markers of double-marked work different", () => {
    expect(reassignProblem(open, { mentorId: "m", track: "campus", servedPaths: pool }, "second_marker")).toBe("noSecondMarker");
    const double = { ...open, doubleMarking: true, current: [{ mentorId: "m", role: "marker" }] };
    expect(reassignProblem(double, { mentorId: "m", track: "campus", servedPaths: pool }, "second_marker")).toBe("holdsOtherRole");
    expect(reassignProblem(double, { mentorId: "m2", track: "campus", servedPaths: pool }, "second_marker")).toBeNull();
  });
});
