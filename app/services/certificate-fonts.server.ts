import { randomInt } from "node:crypto";
import { access, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { create as createFont, type Font } from "fontkit";

// The fonts a certificate is printed with, and which characters of a name they can print.
// Noto Serif SC (OFL-1.1, TrueType, from an npm package) prints the page. Names may hold
// characters of the CJK extension blocks, which it lacks: HanaMinB (花園明朝B, GlyphWiki project,
// OFL-1.1 or the Hanazono licence; Debian's fonts-hanazono) covers Extensions B–F and fills in
// glyph by glyph. No npm package we can install ships a font for Extensions B–G (decision 013).

const mainFontPackage = "@expo-google-fonts/noto-serif-sc";
/** Where the fallback font lives on Debian and Ubuntu (`apt-get install fonts-hanazono`). */
export const fallbackFontPaths = ["/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"];

export interface CertificateFonts {
  regular: Uint8Array;
  bold: Uint8Array;
  /** The extension-block fallback, or null when it is not installed (names then print what they can). */
  fallback: Uint8Array | null;
  /** Parsed copies for names and coverage look-ups. */
  regularFace: Font;
  boldFace: Font;
  fallbackFace: Font | null;
}

let loading: Promise<CertificateFonts> | undefined;

async function firstReadable(paths: readonly string[]): Promise<string | null> {
  for (const p of paths) {
    if (await access(p).then(() => true, () => false)) return p;
  }
  return null;
}

/** The certificate fonts, read once per process. */
export function certificateFonts(): Promise<CertificateFonts> {
  loading ??= (async () => {
    let root: string;
    try {
      root = createRequire(import.meta.url).resolve(`${mainFontPackage}/package.json`).replace(/package\.json$/, "");
    } catch {
      throw new Error(`the certificate font package ${mainFontPackage} is not installed: run \`npm ci\``);
    }
    const fallbackPath = await firstReadable(fallbackFontPaths);
    const [regular, bold, fallback] = await Promise.all([
      readFile(`${root}400Regular/NotoSerifSC_400Regular.ttf`),
      readFile(`${root}700Bold/NotoSerifSC_700Bold.ttf`),
      fallbackPath ? readFile(fallbackPath) : Promise.resolve(null),
    ]);
    return {
      regular: new Uint8Array(regular),
      bold: new Uint8Array(bold),
      fallback: fallback ? new Uint8Array(fallback) : null,
      regularFace: createFont(regular) as Font,
      boldFace: createFont(bold) as Font,
      fallbackFace: fallback ? (createFont(fallback) as Font) : null,
    };
  })().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

export type FontChoice = "main" | "fallback";

/** A stretch of a line printed with one font. */
export interface FontRun {
  text: string;
  font: FontChoice;
}

const isBlank = (ch: string) => /^\s$/u.test(ch);

/**
 * Splits a line into runs by font, character by character: the main font wherever it has the
 * glyph, the fallback where only the fallback has it. A character neither has stays with the main
 * font (it prints as a box; unprintableCharacters() warns before that happens).
 */
export function fontRuns(text: string, hasMain: (codePoint: number) => boolean, hasFallback: (codePoint: number) => boolean): FontRun[] {
  const runs: FontRun[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const font: FontChoice = isBlank(ch) || hasMain(cp) || !hasFallback(cp) ? "main" : "fallback";
    const last = runs[runs.length - 1];
    if (last && last.font === font) last.text += ch;
    else runs.push({ text: ch, font });
  }
  return runs;
}

/** The characters of a name that no certificate font can print, each once, in order. */
export function missingGlyphs(text: string, hasMain: (codePoint: number) => boolean, hasFallback: (codePoint: number) => boolean): string[] {
  const missing: string[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (isBlank(ch) || hasMain(cp) || hasFallback(cp) || missing.includes(ch)) continue;
    missing.push(ch);
  }
  return missing;
}

/** Coverage tests for the name line (printed bold, with the fallback where needed). */
export async function nameCoverage() {
  const fonts = await certificateFonts();
  return {
    hasMain: (cp: number) => fonts.boldFace.hasGlyphForCodePoint(cp),
    hasFallback: (cp: number) => fonts.fallbackFace?.hasGlyphForCodePoint(cp) ?? false,
  };
}

/** The characters of this name the certificate cannot print (empty when every one prints). */
export async function unprintableCharacters(name: string): Promise<string[]> {
  const { hasMain, hasFallback } = await nameCoverage();
  return missingGlyphs(name, hasMain, hasFallback);
}

/** A subset font's tag (ISO 32000-1 §9.6.4): six uppercase letters and a plus sign. */
export function subsetTag(): string {
  return `${Array.from({ length: 6 }, () => String.fromCharCode(65 + randomInt(26))).join("")}+`;
}

/** The PostScript name of a font file, for naming its subset. */
export function postscriptName(face: Font, fallbackName: string): string {
  return (face.postscriptName || fallbackName).replace(/[^A-Za-z0-9-]/g, "");
}
