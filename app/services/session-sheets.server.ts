import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { displayFileName, evidenceLimits, type RefusedKind } from "~/domain/file-sniffing";
import { recordAudit } from "~/models/audit.server";
import { countLiveSheets, insertSheet, listSheets, softDeleteSheet } from "~/models/session-sheets.server";
import { getSession, type SessionRow } from "~/models/training-sessions.server";
import type { Db } from "~/models/types";
import { evidencePool } from "./evidence-pool.server";
import type { EvidenceProblem } from "./evidence.server";
import { storeUpload } from "./storage.server";

// Paper sign-in sheets (签到表) of a session: a photo or a PDF, uploaded by staff whose reach covers
// the session (the route checks that), judged by the evidence pipeline in a worker thread (type from
// the bytes, images re-encoded without EXIF/GPS, PDFs inspected), stored under a server-made key and
// audited. Bytes first, row second; a refused or failed row removes the bytes again.

export const sheetLimits = {
  maxFileBytes: evidenceLimits.maxFileBytes,
  /** Sheets shown per session at once: a day's paper, with room for retakes. */
  maxSheetsPerSession: 20,
} as const;

export type SheetProblem = Exclude<EvidenceProblem, "tooManyFiles" | "totalTooLarge" | "quotaExceeded" | "notEditable" | "photoNotImage"> | "tooManySheets";
export type StoreSheetResult = { ok: true; id: string } | { ok: false; problem: SheetProblem; detected?: RefusedKind };

export interface SheetStaff {
  id: string;
  ip: string | null;
}

export async function storeSessionSheet(db: Kysely<Database>, staff: SheetStaff, session: SessionRow, file: { name: string; bytes: Uint8Array }): Promise<StoreSheetResult> {
  const { bytes } = file;
  if (bytes.byteLength === 0) return { ok: false, problem: "empty" };
  if (bytes.byteLength > sheetLimits.maxFileBytes) return { ok: false, problem: "tooLarge" };
  if ((await countLiveSheets(db, session.id)) >= sheetLimits.maxSheetsPerSession) return { ok: false, problem: "tooManySheets" };

  const prepared = await evidencePool().process(bytes, "sign_in_sheet");
  if (!prepared.ok) {
    // A sign-in sheet may be a PDF, so "not a photo" cannot happen; anything else is the file's own problem.
    const problem = prepared.problem === "photoNotImage" ? "unsupportedType" : prepared.problem;
    return { ok: false, problem, ...("detected" in prepared && prepared.detected ? { detected: prepared.detected } : {}) };
  }

  return storeUpload(
    prepared,
    ({ key, thumbnailKey }) =>
      db.transaction().execute(async (trx): Promise<StoreSheetResult> => {
        // The session's row lock (as sign-ups take it): two uploads at once count one after the other.
        const locked = await getSession(trx, session.id, { forUpdate: true });
        if (!locked) return { ok: false, problem: "notFound" };
        if ((await countLiveSheets(trx, session.id)) >= sheetLimits.maxSheetsPerSession) return { ok: false, problem: "tooManySheets" };
        const name = displayFileName(file.name, prepared.extension, "签到表");
        const id = await insertSheet(trx, {
          sessionId: session.id,
          storageKey: key,
          thumbnailKey,
          mimeType: prepared.mimeType,
          sizeBytes: prepared.data.byteLength,
          thumbnailSizeBytes: prepared.thumbnail?.byteLength ?? null,
          width: prepared.width,
          height: prepared.height,
          sha256: createHash("sha256").update(prepared.data).digest("hex"),
          originalName: name,
          uploadedBy: staff.id,
        });
        await recordAudit(trx, {
          actorId: staff.id,
          action: "attendance.sheet_uploaded",
          targetType: "training_session",
          targetId: session.id,
          ip: staff.ip,
          details: { session: session.title, sheetId: id, name, mimeType: prepared.mimeType, sizeBytes: prepared.data.byteLength },
        });
        return { ok: true, id };
      }),
    (outcome) => outcome.ok,
  );
}

/** Removes a sheet from the session (bytes purged after the grace period); audited. False when there was none. */
export async function removeSessionSheet(db: Kysely<Database>, staff: SheetStaff, session: SessionRow, sheetId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const removed = await softDeleteSheet(trx, { sessionId: session.id, sheetId, by: staff.id });
    if (!removed) return false;
    await recordAudit(trx, {
      actorId: staff.id,
      action: "attendance.sheet_removed",
      targetType: "training_session",
      targetId: session.id,
      ip: staff.ip,
      details: { session: session.title, sheetId, name: removed.original_name },
    });
    return true;
  });
}

export interface SheetView {
  id: string;
  name: string;
  pdf: boolean;
  hasThumbnail: boolean;
  sizeBytes: number;
  uploader: string;
  uploadedAt: string;
}

export async function sheetsOf(db: Db, sessionId: string): Promise<SheetView[]> {
  return (await listSheets(db, sessionId)).map((s) => ({
    id: s.id,
    name: s.original_name,
    pdf: s.mime_type === "application/pdf",
    hasThumbnail: s.thumbnail_key !== null,
    sizeBytes: s.size_bytes,
    uploader: s.uploader ?? "—",
    uploadedAt: new Date(s.created_at).toISOString(),
  }));
}
