// What an uploaded evidence file really is, judged from its bytes (the name and the browser's type
// are only what the sender claims), and the limits both the server and the uploader apply. No I/O.

export type EvidenceMimeType = "image/jpeg" | "image/png" | "image/webp" | "application/pdf";

const MiB = 1024 * 1024;

/** The limits of a submission's evidence; shared so the uploader can check before sending. */
export const evidenceLimits = {
  maxFileBytes: 10 * MiB,
  maxFilesPerSubmission: 12,
  maxTotalBytes: 60 * MiB,
  /** Everything one trainee has on disk: live files and removed ones not yet purged, thumbnails too. */
  maxStoredBytesPerTrainee: 500 * MiB,
} as const;

/** For <input accept>: what a phone's picker should offer (iOS then converts HEIC photos to JPEG). */
export const acceptedEvidenceTypes = "image/jpeg,image/png,image/webp,application/pdf";

/** Kinds we recognise only to refuse them with a helpful message. */
export type RefusedKind = "heic" | "svg" | "gif" | "executable" | "archive" | "other";

export type SniffResult =
  | { supported: true; mimeType: EvidenceMimeType; extension: "jpg" | "png" | "webp" | "pdf" }
  | { supported: false; detected: RefusedKind };

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

const jpeg = [0xff, 0xd8, 0xff];
const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const riff = ascii("RIFF");
const webp = ascii("WEBP");
const pdf = ascii("%PDF-");

export function sniffFileType(bytes: Uint8Array): SniffResult {
  if (startsWith(bytes, jpeg)) return { supported: true, mimeType: "image/jpeg", extension: "jpg" };
  if (startsWith(bytes, png)) return { supported: true, mimeType: "image/png", extension: "png" };
  if (startsWith(bytes, riff) && startsWith(bytes, webp, 8)) return { supported: true, mimeType: "image/webp", extension: "webp" };
  // At offset 0 only: readers accept junk before the header, which is how polyglot files are made.
  if (startsWith(bytes, pdf)) return { supported: true, mimeType: "application/pdf", extension: "pdf" };
  return { supported: false, detected: refusedKind(bytes) };
}

function refusedKind(bytes: Uint8Array): RefusedKind {
  if (startsWith(bytes, ascii("ftyp"), 4)) {
    const brand = String.fromCharCode(...bytes.subarray(8, 12));
    if (/^(heic|heix|hevc|hevx|heim|heis|mif1|msf1|avif)$/.test(brand)) return "heic";
  }
  if (startsWith(bytes, ascii("GIF8"))) return "gif";
  if (startsWith(bytes, ascii("MZ")) || startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46]) || startsWith(bytes, [0xcf, 0xfa, 0xed, 0xfe])) return "executable";
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, ascii("Rar!")) || startsWith(bytes, [0x37, 0x7a, 0xbc, 0xaf]) || startsWith(bytes, [0x1f, 0x8b])) {
    return "archive";
  }
  const head = latin1(bytes.subarray(0, 1024)).replace(/^\uFEFF|^\xEF\xBB\xBF/, "").trimStart().toLowerCase();
  if (head.startsWith("<svg") || (head.startsWith("<?xml") && head.includes("<svg")) || (head.startsWith("<!doctype svg"))) return "svg";
  return "other";
}

function latin1(bytes: Uint8Array): string {
  let out = "";
  // Chunked: String.fromCharCode(...bigArray) overflows the call stack.
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

/**
 * The name shown for a file: no folders, no control or direction-override characters (which can
 * make "photo‮gpj.exe" look like "photoexe.jpg"), at most 100 characters, with the extension of
 * what the file really is.
 */
export function displayFileName(raw: string, extension: string, fallbackStem: string): string {
  const base = raw.split(/[/\\]/).pop() ?? "";
  const cleaned = base
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  const dot = cleaned.lastIndexOf(".");
  let stem = dot >= 0 ? cleaned.slice(0, dot) : cleaned;
  const given = dot >= 0 ? cleaned.slice(dot + 1).toLowerCase() : "";
  const sameType = given === extension || (extension === "jpg" && given === "jpeg");
  const suffix = sameType ? given : extension;
  stem = stem.replace(/^\.+/, "").trim() || fallbackStem;
  const maxStem = 100 - suffix.length - 1;
  const chars = Array.from(stem);
  if (chars.length > maxStem) stem = chars.slice(0, maxStem).join("").trim();
  return `${stem}.${suffix}`;
}
