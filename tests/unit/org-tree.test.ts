import { describe, expect, it } from "vitest";
import {
  checkChildTrack,
  checkMove,
  checkOrgName,
  childKindOf,
  cleanOrgName,
  indentedName,
  levelOf,
  parentKindOf,
  parentPathOf,
  rebasePath,
  sameOrgName,
  treeOrder,
  type OrgKind,
  type OrgPlacement,
} from "~/domain/org-tree";
import { regionTarget } from "~/domain/outcomes";

const unit = (id: string, kind: OrgKind, path: string, extra: Partial<OrgPlacement> = {}): OrgPlacement => ({
  id,
  kind,
  path,
  archived: false,
  ...extra,
});

// national n ─ province p1 ─ city c1 ─ district d1 ─ site s1 (campus)
//            └ province p2 ─ city c2 ─ district d2 ─ site s2 (community)
const n = unit("n", "national", "/n/");
const p1 = unit("p1", "province", "/n/p1/");
const p2 = unit("p2", "province", "/n/p2/");
const c1 = unit("c1", "city", "/n/p1/c1/");
const c2 = unit("c2", "city", "/n/p2/c2/");
const d1 = unit("d1", "district", "/n/p1/c1/d1/");
const d2 = unit("d2", "district", "/n/p2/c2/d2/");
const s1 = unit("s1", "site", "/n/p1/c1/d1/s1/", { track: "campus" });
const s2 = unit("s2", "site", "/n/p2/c2/d2/s2/", { track: "community" });
const g1 = unit("g1", "group", "/n/p1/c1/d1/s1/g1/", { track: "campus" });

describe("childKindOf and levels", () => {
  it("walks the six levels down, and nothing goes below a class or grid", () => {
    expect(childKindOf("national")).toBe("province");
    expect(childKindOf("province")).toBe("city");
    expect(childKindOf("city")).toBe("district");
    expect(childKindOf("district")).toBe("site");
    expect(childKindOf("site")).toBe("group");
    expect(childKindOf("group")).toBeNull();
  });
  it("walks up too, and the national root has no parent", () => {
    expect(parentKindOf("group")).toBe("site");
    expect(parentKindOf("province")).toBe("national");
    expect(parentKindOf("national")).toBeNull();
    expect(levelOf("national")).toBe(1);
    expect(levelOf("group")).toBe(6);
  });
});

describe("checkMove", () => {
  it("moves a city to another province", () => {
    expect(checkMove(c1, p2)).toBeNull();
  });
  it("refuses to move a node under itself or its own descendants", () => {
    expect(checkMove(c1, c1)).toBe("intoItself");
    expect(checkMove(p1, d1)).toBe("intoItself");
  });
  it("refuses a parent of the wrong level", () => {
    expect(checkMove(d1, p2)).toBe("wrongLevel");
    expect(checkMove(d1, d2)).toBe("wrongLevel");
    expect(checkMove(s1, c2)).toBe("wrongLevel");
    expect(checkMove(n, unit("q", "province", "/m/q/"))).toBe("wrongLevel");
  });
  it("refuses archived nodes on either side", () => {
    expect(checkMove(c1, { ...p2, archived: true })).toBe("archivedParent");
    expect(checkMove({ ...c1, archived: true }, p2)).toBe("archivedNode");
  });
  it("refuses a move that changes nothing", () => {
    expect(checkMove(c1, p1)).toBe("sameParent");
    expect(checkMove(p1, n)).toBe("sameParent");
  });
  it("keeps campus units out of community ones, but a trackless parent takes either", () => {
    expect(checkMove(g1, s2)).toBe("trackMismatch");
    expect(checkMove(s1, d2)).toBeNull();
    expect(checkMove(unit("g2", "group", "/n/p2/c2/d2/s2/g2/", { track: "community" }), s1)).toBe("trackMismatch");
  });
  it("does not take a sibling whose id merely starts the same way for a descendant", () => {
    const c10 = unit("c10", "city", "/n/p1/c10/");
    expect(checkMove(unit("d9", "district", "/n/p1/c1/d9/"), c10)).toBeNull();
  });
});

describe("rebasePath", () => {
  it("replaces the moved ancestor's prefix and keeps the rest", () => {
    expect(rebasePath("/n/p1/c1/d1/s1/", "/n/p1/c1/", "/n/p2/c1/")).toBe("/n/p2/c1/d1/s1/");
    expect(rebasePath("/n/p1/c1/", "/n/p1/c1/", "/n/p2/c1/")).toBe("/n/p2/c1/");
  });
  it("leaves paths outside the moved subtree alone", () => {
    expect(rebasePath("/n/p1/c10/", "/n/p1/c1/", "/n/p2/c1/")).toBe("/n/p1/c10/");
    expect(rebasePath("/n/p2/", "/n/p1/c1/", "/n/p2/c1/")).toBe("/n/p2/");
  });
  it("finds a node's parent path", () => {
    expect(parentPathOf("/n/p1/c1/")).toBe("/n/p1/");
    expect(parentPathOf("/n/")).toBe("/");
  });
});

describe("names and tracks", () => {
  it("trims names and counts Chinese characters one by one", () => {
    expect(cleanOrgName("  运城市   盐湖区 ")).toBe("运城市 盐湖区");
    expect(checkOrgName(cleanOrgName("   "))).toBe("empty");
    expect(checkOrgName("校".repeat(60))).toBeNull();
    expect(checkOrgName("校".repeat(61))).toBe("tooLong");
  });
  it("treats names that differ only in width, case or spacing as the same", () => {
    expect(sameOrgName("初二（3）班", "初二 (3)班")).toBe(true);
    expect(sameOrgName("ABC 社区", "abc  社区")).toBe(true);
    expect(sameOrgName("初二（3）班", "初二（4）班")).toBe(false);
  });
  it("requires a track at site and group level, optional above, and never a different one from the parent", () => {
    expect(checkChildTrack("site", null, null)).toBe("trackRequired");
    expect(checkChildTrack("group", null, "campus")).toBe("trackRequired");
    expect(checkChildTrack("district", null, null)).toBeNull();
    expect(checkChildTrack("group", "community", "campus")).toBe("trackMismatch");
    expect(checkChildTrack("site", "campus", null)).toBeNull();
  });
});

describe("treeOrder", () => {
  const u = (id: string, name: string, path: string) => ({ id, name, path });
  // Listed as a query ordered by level then name returns them: provinces first, then cities.
  const byLevel = [
    u("sd", "山东省", "/n/sd/"),
    u("sx", "山西省", "/n/sx/"),
    u("jn", "济南市", "/n/sd/jn/"),
    u("yt", "烟台市", "/n/sd/yt/"),
    u("yc", "运城市", "/n/sx/yc/"),
    u("zf", "芝罘区", "/n/sd/yt/zf/"),
    u("n", "全国工作组", "/n/"),
  ];

  it("puts each child right under its parent, siblings by name in pinyin order", () => {
    expect(treeOrder(byLevel).map((x) => x.name)).toEqual(["全国工作组", "山东省", "济南市", "烟台市", "芝罘区", "山西省", "运城市"]);
  });

  it("gives each unit its depth below the shallowest listed, for indenting", () => {
    const shandong = treeOrder(byLevel.filter((x) => x.path.startsWith("/n/sd/")));
    expect(shandong.map((x) => [x.name, x.depth])).toEqual([
      ["山东省", 0],
      ["济南市", 1],
      ["烟台市", 1],
      ["芝罘区", 2],
    ]);
    expect(shandong.map(indentedName)).toEqual(["山东省", "\u3000济南市", "\u3000烟台市", "\u3000\u3000芝罘区"]);
  });

  it("keeps namesakes' children under their own parent", () => {
    const twins = treeOrder([u("b", "新区", "/n/b/"), u("a", "新区", "/n/a/"), u("bk", "甲校", "/n/b/bk/"), u("ak", "乙校", "/n/a/ak/")]);
    expect(twins.map((x) => x.id)).toEqual(["a", "ak", "b", "bk"]);
  });

  it("orders a large tree, with namesakes and missing ancestors, as comparing every pair of paths does", () => {
    const names = ["山西省", "山东省", "运城市", "济南市", "新区", "新区", "甲校", "乙校", "安徽省", "重庆市", "长沙市", "厦门市"];
    const units: Array<{ id: string; name: string; path: string }> = [];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    const grow = (path: string, depth: number) => {
      for (let i = 0; i < (depth === 0 ? 6 : 3); i += 1) {
        const id = `u${next().toString(36)}`;
        const unit = { id, name: names[next() % names.length]!, path: `${path}${id}/` };
        // A unit outside the reach is missing from the list; its children are still listed.
        if (next() % 7 !== 0) units.push(unit);
        if (depth < 3) grow(unit.path, depth + 1);
      }
    };
    grow("/n/", 0);
    const byId = new Map(units.map((x) => [x.id, x]));
    const segments = (x: { path: string }) => x.path.split("/").filter(Boolean);
    const pairwise = [...units].sort((a, b) => {
      const [pa, pb] = [segments(a), segments(b)];
      for (let i = 0; i < Math.min(pa.length, pb.length); i += 1) {
        if (pa[i] === pb[i]) continue;
        const byName = (byId.get(pa[i]!)?.name ?? "").localeCompare(byId.get(pb[i]!)?.name ?? "", "zh-CN");
        return byName !== 0 ? byName : pa[i]! < pb[i]! ? -1 : 1;
      }
      return pa.length - pb.length;
    });
    const shuffled = [...units].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(treeOrder(shuffled).map((x) => x.id)).toEqual(pairwise.map((x) => x.id));
    // Asked again (an ordering kept from before), and after a rename (not the kept one).
    expect(treeOrder(shuffled).map((x) => x.depth)).toEqual(pairwise.map((x) => segments(x).length - Math.min(...units.map((y) => segments(y).length))));
    const renamed = shuffled.map((x) => (x.id === pairwise[0]!.id ? { ...x, name: "齐齐哈尔市" } : x));
    const renamedById = new Map(renamed.map((x) => [x.id, x]));
    const first = renamed.filter((x) => segments(x).length === segments(pairwise[0]!).length).sort((a, b) => a.name.localeCompare(b.name, "zh-CN") || (a.id < b.id ? -1 : 1))[0]!;
    expect(treeOrder(renamed)[0]!.id).toBe(first.id);
    expect(renamedById.get(treeOrder(renamed)[0]!.id)!.name).toBe(first.name);
  });
});

describe("regionTarget", () => {
  it("uses a region's own target when it has one", () => {
    expect(regionTarget(800, 10_000, false)).toBe(800);
    expect(regionTarget(0, 10_000, true)).toBe(0);
  });

  it("shows the national target only for the programme as a whole; a province without its own has none (未设定)", () => {
    expect(regionTarget(undefined, 10_000, true)).toBe(10_000);
    expect(regionTarget(undefined, 10_000, false)).toBeNull();
  });
});
