import { describe, expect, it } from "vitest";
import { cleanFreeText, cleanPersonName, cleanTitle } from "~/domain/text-hygiene";

describe("cleanPersonName", () => {
  it("keeps ordinary names, NFC-normalised, with spaces trimmed and single", () => {
    expect(cleanPersonName("  李静 ")).toEqual({ ok: true, name: "李静" });
    expect(cleanPersonName("Anna  Maria\u3000Schmidt")).toEqual({ ok: true, name: "Anna Maria Schmidt" });
    expect(cleanPersonName("阿卜杜·热合曼")).toEqual({ ok: true, name: "阿卜杜·热合曼" });
    // e + combining acute becomes the single é.
    expect(cleanPersonName("Rene\u0301")).toEqual({ ok: true, name: "René" });
  });

  it.each([
    ["\u200b\u200b", "invisible"],
    ["\u2800", "invisible"],
    ["\u3164\u3164", "invisible"],
    ["\u202e\u200b", "invisible"],
    ["", "empty"],
    ["   ", "empty"],
  ])("refuses %j: nothing visible (%s)", (raw, problem) => {
    expect(cleanPersonName(raw)).toEqual({ ok: false, problem });
  });

  it.each([
    "李\u202e静", // right-to-left override
    "\u202a王敏\u202c",
    "\u2066张伟\u2069",
    "刘\u200e芳",
    "刘\u200f芳",
    "a\u061cb",
    "赵\u200b强",
    "赵\u200c强",
    "赵\u200d强",
    "赵\u2060强",
    "\ufeff赵强",
    "赵\u0000强",
    "赵\u0007强",
    "赵\u0085强",
  ])("refuses a name with an invisible control character: %j", (raw) => {
    expect(cleanPersonName(raw)).toEqual({ ok: false, problem: "controlCharacters" });
  });

  it("counts length in characters, not UTF-16 units", () => {
    expect(cleanPersonName("𠀀".repeat(50)).ok).toBe(true);
    expect(cleanPersonName("𠀀".repeat(51))).toEqual({ ok: false, problem: "tooLong" });
  });
});

describe("cleanTitle", () => {
  it("strips direction controls and zero-width characters and keeps the visible text", () => {
    expect(cleanTitle("校园\u202e心理\u200b健康周\ufeff")).toBe("校园心理健康周");
    expect(cleanTitle(" 第一次\n\t家长会 ")).toBe("第一次 家长会");
    expect(cleanTitle("Cafe\u0301")).toBe("Café");
  });
});

describe("cleanFreeText", () => {
  it("keeps line breaks and emoji joiners but drops overrides and control characters", () => {
    expect(cleanFreeText("第一段\n第二段\t缩进")).toBe("第一段\n第二段\t缩进");
    expect(cleanFreeText("家庭👨\u200d👩\u200d👧")).toBe("家庭👨\u200d👩\u200d👧");
    expect(cleanFreeText("a\u202eb\u0000c\ufeff")).toBe("abc");
  });
});
