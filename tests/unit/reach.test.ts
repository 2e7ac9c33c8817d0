import { describe, expect, it } from "vitest";
import {
  atOrAboveActor,
  belowReach,
  evidenceAccess,
  grantableRoles,
  grantProblem,
  inReach,
  isProgrammeWide,
  listingPrefix,
  personProblem,
  reachOf,
  unitProblem,
  type Actor,
} from "~/domain/reach";

// A tree: /n/ national → /n/sx/ 山西 → /n/sx/yc/ 运城; /n/sd/ 山东.
const national: Actor = { id: "nat", roles: ["admin"], reach: { unitId: "n", path: "/n/" } };
const shanxi: Actor = { id: "sx-admin", roles: ["admin"], reach: { unitId: "sx", path: "/n/sx/" } };

describe("reachOf and inReach", () => {
  it("gives no reach without a unit: no unit never means everything", () => {
    expect(reachOf({ orgUnitId: null, orgPath: null })).toBeNull();
    expect(inReach(null, "/n/")).toBe(false);
    expect(inReach(null, null)).toBe(false);
  });
  it("covers the unit's own subtree only, segment-wise", () => {
    expect(inReach(shanxi.reach, "/n/sx/")).toBe(true);
    expect(inReach(shanxi.reach, "/n/sx/yc/school/")).toBe(true);
    expect(inReach(shanxi.reach, "/n/sd/")).toBe(false);
    expect(inReach(shanxi.reach, "/n/")).toBe(false);
    expect(inReach({ unitId: "s", path: "/n/s/" }, "/n/sx/")).toBe(false);
  });
  it("leaves what belongs to no unit to programme admins", () => {
    expect(isProgrammeWide(national.reach)).toBe(true);
    expect(isProgrammeWide(shanxi.reach)).toBe(false);
    expect(inReach(national.reach, null)).toBe(true);
    expect(inReach(shanxi.reach, null)).toBe(false);
  });
  it("tells strictly below from the unit itself", () => {
    expect(belowReach(shanxi.reach, "/n/sx/")).toBe(false);
    expect(belowReach(shanxi.reach, "/n/sx/yc/")).toBe(true);
  });
  it("lists a chosen region, else the reach; a programme admin's listing is unfiltered", () => {
    expect(listingPrefix(shanxi.reach!, "/n/sx/yc/")).toBe("/n/sx/yc/");
    expect(listingPrefix(shanxi.reach!)).toBe("/n/sx/");
    expect(listingPrefix(national.reach!)).toBeUndefined();
  });
});

describe("personProblem: whom an admin may edit, reset, deactivate or invite", () => {
  it("refuses people of other regions and above", () => {
    expect(personProblem(shanxi, { id: "nat", roles: ["admin"], orgPath: "/n/" })).toBe("outsideReach");
    expect(personProblem(shanxi, { id: "t", roles: ["trainee"], orgPath: "/n/sd/x/" })).toBe("outsideReach");
    expect(personProblem(shanxi, { id: "t", roles: ["trainee"], orgPath: null })).toBe("outsideReach");
  });
  it("refuses themselves and a peer admin of their own unit", () => {
    expect(personProblem(shanxi, { id: "sx-admin", roles: ["admin"], orgPath: "/n/sx/" })).toBe("self");
    expect(personProblem(shanxi, { id: "peer", roles: ["admin"], orgPath: "/n/sx/" })).toBe("atOrAbove");
  });
  it("allows trainees and mentors of their own unit, and admins below it", () => {
    expect(personProblem(shanxi, { id: "t", roles: ["trainee"], orgPath: "/n/sx/" })).toBeNull();
    expect(personProblem(shanxi, { id: "m", roles: ["mentor"], orgPath: "/n/sx/yc/" })).toBeNull();
    expect(personProblem(shanxi, { id: "city", roles: ["admin", "mentor"], orgPath: "/n/sx/yc/" })).toBeNull();
    expect(atOrAboveActor(shanxi, { id: "city", roles: ["admin"], orgPath: "/n/sx/yc/" })).toBe(false);
  });
});

describe("grantProblem: which roles an admin may give, where", () => {
  it("grants roles up to their own, only inside the reach", () => {
    expect(grantableRoles(["admin"])).toEqual(["trainee", "mentor", "admin"]);
    expect(grantableRoles(["mentor"])).toEqual(["trainee", "mentor"]);
    expect(grantProblem(shanxi, { roles: ["trainee"], orgPath: "/n/sd/x/" })).toBe("outsideReach");
    expect(grantProblem(shanxi, { roles: ["admin"], orgPath: "/n/" })).toBe("outsideReach");
    expect(grantProblem(shanxi, { roles: ["trainee"], orgPath: null })).toBe("outsideReach");
    expect(grantProblem({ id: "m", roles: ["mentor"], reach: shanxi.reach }, { roles: ["admin"], orgPath: "/n/sx/yc/" })).toBe("roleAboveOwn");
  });
  it("makes admins only strictly below their own unit", () => {
    expect(grantProblem(shanxi, { roles: ["admin"], orgPath: "/n/sx/" })).toBe("adminAtOrAbove");
    expect(grantProblem(shanxi, { roles: ["admin"], orgPath: "/n/sx/yc/" })).toBeNull();
    expect(grantProblem(shanxi, { roles: ["trainee", "mentor"], orgPath: "/n/sx/" })).toBeNull();
  });
});

describe("unitProblem: what an admin may change in the tree", () => {
  it("adds children under their own unit but never renames, moves or archives it", () => {
    expect(unitProblem(shanxi, "createChild", "/n/sx/")).toBeNull();
    expect(unitProblem(shanxi, "setTarget", "/n/sx/")).toBeNull();
    for (const change of ["rename", "move", "archive"] as const) {
      expect(unitProblem(shanxi, change, "/n/sx/")).toBe("ownUnit");
      expect(unitProblem(shanxi, change, "/n/sx/yc/")).toBeNull();
      expect(unitProblem(shanxi, change, "/n/sd/")).toBe("outsideReach");
    }
  });
});

describe("evidenceAccess", () => {
  const parties = { ownerId: "t", assignedMentorId: "m", orgPath: "/n/sd/school/" };
  it("opens evidence to its owner, its assigned mentor and admins of the trainee's region", () => {
    expect(evidenceAccess({ id: "t", roles: ["trainee"], orgUnitId: "school", orgPath: "/n/sd/school/" }, parties)).toBe("allowed");
    expect(evidenceAccess({ id: "m", roles: ["mentor"], orgUnitId: "yt", orgPath: "/n/sd/yt/" }, parties)).toBe("allowed");
    expect(evidenceAccess({ id: "nat", roles: ["admin"], orgUnitId: "n", orgPath: "/n/" }, parties)).toBe("allowed");
  });
  it("tells an admin of another region apart from anyone else refused", () => {
    expect(evidenceAccess({ id: "sx-admin", roles: ["admin"], orgUnitId: "sx", orgPath: "/n/sx/" }, parties)).toBe("outsideReach");
    expect(evidenceAccess({ id: "other", roles: ["mentor"], orgUnitId: "sd", orgPath: "/n/sd/" }, parties)).toBe("denied");
    expect(evidenceAccess({ id: "m", roles: ["trainee"], orgUnitId: "sd", orgPath: "/n/sd/" }, parties)).toBe("denied");
  });
});
