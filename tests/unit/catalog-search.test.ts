import { describe, expect, it } from "vitest";
import { queryTerms, searchModules } from "~/domain/catalog-search";

const m = (id: string, title: string, summary: string, objectives: string[] = [], tasks: string[] = []) => ({ id, title, summary, objectives, tasks: tasks.map((title) => ({ title })) });
const modules = [
  m("a", "识别预警信号与转介", "学会识别学生的危机信号，并按流程转介。", ["说出转介流程"], ["转介流程演练"]),
  m("b", "情绪友好课堂", "在课堂中营造情绪安全的氛围。", ["设计一节情绪课"], ["开展一次情绪主题班会"]),
  m("c", "社区心理健康宣传", "面向居民开展宣传活动。", ["策划 CBT 科普"], []),
];

describe("searchModules", () => {
  it("finds modules whose title, summary, objectives or task titles hold every word, title matches first", () => {
    expect(searchModules(modules, "情绪").map((h) => h.module.id)).toEqual(["b"]);
    expect(searchModules(modules, "转介").map((h) => h.module.id)).toEqual(["a"]);
    expect(searchModules(modules, "情绪 转介")).toEqual([]);
    expect(searchModules(modules, "宣传 居民").map((h) => h.module.id)).toEqual(["c"]);
  });

  it("folds full-width letters and case, and shows the text that matched", () => {
    const [hit] = searchModules(modules, "ｃｂｔ");
    expect(hit?.module.id).toBe("c");
    expect(hit?.excerpt).toBe("策划 CBT 科普");
  });

  it("answers nothing for an empty or blank query, and reads at most 50 characters", () => {
    expect(searchModules(modules, "   ")).toEqual([]);
    expect(queryTerms("情".repeat(80))[0]).toHaveLength(50);
  });
});
