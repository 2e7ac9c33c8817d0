import { describe, expect, it } from "vitest";
import { allMessages, translate } from "~/i18n";

describe("translate", () => {
  it("answers in Chinese by default and fills parameters", () => {
    expect(translate("zh-CN", "home.year", { year: 2 })).toBe("第 2 年");
    expect(translate("en", "home.year", { year: 2 })).toBe("Year 2");
  });

  it("has both languages for every message", () => {
    const incomplete = Object.entries(allMessages).filter(([, m]) => !m.zh.trim() || !m.en.trim());
    expect(incomplete).toEqual([]);
  });

  it("writes Chinese text with full-width punctuation", () => {
    const halfWidth = Object.entries(allMessages).filter(([, m]) => /[\u4e00-\u9fff][,:;?!]/.test(m.zh));
    expect(halfWidth).toEqual([]);
  });

  it("never names the infrastructure (Redis) in text people read", () => {
    const technical = Object.entries(allMessages).filter(([, m]) => /redis/i.test(m.zh));
    expect(technical).toEqual([]);
  });
});
