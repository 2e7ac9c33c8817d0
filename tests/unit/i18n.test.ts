import { describe, expect, it } from "vitest";
import { translate } from "~/i18n";
import { en } from "~/i18n/en";
import { zhCN } from "~/i18n/zh-CN";

describe("translate", () => {
  it("answers in Chinese by default and fills parameters", () => {
    expect(translate("zh-CN", "home.year", { year: 2 })).toBe("第 2 年");
    expect(translate("en", "home.year", { year: 2 })).toBe("Year 2");
  });

  it("has an English text for every Chinese key", () => {
    const missing = Object.keys(zhCN).filter((k) => !(k in en));
    expect(missing).toEqual([]);
  });

  it("writes Chinese text with full-width punctuation", () => {
    const halfWidth = Object.entries(zhCN).filter(([, v]) => /[\u4e00-\u9fff][,:;?!]/.test(v));
    expect(halfWidth).toEqual([]);
  });
});
