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
  thumbnailSizeBytes: number | null;
  /** The device's key for a queued upload; null for uploads sent straight from the page. */
  clientKey?: string | null;
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
      thumbnail_size_bytes: file.thumbnailSizeBytes,
      client_key: file.clientKey ?? null,
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

/** The owner's file stored under a device's upload key, removed or not: a repeated upload finds it. */
export async function findEvidenceByClientKey(db: Db, input: { ownerId: string; clientKey: string }) {
  return db
    .selectFrom("evidence_files")
    .select(fileColumns)
    .where("owner_id", "=", input.ownerId)
    .where("client_key", "=", input.clientKey)
    .executeTakeFirst();
}

/** A live file by id; removed files are gone for every reader. */
export async function findEvidenceFile(db: Db, fileId: string) {
  return db.selectFrom("evidence_files").select(fileColumns).where("id", "=", fileId).where("deleted_at", "is", null).executeTakeFirst();
}

/** Marks a file of this submission removed. False when there was no such live file. */
export async function softDeleteEvidenceFile(db: Db, input: { submissionId: string; fileId: string }): Promise<boolean> {
  const result = await db
    .updateTable("evidence_files")
    .set({ deleted_at: new Date(), deletion_reason: "removed" })
    .where("id", "=", input.fileId)
    .where("submission_id", "=", input.submissionId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * The trainee's user row, locked until the transaction ends: uploads of one trainee take turns,
 * so the storage quota holds across their submissions.
 */
export async function lockOwnerForEvidence(db: Db, ownerId: string) {
  return db.selectFrom("users").select("id").where("id", "=", ownerId).forNoKeyUpdate().executeTakeFirst();
}

/** Bytes of the trainee's files on disk: live and removed-but-not-yet-purged, thumbnails included. */
export async function storedBytesOfOwner(db: Db, ownerId: string): Promise<number> {
  const row = await db
    .selectFrom("evidence_files")
    .select(sql<string>`coalesce(sum(size_bytes + coalesce(thumbnail_size_bytes, 0)), 0)`.as("bytes"))
    .where("owner_id", "=", ownerId)
    .where("purged_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.bytes);
}

/**
 * Removed files whose grace period is over and whose bytes are still stored, locked for this
 * transaction; rows another purge holds are skipped, so two purges never take the same file.
 */
export async function claimPurgeableFiles(db: Db, input: { removedBefore: Date; limit: number }) {
  return db
    .selectFrom("evidence_files")
    .select(["id", "storage_key", "thumbnail_key", "size_bytes", "thumbnail_size_bytes"])
    .where("deleted_at", "is not", null)
    .where("deleted_at", "<", input.removedBefore)
    .where("purged_at", "is", null)
    .orderBy("deleted_at")
    .limit(input.limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function markFilesPurged(db: Db, input: { fileIds: string[]; at: Date }): Promise<void> {
  if (input.fileIds.length === 0) return;
  await db.updateTable("evidence_files").set({ purged_at: input.at }).where("id", "in", input.fileIds).where("purged_at", "is", null).execute();
}

/** Which of these storage keys belong to a file (or thumbnail) that is still stored by design. */
export async function keysInUse(db: Db, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db
    .selectFrom("evidence_files")
    .select(["storage_key", "thumbnail_key"])
    .where("purged_at", "is", null)
    .where((eb) => eb.or([eb("storage_key", "in", keys), eb("thumbnail_key", "in", keys)]))
    .execute();
  // Paper sign-in sheets of sessions are stored under the same keys (issue 17).
  const sheets = await db
    .selectFrom("session_sheets")
    .select(["storage_key", "thumbnail_key"])
    .where("purged_at", "is", null)
    .where((eb) => eb.or([eb("storage_key", "in", keys), eb("thumbnail_key", "in", keys)]))
    .execute();
  return new Set([...rows, ...sheets].flatMap((r) => [r.storage_key, r.thumbnail_key].filter((k): k is string => k !== null)));
}

// The latest of: the draft saved, a file uploaded, a file removed.
const draftLastActivity = sql<Date>`greatest(s.updated_at, (select max(greatest(f.created_at, coalesce(f.deleted_at, f.created_at))) from evidence_files f where f.submission_id = s.id))`;

/**
 * Drafts that hold live files, with when they were last touched and whether their owner has been
 * told the files will be cleared, in id order after `afterId`. Drafts with a notice are always
 * listed (the trainee may have come back); others only when untouched since `touchedBefore`.
 */
export async function draftsWithFiles(db: Db, input: { touchedBefore: Date | null; afterId: string | null; limit: number }) {
  let query = db
    .selectFrom("submissions as s")
    .innerJoin("tasks as t", (join) => join.onRef("t.id", "=", "s.task_id").onRef("t.version", "=", "s.task_version"))
    .select(["s.id", "s.user_id", "s.task_id", "t.title as task_title", "s.draft_files_notice_at", draftLastActivity.as("last_activity")])
    .where("s.status", "=", "draft")
    .where(({ exists, selectFrom }) =>
      exists(selectFrom("evidence_files as live").select("live.id").whereRef("live.submission_id", "=", "s.id").where("live.deleted_at", "is", null)),
    );
  const touchedBefore = input.touchedBefore;
  query = touchedBefore
    ? query.where((eb) => eb.or([eb("s.draft_files_notice_at", "is not", null), eb(draftLastActivity, "<", touchedBefore)]))
    : query.where("s.draft_files_notice_at", "is not", null);
  if (input.afterId) query = query.where("s.id", ">", input.afterId);
  return query.orderBy("s.id").limit(input.limit).execute();
}

/** One draft's status, notice and last activity, read again under its lock before files are cleared. */
export async function draftFilesState(db: Db, submissionId: string) {
  return db
    .selectFrom("submissions as s")
    .select(["s.status", "s.draft_files_notice_at", draftLastActivity.as("last_activity")])
    .where("s.id", "=", submissionId)
    .executeTakeFirst();
}

/** Records the notice, unless another run did already; true when this call recorded it. */
export async function recordDraftFilesNotice(db: Db, input: { submissionId: string; at: Date }): Promise<boolean> {
  const result = await db
    .updateTable("submissions")
    .set({ draft_files_notice_at: input.at })
    .where("id", "=", input.submissionId)
    .where("status", "=", "draft")
    .where("draft_files_notice_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function withdrawDraftFilesNotice(db: Db, submissionId: string): Promise<void> {
  await db.updateTable("submissions").set({ draft_files_notice_at: null }).where("id", "=", submissionId).execute();
}

/** Marks the live files of a draft removed because it was left untouched; how many. */
export async function removeExpiredDraftFiles(db: Db, input: { submissionId: string; at: Date }): Promise<number> {
  const result = await db
    .updateTable("evidence_files")
    .set({ deleted_at: input.at, deletion_reason: "draft_expired" })
    .where("submission_id", "=", input.submissionId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
