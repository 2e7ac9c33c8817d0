import { describe, expect, it } from "vitest";
import { placeOfActivity } from "~/domain/submission-input";

// Which unit field work is attached to: the trainee's own subtree, or their own unit for another school.
const school = { id: "school", path: "/n/sx/yc/yh/school/" };
const klass = { id: "class", path: "/n/sx/yc/yh/school/class/" };
const district = { id: "district", path: "/n/sx/yc/yh/" };
const elsewhere = { id: "elsewhere", path: "/n/sd/yt/zf/school2/" };

describe("placeOfActivity", () => {
  it("keeps the trainee's own unit or one below it", () => {
    expect(placeOfActivity(school, school, null)).toEqual({ orgUnitId: "school" });
    expect(placeOfActivity(school, klass, null)).toEqual({ orgUnitId: "class" });
  });

  it("refuses a unit above the trainee's own or in another region", () => {
    expect(placeOfActivity(school, district, null)).toEqual({ problem: "sub.error.orgOutside" });
    expect(placeOfActivity(school, elsewhere, null)).toEqual({ problem: "sub.error.orgOutside" });
  });

  it("attaches work at another school, named in text, to the trainee's own unit", () => {
    expect(placeOfActivity(school, null, "运城市第二中学")).toEqual({ orgUnitId: "school" });
    expect(placeOfActivity(school, elsewhere, "运城市第二中学")).toEqual({ orgUnitId: "school" });
  });

  it("leaves a draft without a unit alone, and lets a trainee of no unit name none", () => {
    expect(placeOfActivity(school, null, null)).toEqual({ orgUnitId: null });
    expect(placeOfActivity(null, school, null)).toEqual({ problem: "sub.error.noOwnUnit" });
    expect(placeOfActivity(null, null, "运城市第二中学")).toEqual({ problem: "sub.error.noOwnUnit" });
  });
});
