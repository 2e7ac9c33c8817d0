// The heavy part of taking an evidence file: judge what it is from its bytes, then inspect a PDF or
// decode, clean and re-encode an image. Runs inside an evidence worker thread (evidence-pool.server.ts),
// never on the thread that answers requests.

import { constants, inflateSync } from "node:zlib";
import type Sharp from "sharp";
import type { EvidenceKind } from "../../db/schema";
import { sniffFileType, type EvidenceMimeType, type RefusedKind } from "../domain/file-sniffing";
import type { Inflate } from "../domain/pdf-filters";
import { inspectPdf, pdfLimits, type PdfLimits } from "../domain/pdf-inspection";

export const imageLimits = {
  maxSide: 4096,
  thumbnailSide: 320,
  // Any phone camera fits; a small file that decodes to billions of pixels (a "bomb") does not.
  maxInputPixels: 120_000_000,
};

export interface ProcessingLimits {
  pdf: PdfLimits;
  /** libvips gives up on one image after this long (the pool's hard limit is a little longer). */
  imageSeconds: number;
}

export const defaultProcessingLimits: ProcessingLimits = { pdf: pdfLimits, imageSeconds: 20 };

export interface EvidenceJob {
  bytes: Uint8Array;
  kind: EvidenceKind;
  limits: ProcessingLimits;
}

/** What the worker found; problems are the file's own, the pool adds its time and memory limits. */
export type ProcessedEvidence =
  | {
      ok: true;
      mimeType: EvidenceMimeType;
      extension: "jpg" | "png" | "webp" | "pdf";
      data: Uint8Array;
      thumbnail: Uint8Array | null;
      width: number | null;
      height: number | null;
    }
  | { ok: false; problem: "unsupportedType"; detected: RefusedKind }
  | { ok: false; problem: "photoNotImage" | "pdfHasScript" | "pdfEncrypted" | "pdfUnreadable" | "tooMuchData" | "tooComplex" | "unreadableImage" | "imageTooLarge" };

/** zlib inflate that stops at maxBytes; a truncated stream gives what it has, as readers do. */
export const boundedInflate: Inflate = (data, maxBytes) => {
  try {
    const out = inflateSync(data, { maxOutputLength: Math.max(1, maxBytes), finishFlush: constants.Z_SYNC_FLUSH });
    return out.length > maxBytes ? "tooLarge" : new Uint8Array(out.buffer, out.byteOffset, out.length);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") return "tooLarge";
    return null;
  }
};

const pdfProblems = {
  activeContent: "pdfHasScript",
  encrypted: "pdfEncrypted",
  unreadable: "pdfUnreadable",
  tooMuchData: "tooMuchData",
  tooComplex: "tooComplex",
} as const;

// Loaded on the first image (in the evidence worker thread), not when the web server starts: the
// server imports this module for its limits only (issue #16, cold start).
let sharpLoaded: Promise<typeof Sharp> | undefined;
const loadSharp = () => (sharpLoaded ??= import("sharp").then((m) => m.default));

async function prepareImage(bytes: Uint8Array, mimeType: Exclude<EvidenceMimeType, "application/pdf">, seconds: number): Promise<ProcessedEvidence> {
  const sharp = await loadSharp();
  const extension = ({ "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp" } as const)[mimeType];
  let meta;
  try {
    // Reads the header only; the pixel limit is checked below, so a bomb gets its own message.
    meta = await sharp(bytes, { failOn: "error", limitInputPixels: false }).metadata();
  } catch {
    return { ok: false, problem: "unreadableImage" };
  }
  const expected = { "image/jpeg": "jpeg", "image/png": "png", "image/webp": "webp" }[mimeType];
  if (meta.format !== expected) return { ok: false, problem: "unreadableImage" };
  // The header alone says how big the picture is; refuse before decoding a pixel of it.
  if ((meta.width ?? 0) * (meta.height ?? 0) * (meta.pages ?? 1) > imageLimits.maxInputPixels) return { ok: false, problem: "imageTooLarge" };
  try {
    const upright = sharp(bytes, { failOn: "error", limitInputPixels: imageLimits.maxInputPixels })
      .timeout({ seconds })
      .rotate()
      .resize({ width: imageLimits.maxSide, height: imageLimits.maxSide, fit: "inside", withoutEnlargement: true });
    // sharp drops EXIF, GPS, XMP and ICC unless asked to keep them.
    const encoded = mimeType === "image/jpeg" ? upright.jpeg({ quality: 85 }) : mimeType === "image/png" ? upright.png() : upright.webp({ quality: 85 });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    const thumbnail = await sharp(data)
      .timeout({ seconds })
      .resize({ width: imageLimits.thumbnailSide, height: imageLimits.thumbnailSide, fit: "inside", withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
    return { ok: true, mimeType, extension, data: new Uint8Array(data), thumbnail: new Uint8Array(thumbnail), width: info.width, height: info.height };
  } catch (error) {
    if (/timeout/i.test((error as Error).message)) return { ok: false, problem: "tooComplex" };
    return { ok: false, problem: "unreadableImage" };
  }
}

/** Judges one file and prepares what is stored: a PDF as it came, an image cleaned and re-encoded. */
export async function processEvidenceFile(job: EvidenceJob): Promise<ProcessedEvidence> {
  const sniffed = sniffFileType(job.bytes);
  if (!sniffed.supported) return { ok: false, problem: "unsupportedType", detected: sniffed.detected };
  if (sniffed.mimeType === "application/pdf") {
    if (job.kind === "photo") return { ok: false, problem: "photoNotImage" };
    const verdict = inspectPdf(job.bytes, boundedInflate, job.limits.pdf);
    if (!verdict.ok) return { ok: false, problem: pdfProblems[verdict.reason] };
    return { ok: true, mimeType: sniffed.mimeType, extension: "pdf", data: job.bytes, thumbnail: null, width: null, height: null };
  }
  return prepareImage(job.bytes, sniffed.mimeType, job.limits.imageSeconds);
}
