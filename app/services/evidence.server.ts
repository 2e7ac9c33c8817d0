import { createHash } from "node:crypto";
import { inflateSync } from "node:zlib";
import type { Kysely } from "kysely";
import sharp from "sharp";
import type { Database, EvidenceKind, SubmissionStatus, TaskType } from "../../db/schema";
import { displayFileName, evidenceLimits, pdfHasScript, sniffFileType, type EvidenceMimeType, type RefusedKind } from "~/domain/file-sniffing";
import { isEditable } from "~/domain/submission-lifecycle";
import {
  evidenceUsage,
  insertEvidenceFile,
  listEvidenceFiles,
  lockSubmissionForEvidence,
  softDeleteEvidenceFile,
} from "~/models/evidence.server";
import { getSubmission } from "~/models/submissions.server";
import type { Db } from "~/models/types";
import { newEvidenceKey, storage, thumbnailKeyFor } from "./storage.server";

const MiB = 1024 * 1024;

export { evidenceLimits };

export const evidenceKinds = ["photo", "sign_in_sheet", "document"] as const satisfies readonly EvidenceKind[];

export function isEvidenceKind(value: unknown): value is EvidenceKind {
  return typeof value === "string" && (evidenceKinds as readonly string[]).includes(value);
}

const image = {
  maxSide: 4096,
  thumbnailSide: 320,
  // Any phone camera fits; a small file that decodes to billions of pixels (a "bomb") does not.
  maxInputPixels: 120_000_000,
};

/** What a page shows about one stored file (plain JSON: loaders pass it to the browser as is). */
export interface EvidenceFileView {
  id: string;
  kind: EvidenceKind;
  name: string;
  mimeType: EvidenceMimeType;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  hasThumbnail: boolean;
  createdAt: string;
}

export type EvidenceProblem =
  | "empty"
  | "tooLarge"
  | "unsupportedType"
  | "pdfHasScript"
  | "photoNotImage"
  | "tooManyFiles"
  | "totalTooLarge"
  | "unreadableImage"
  | "notEditable"
  | "notFound";

export type StoreEvidenceResult =
  | { ok: true; file: EvidenceFileView }
  | { ok: false; problem: EvidenceProblem; detected?: RefusedKind };

export interface StoreEvidenceInput {
  submissionId: string;
  ownerId: string;
  kind: EvidenceKind;
  fileName: string;
  bytes: Uint8Array;
}

type FileRow = Awaited<ReturnType<typeof listEvidenceFiles>>[number];

function toView(row: FileRow): EvidenceFileView {
  return {
    id: row.id,
    kind: row.kind,
    name: row.original_name,
    mimeType: row.mime_type,
    sizeBytes: row.size_bytes,
    width: row.width,
    height: row.height,
    hasThumbnail: row.thumbnail_key !== null,
    createdAt: row.created_at.toISOString(),
  };
}

// Object streams are Flate-compressed; cap the output so a compressed bomb cannot exhaust memory.
function inflateForScan(data: Uint8Array): Uint8Array | null {
  try {
    return inflateSync(data, { maxOutputLength: 32 * MiB });
  } catch {
    return null;
  }
}

interface PreparedImage {
  data: Uint8Array;
  thumbnail: Uint8Array;
  width: number;
  height: number;
}

/**
 * Decodes and re-encodes a photo: EXIF orientation applied, then written without any metadata
 * (sharp drops EXIF, GPS, XMP and ICC unless asked to keep them), at most 4096 px on the long side.
 * Null when the bytes do not decode as the image they claim to be.
 */
async function prepareImage(bytes: Uint8Array, mimeType: Exclude<EvidenceMimeType, "application/pdf">): Promise<PreparedImage | null> {
  try {
    const decoded = sharp(bytes, { failOn: "error", limitInputPixels: image.maxInputPixels });
    const meta = await decoded.metadata();
    const expected = { "image/jpeg": "jpeg", "image/png": "png", "image/webp": "webp" }[mimeType];
    if (meta.format !== expected) return null;
    const upright = decoded.rotate().resize({ width: image.maxSide, height: image.maxSide, fit: "inside", withoutEnlargement: true });
    const encoded =
      mimeType === "image/jpeg" ? upright.jpeg({ quality: 85 }) : mimeType === "image/png" ? upright.png() : upright.webp({ quality: 85 });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    const thumbnail = await sharp(data)
      .resize({ width: image.thumbnailSide, height: image.thumbnailSide, fit: "inside", withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
    return { data: new Uint8Array(data), thumbnail: new Uint8Array(thumbnail), width: info.width, height: info.height };
  } catch {
    return null;
  }
}

type SubmissionCheck = { user_id: string; status: SubmissionStatus; type: TaskType } | undefined;

function submissionProblem(submission: SubmissionCheck, ownerId: string): EvidenceProblem | null {
  // Quizzes carry no files; someone else's submission is "not found", never "forbidden".
  if (!submission || submission.user_id !== ownerId || submission.type === "quiz") return "notFound";
  if (!isEditable(submission.status)) return "notEditable";
  return null;
}

function usageProblem(usage: { files: number; bytes: number }, addedBytes: number): EvidenceProblem | null {
  if (usage.files + 1 > evidenceLimits.maxFilesPerSubmission) return "tooManyFiles";
  if (usage.bytes + addedBytes > evidenceLimits.maxTotalBytes) return "totalTooLarge";
  return null;
}

/**
 * Checks, cleans and stores one evidence file of the owner's editable submission. The bytes go to
 * storage first and the row second; when the row cannot be written the bytes are removed again, so
 * there is never a row without a file nor a file that a refused upload left behind.
 */
export async function storeEvidence(db: Kysely<Database>, input: StoreEvidenceInput): Promise<StoreEvidenceResult> {
  const fail = (problem: EvidenceProblem, detected?: RefusedKind): StoreEvidenceResult => ({ ok: false, problem, ...(detected && { detected }) });
  const { bytes } = input;
  if (bytes.byteLength === 0) return fail("empty");
  if (bytes.byteLength > evidenceLimits.maxFileBytes) return fail("tooLarge");
  const sniffed = sniffFileType(bytes);
  if (!sniffed.supported) return fail("unsupportedType", sniffed.detected);
  if (sniffed.mimeType === "application/pdf" && input.kind === "photo") return fail("photoNotImage");
  if (sniffed.mimeType === "application/pdf" && pdfHasScript(bytes, inflateForScan)) return fail("pdfHasScript");

  // Checked before the costly image work and again under the lock before the row is written.
  const early = submissionProblem(await getSubmission(db, input.submissionId), input.ownerId);
  if (early) return fail(early);
  const earlyUsage = usageProblem(await evidenceUsage(db, input.submissionId), 0);
  if (earlyUsage) return fail(earlyUsage);

  let stored: { data: Uint8Array; thumbnail: Uint8Array | null; width: number | null; height: number | null };
  if (sniffed.mimeType === "application/pdf") {
    stored = { data: bytes, thumbnail: null, width: null, height: null };
  } else {
    const prepared = await prepareImage(bytes, sniffed.mimeType);
    if (!prepared) return fail("unreadableImage");
    stored = prepared;
  }

  const store = storage();
  const key = newEvidenceKey(sniffed.extension);
  const thumbnailKey = stored.thumbnail ? thumbnailKeyFor(key) : null;
  const written: string[] = [];
  const removeWritten = () => Promise.allSettled(written.map((k) => store.delete(k)));
  try {
    await store.put(key, stored.data, sniffed.mimeType);
    written.push(key);
    if (thumbnailKey && stored.thumbnail) {
      await store.put(thumbnailKey, stored.thumbnail, "image/webp");
      written.push(thumbnailKey);
    }
    const outcome = await db.transaction().execute(async (trx): Promise<StoreEvidenceResult> => {
      const problem = submissionProblem(await lockSubmissionForEvidence(trx, input.submissionId), input.ownerId);
      if (problem) return fail(problem);
      const overLimit = usageProblem(await evidenceUsage(trx, input.submissionId), stored.data.byteLength);
      if (overLimit) return fail(overLimit);
      const row = await insertEvidenceFile(trx, {
        submissionId: input.submissionId,
        ownerId: input.ownerId,
        kind: input.kind,
        storageKey: key,
        thumbnailKey,
        mimeType: sniffed.mimeType,
        sizeBytes: stored.data.byteLength,
        sha256: createHash("sha256").update(stored.data).digest("hex"),
        originalName: displayFileName(input.fileName, sniffed.extension, input.kind),
        width: stored.width,
        height: stored.height,
      });
      return { ok: true, file: toView(row) };
    });
    if (!outcome.ok) await removeWritten();
    return outcome;
  } catch (error) {
    await removeWritten();
    throw error;
  }
}

export async function listEvidence(db: Db, submissionId: string): Promise<EvidenceFileView[]> {
  return (await listEvidenceFiles(db, submissionId)).map(toView);
}

export type RemoveEvidenceResult = { ok: true } | { ok: false; problem: "notFound" | "notEditable" };

/** Removes a file from the owner's editable submission (kept on disk and in the table, marked deleted). */
export async function removeEvidence(
  db: Kysely<Database>,
  input: { submissionId: string; fileId: string; ownerId: string },
): Promise<RemoveEvidenceResult> {
  return db.transaction().execute(async (trx): Promise<RemoveEvidenceResult> => {
    const problem = submissionProblem(await lockSubmissionForEvidence(trx, input.submissionId), input.ownerId);
    if (problem === "notFound" || problem === "notEditable") return { ok: false, problem };
    const removed = await softDeleteEvidenceFile(trx, { submissionId: input.submissionId, fileId: input.fileId });
    return removed ? { ok: true } : { ok: false, problem: "notFound" };
  });
}
