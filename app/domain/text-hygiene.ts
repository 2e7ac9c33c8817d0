// Text people type, made safe to show: Unicode NFC, and no invisible characters that reorder or
// hide what others read (a name of only zero-width spaces, a right-to-left override on a certificate).

/** Bidirectional embeddings, overrides, isolates and marks (LRE…RLO, LRI…PDI, LRM, RLM, ALM). */
const bidiControls = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u;
/** Zero-width space, joiners, word joiner, byte-order mark. */
const zeroWidth = /[\u200B-\u200D\u2060\uFEFF]/u;
/** Other control characters (C0, DEL, C1) and invisible formatting. */
const otherControls = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u180E\u2061-\u2064\u206A-\u206F]/u;
const invisibleEverywhere = new RegExp(`${bidiControls.source}|${zeroWidth.source}|${otherControls.source}`, "gu");
/** Letters, digits, punctuation and symbols that print as nothing (Hangul fillers, braille blank). */
const blankGlyphs = /[\u115F\u1160\u3164\uFFA0\u2800]/gu;
const visible = /[\p{L}\p{N}\p{P}\p{S}]/u;

export type NameProblem = "empty" | "tooLong" | "controlCharacters" | "invisible";

/**
 * A person's name as it will be stored and printed: NFC, spaces trimmed and single. Refused when it
 * holds direction controls, zero-width or other control characters, or nothing visible at all.
 */
export function cleanPersonName(raw: string, maxLength = 50): { ok: true; name: string } | { ok: false; problem: NameProblem } {
  const normal = raw.normalize("NFC");
  if (!normal.trim()) return { ok: false, problem: "empty" };
  if (!visible.test(normal.replace(invisibleEverywhere, "").replace(blankGlyphs, ""))) return { ok: false, problem: "invisible" };
  // Checked before spaces are tidied: JavaScript's \s would swallow a byte-order mark.
  if (bidiControls.test(normal) || zeroWidth.test(normal) || otherControls.test(normal)) return { ok: false, problem: "controlCharacters" };
  const name = normal.replace(/\s+/gu, " ").trim();
  if ([...name].length > maxLength) return { ok: false, problem: "tooLong" };
  return { ok: true, name };
}

/** A one-line title (an activity, a place): NFC, invisible characters stripped, spaces single. */
export function cleanTitle(raw: string): string {
  return raw.normalize("NFC").replace(invisibleEverywhere, "").replace(/\s+/gu, " ").trim();
}

/** Free text (plans, reflections): NFC, direction overrides and control characters other than line breaks and tabs removed. */
export function cleanFreeText(raw: string): string {
  return raw.normalize("NFC").replace(invisibleEverywhere, (c) => (zeroWidth.test(c) && c !== "\uFEFF" ? c : ""));
}
