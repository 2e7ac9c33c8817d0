import type { Db } from "./types";

// Paper sign-in sheets of a session (photos or PDFs), uploaded by staff. SQL only; the checks, the
// storage writes and the audit live in app/services/session-sheets.server.ts.

export async function insertSheet(
  db: Db,
  input: {
    sessionId: string;
    storageKey: string;
    thumbnailKey: string | null;
    mimeType: string;
    sizeBytes: number;
    thumbnailSizeBytes: number | null;
    width: number | null;
    height: number | null;
    sha256: string;
    originalName: string;
    uploadedBy: string;
  },
): Promise<string> {
  const row = await db
    .insertInto("session_sheets")
    .values({
      session_id: input.sessionId,
      storage_key: input.storageKey,
      thumbnail_key: input.thumbnailKey,
      mime_type: input.mimeType,
      size_bytes: input.sizeBytes,
      thumbnail_size_bytes: input.thumbnailSizeBytes,
      width: input.width,
      height: input.height,
      sha256: input.sha256,
      original_name: input.originalName,
      uploaded_by: input.uploadedBy,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The session's sheets still shown (not removed), oldest first, with who uploaded them. */
export async function listSheets(db: Db, sessionId: string) {
  return db
    .selectFrom("session_sheets as s")
    .leftJoin("users as u", "u.id", "s.uploaded_by")
    .select(["s.id", "s.original_name", "s.mime_type", "s.size_bytes", "s.thumbnail_key", "s.created_at", "u.name as uploader"])
    .where("s.session_id", "=", sessionId)
    .where("s.deleted_at", "is", null)
    .orderBy("s.created_at")
    .orderBy("s.id")
    .execute();
}

export async function countLiveSheets(db: Db, sessionId: string): Promise<number> {
  const row = await db.selectFrom("session_sheets").select((eb) => eb.fn.countAll<string>().as("n")).where("session_id", "=", sessionId).where("deleted_at", "is", null).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One live sheet of this session (another session's id is not found). */
export async function findSheet(db: Db, sessionId: string, sheetId: string) {
  return db
    .selectFrom("session_sheets")
    .select(["id", "session_id", "storage_key", "thumbnail_key", "mime_type", "original_name", "sha256"])
    .where("id", "=", sheetId)
    .where("session_id", "=", sessionId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

/** Marks a sheet removed; its bytes stay until the retention job purges them. Null when there was none. */
export async function softDeleteSheet(db: Db, input: { sessionId: string; sheetId: string; by: string }) {
  return db
    .updateTable("session_sheets")
    .set({ deleted_at: new Date(), deleted_by: input.by })
    .where("id", "=", input.sheetId)
    .where("session_id", "=", input.sessionId)
    .where("deleted_at", "is", null)
    .returning(["id", "original_name"])
    .executeTakeFirst();
}

/** Removed sheets past the grace period, claimed for the purge (two workers never take the same). */
export async function claimPurgeableSheets(db: Db, input: { removedBefore: Date; limit: number }) {
  return db
    .selectFrom("session_sheets")
    .select(["id", "storage_key", "thumbnail_key"])
    .where("deleted_at", "is not", null)
    .where("deleted_at", "<", input.removedBefore)
    .where("purged_at", "is", null)
    .orderBy("deleted_at")
    .limit(input.limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function markSheetsPurged(db: Db, input: { ids: string[]; at: Date }): Promise<void> {
  if (input.ids.length === 0) return;
  await db.updateTable("session_sheets").set({ purged_at: input.at }).where("id", "in", input.ids).execute();
}
