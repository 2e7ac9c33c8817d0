import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database, EvidenceKind, SubmissionStatus, TaskType } from "../../db/schema";
import { displayFileName, evidenceLimits, type EvidenceMimeType, type RefusedKind } from "~/domain/file-sniffing";
import { isEditable } from "~/domain/submission-lifecycle";
import {
  evidenceUsage,
  findEvidenceByClientKey,
  insertEvidenceFile,
  listEvidenceFiles,
  lockOwnerForEvidence,
  lockSubmissionForEvidence,
  softDeleteEvidenceFile,
  storedBytesOfOwner,
} from "~/models/evidence.server";
import { getSubmission } from "~/models/submissions.server";
import type { Db } from "~/models/types";
import { evidencePool } from "./evidence-pool.server";
import { imageLimits } from "./evidence-processing";
import { retentionPolicy } from "./retention.server";
import { storeUpload } from "./storage.server";

export { evidenceLimits };

/** The limits as the refusal messages state them. */
export function evidenceProcessingLimits() {
  const { timeoutMs, limits } = evidencePool().options;
  return {
    timeoutSeconds: Math.round(timeoutMs / 1000),
    maxDecodedMb: Math.round(limits.pdf.maxDecodedBytes / MiB),
    maxMegapixels: Math.round(imageLimits.maxInputPixels / 1e6),
    purgeAfterDays: retentionPolicy().purgeAfterDays,
  };
}

const MiB = 1024 * 1024;

export const evidenceKinds = ["photo", "sign_in_sheet", "document"] as const satisfies readonly EvidenceKind[];

export function isEvidenceKind(value: unknown): value is EvidenceKind {
  return typeof value === "string" && (evidenceKinds as readonly string[]).includes(value);
}

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
  | "pdfEncrypted"
  | "pdfUnreadable"
  | "tooMuchData"
  | "tooComplex"
  | "processingTimeout"
  | "busy"
  | "photoNotImage"
  | "tooManyFiles"
  | "totalTooLarge"
  | "unreadableImage"
  | "imageTooLarge"
  | "quotaExceeded"
  | "notEditable"
  | "notFound";

export type StoreEvidenceResult =
  /** `duplicate`: the device sent this file (its client key) before; nothing new was stored. */
  | { ok: true; file: EvidenceFileView; duplicate?: true }
  | { ok: false; problem: EvidenceProblem; detected?: RefusedKind };

export interface StoreEvidenceInput {
  submissionId: string;
  ownerId: string;
  kind: EvidenceKind;
  fileName: string;
  bytes: Uint8Array;
  /** A queued upload's key from the device (decision 025): a repeat with the same key stores nothing. */
  clientKey?: string | null;
}

/** What a device may send as an upload key: 16 to 64 URL-safe characters (a UUID without dashes, say). */
export function isClientKey(value: unknown): value is string {
  return typeof value === "string" && /^[A-Za-z0-9_-]{16,64}$/.test(value);
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

// Counts what is on disk, removed files included until they are purged: deleting does not make room at once.
function quotaProblem(storedBytes: number, addedBytes: number): EvidenceProblem | null {
  return storedBytes + addedBytes > evidenceLimits.maxStoredBytesPerTrainee ? "quotaExceeded" : null;
}

/**
 * Checks, cleans and stores one evidence file of the owner's editable submission. The file is judged
 * and prepared in a worker thread (evidence-pool.server.ts). The bytes go to storage first and the
 * row second; when the row cannot be written the bytes are removed again, so there is never a row
 * without a file nor a file that a refused upload left behind.
 */
export async function storeEvidence(db: Kysely<Database>, input: StoreEvidenceInput): Promise<StoreEvidenceResult> {
  const fail = (problem: EvidenceProblem, detected?: RefusedKind): StoreEvidenceResult => ({ ok: false, problem, ...(detected && { detected }) });
  const { bytes } = input;
  const clientKey = input.clientKey ?? null;
  // A repeat of a queued upload: answered with what was stored the first time, before any other check
  // (the submission may have been handed in since, and the device must still empty its queue).
  const stored = async (db: Db) => (clientKey ? findEvidenceByClientKey(db, { ownerId: input.ownerId, clientKey }) : undefined);
  const earlier = await stored(db);
  if (earlier) return { ok: true, file: toView(earlier), duplicate: true };
  if (bytes.byteLength === 0) return fail("empty");
  if (bytes.byteLength > evidenceLimits.maxFileBytes) return fail("tooLarge");

  // Checked before the costly work and again under the lock before the row is written.
  const early = submissionProblem(await getSubmission(db, input.submissionId), input.ownerId);
  if (early) return fail(early);
  const earlyUsage = usageProblem(await evidenceUsage(db, input.submissionId), 0) ?? quotaProblem(await storedBytesOfOwner(db, input.ownerId), bytes.byteLength);
  if (earlyUsage) return fail(earlyUsage);

  const prepared = await evidencePool().process(bytes, input.kind);
  if (!prepared.ok) return fail(prepared.problem, "detected" in prepared ? prepared.detected : undefined);

  return storeUpload(
    prepared,
    ({ key, thumbnailKey }) =>
      db.transaction().execute(async (trx): Promise<StoreEvidenceResult> => {
        // Owner first, then submission, in every upload: concurrent uploads take turns and never deadlock.
        await lockOwnerForEvidence(trx, input.ownerId);
        // Under the owner's lock: two sends of one queued file at once (page and service worker) store it once.
        const raced = await stored(trx);
        if (raced) return { ok: true, file: toView(raced), duplicate: true };
        const problem = submissionProblem(await lockSubmissionForEvidence(trx, input.submissionId), input.ownerId);
        if (problem) return fail(problem);
        const overLimit =
          usageProblem(await evidenceUsage(trx, input.submissionId), prepared.data.byteLength) ??
          quotaProblem(await storedBytesOfOwner(trx, input.ownerId), prepared.data.byteLength + (prepared.thumbnail?.byteLength ?? 0));
        if (overLimit) return fail(overLimit);
        const row = await insertEvidenceFile(trx, {
          submissionId: input.submissionId,
          ownerId: input.ownerId,
          kind: input.kind,
          storageKey: key,
          thumbnailKey,
          mimeType: prepared.mimeType,
          sizeBytes: prepared.data.byteLength,
          sha256: createHash("sha256").update(prepared.data).digest("hex"),
          originalName: displayFileName(input.fileName, prepared.extension, input.kind),
          width: prepared.width,
          height: prepared.height,
          thumbnailSizeBytes: prepared.thumbnail?.byteLength ?? null,
          clientKey,
        });
        return { ok: true, file: toView(row) };
      }),
    // A refusal under the lock, or a repeat answered with the earlier file: the new bytes are not kept.
    (outcome) => outcome.ok && !("duplicate" in outcome && outcome.duplicate),
  );
}

export async function listEvidence(db: Db, submissionId: string): Promise<EvidenceFileView[]> {
  return (await listEvidenceFiles(db, submissionId)).map(toView);
}

export type RemoveEvidenceResult = { ok: true } | { ok: false; problem: "notFound" | "notEditable" };

/** Removes a file from the owner's editable submission: marked deleted; its bytes stay until the retention job purges them. */
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
