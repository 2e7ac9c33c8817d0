import { sql } from "kysely";
import type { EvidenceKind, EvidenceMime } from "../../db/schema";
import type { Db } from "./types";

/**
 * The submission's owner and status, row-locked until the transaction ends: concurrent uploads
 * to one submission take turns, so the file limits hold and a submit cannot slip in between.
 */
export async function lockSubmissionForEvidence(db: Db, submissionId: string) {
  return db.selectFrom("submissions").select(["id", "user_id", "status", "type"]).where("id", "=", submissionId).forUpdate().executeTakeFirst();
}

/** Live (not removed) files of a submission: how many, and how many bytes stored. */
export async function evidenceUsage(db: Db, submissionId: string): Promise<{ files: number; bytes: number }> {
  const row = await db
    .selectFrom("evidence_files")
    .select([sql<string>`count(*)`.as("files"), sql<string>`coalesce(sum(size_bytes), 0)`.as("bytes")])
    .where("submission_id", "=", submissionId)
    .where("deleted_at", "is", null)
    .executeTakeFirstOrThrow();
  return { files: Number(row.files), bytes: Number(row.bytes) };
}

export interface NewEvidenceFile {
  submissionId: string;
  ownerId: string;
  kind: EvidenceKind;
  storageKey: string;
  thumbnailKey: string | null;
  mimeType: EvidenceMime;
  sizeBytes: number;
  sha256: string;
  originalName: string;
  width: number | null;
  height: number | null;
}

const fileColumns = [
  "id",
  "submission_id",
  "owner_id",
  "kind",
  "storage_key",
  "thumbnail_key",
  "mime_type",
  "size_bytes",
  "sha256",
  "original_name",
  "width",
  "height",
  "created_at",
] as const;

export async function insertEvidenceFile(db: Db, file: NewEvidenceFile) {
  return db
    .insertInto("evidence_files")
    .values({
      submission_id: file.submissionId,
      owner_id: file.ownerId,
      kind: file.kind,
      storage_key: file.storageKey,
      thumbnail_key: file.thumbnailKey,
      mime_type: file.mimeType,
      size_bytes: file.sizeBytes,
      sha256: file.sha256,
      original_name: file.originalName,
      width: file.width,
      height: file.height,
    })
    .returning(fileColumns)
    .executeTakeFirstOrThrow();
}

export async function listEvidenceFiles(db: Db, submissionId: string) {
  return db
    .selectFrom("evidence_files")
    .select(fileColumns)
    .where("submission_id", "=", submissionId)
    .where("deleted_at", "is", null)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/** A live file by id; removed files are gone for every reader. */
export async function findEvidenceFile(db: Db, fileId: string) {
  return db.selectFrom("evidence_files").select(fileColumns).where("id", "=", fileId).where("deleted_at", "is", null).executeTakeFirst();
}

/** Marks a file of this submission removed. False when there was no such live file. */
export async function softDeleteEvidenceFile(db: Db, input: { submissionId: string; fileId: string }): Promise<boolean> {
  const result = await db
    .updateTable("evidence_files")
    .set({ deleted_at: new Date() })
    .where("id", "=", input.fileId)
    .where("submission_id", "=", input.submissionId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
