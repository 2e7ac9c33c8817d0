import { describe, expect, it } from "vitest";
import { fontRuns, missingGlyphs, subsetTag } from "~/services/certificate-fonts.server";

// The name line switches font glyph by glyph: main font where it has the glyph, fallback where only
// the fallback has it; a character neither has is reported, once.
const main = (cp: number) => cp < 0x20000;
const fallback = (cp: number) => cp >= 0x20000 && cp < 0x30000;

describe("fontRuns", () => {
  it("splits a name into runs by font, keeping astral characters whole", () => {
    expect(fontRuns("刘𠀾龘", main, fallback)).toEqual([
      { text: "刘", font: "main" },
      { text: "𠀾", font: "fallback" },
      { text: "龘", font: "main" },
    ]);
    expect(fontRuns("𠀾𡈽 王", main, fallback)).toEqual([
      { text: "𠀾𡈽", font: "fallback" },
      { text: " 王", font: "main" },
    ]);
  });

  it("leaves a character no font has with the main font", () => {
    expect(fontRuns("张𰀀", main, fallback)).toEqual([{ text: "张𰀀", font: "main" }]);
  });
});

describe("missingGlyphs", () => {
  it("names each unprintable character once, and ignores spaces", () => {
    expect(missingGlyphs("𰀀张 𰀀𰀁", main, fallback)).toEqual(["𰀀", "𰀁"]);
    expect(missingGlyphs("刘𠀾龘", main, fallback)).toEqual([]);
  });
});

describe("subsetTag", () => {
  it("is six capitals and a plus sign (ISO 32000-1 §9.6.4)", () => {
    for (let i = 0; i < 50; i += 1) expect(subsetTag()).toMatch(/^[A-Z]{6}\+$/);
  });
});
