import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { getConfig } from "~/config.server";
import { notificationIds } from "~/domain/notifications";
import { defaultRetention, draftFilesExpireAt, draftFilesStep, purgeCutoff, type RetentionPolicy } from "~/domain/retention";
import {
  claimPurgeableFiles,
  draftFilesState,
  draftsWithFiles,
  keysInUse,
  lockSubmissionForEvidence,
  markFilesPurged,
  recordDraftFilesNotice,
  removeExpiredDraftFiles,
  withdrawDraftFilesNotice,
} from "~/models/evidence.server";
import { queueNotification } from "~/models/notifications.server";
import { claimPurgeableSheets, markSheetsPurged } from "~/models/session-sheets.server";
import type { OutboxJob } from "~/models/outbox.server";
import { dispatchAfterCommit } from "./dispatch.server";
import { isEvidenceObjectKey, storage, type FileStorage } from "./storage.server";

// The retention job (decision record 012): purges removed evidence files after the grace period,
// cleans storage objects that no row points to, and applies the policy for untouched drafts.
// Idempotent, and safe when several workers run it at once.

const batchSize = 200;

/** The configured policy: EVIDENCE_PURGE_AFTER_DAYS and DRAFT_FILES_KEPT_DAYS. */
export function retentionPolicy(): RetentionPolicy {
  const config = getConfig();
  return { ...defaultRetention, purgeAfterDays: config.EVIDENCE_PURGE_AFTER_DAYS, draftFilesKeptDays: config.DRAFT_FILES_KEPT_DAYS };
}

export interface RetentionReport {
  purgedFiles: number;
  purgedBytes: number;
  orphansRemoved: number;
  draftsNoticed: number;
  noticesWithdrawn: number;
  draftsCleared: number;
  purgedSheets: number;
}

export interface RetentionRun {
  /** The clock the policy is applied at (tests move it). */
  now: Date;
  policy: RetentionPolicy;
  store?: FileStorage;
}

/** Removed files past the grace period: bytes deleted from storage, then the row marked purged. */
async function purgeRemovedFiles(db: Kysely<Database>, run: RetentionRun, store: FileStorage, report: RetentionReport) {
  const removedBefore = purgeCutoff(run.now, run.policy);
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      const files = await claimPurgeableFiles(trx, { removedBefore, limit: batchSize });
      // Deleting a missing object is fine, so a run that died after this step is simply repeated.
      for (const file of files) {
        await store.delete(file.storage_key);
        if (file.thumbnail_key) await store.delete(file.thumbnail_key);
      }
      await markFilesPurged(trx, { fileIds: files.map((f) => f.id), at: run.now });
      return files;
    });
    report.purgedFiles += batch.length;
    report.purgedBytes += batch.reduce((sum, f) => sum + f.size_bytes + (f.thumbnail_size_bytes ?? 0), 0);
    if (batch.length < batchSize) return;
  }
}

/** Removed paper sign-in sheets of sessions past the grace period, the same way (issue 17). */
async function purgeRemovedSheets(db: Kysely<Database>, run: RetentionRun, store: FileStorage, report: RetentionReport) {
  const removedBefore = purgeCutoff(run.now, run.policy);
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      const sheets = await claimPurgeableSheets(trx, { removedBefore, limit: batchSize });
      for (const sheet of sheets) {
        await store.delete(sheet.storage_key);
        if (sheet.thumbnail_key) await store.delete(sheet.thumbnail_key);
      }
      await markSheetsPurged(trx, { ids: sheets.map((s) => s.id), at: run.now });
      return sheets;
    });
    report.purgedSheets += batch.length;
    if (batch.length < batchSize) return;
  }
}

/** Objects no stored-by-design row points to (a crash between write and commit, a purged row's leftovers). */
async function removeOrphans(db: Kysely<Database>, run: RetentionRun, store: FileStorage, report: RetentionReport) {
  const writtenBefore = purgeCutoff(run.now, run.policy);
  const candidates: string[] = [];
  const sweep = async () => {
    const inUse = await keysInUse(db, candidates);
    for (const key of candidates) {
      if (inUse.has(key)) continue;
      await store.delete(key);
      report.orphansRemoved += 1;
    }
    candidates.length = 0;
  };
  for await (const object of store.list("ev/")) {
    // Young objects may belong to an upload whose row is being written right now; others are not ours.
    if (object.modifiedAt >= writtenBefore || !isEvidenceObjectKey(object.key)) continue;
    candidates.push(object.key);
    if (candidates.length >= batchSize) await sweep();
  }
  await sweep();
}

/** Untouched drafts: notice first, clear the files after the notice period, start again when touched. */
async function applyDraftPolicy(db: Kysely<Database>, run: RetentionRun, report: RetentionReport) {
  const { now, policy } = run;
  const touchedBefore = policy.draftFilesKeptDays > 0 ? new Date(now.getTime() - policy.draftFilesKeptDays * 86_400_000) : null;
  let afterId: string | null = null;
  for (;;) {
    const drafts = await draftsWithFiles(db, { touchedBefore, afterId, limit: batchSize });
    const jobs: OutboxJob[] = [];
    for (const draft of drafts) {
      const step = draftFilesStep({ lastActivity: new Date(draft.last_activity), noticeAt: draft.draft_files_notice_at }, now, policy);
      if (step === "notify") {
        await db.transaction().execute(async (trx) => {
          // Conditional: of two runs at once, one records the notice and sends it.
          if (!(await recordDraftFilesNotice(trx, { submissionId: draft.id, at: now }))) return;
          jobs.push(
            await queueNotification(trx, {
              id: notificationIds.draftFilesExpiring(draft.id, now),
              userId: draft.user_id,
              kind: "draft.files_expiring",
              payload: {
                submissionId: draft.id,
                taskId: draft.task_id,
                taskTitle: draft.task_title,
                days: policy.draftFilesKeptDays,
                clearOn: draftFilesExpireAt(now, policy).toISOString().slice(0, 10),
              },
            }),
          );
          report.draftsNoticed += 1;
        });
      } else if (step === "withdrawNotice") {
        await withdrawDraftFilesNotice(db, draft.id);
        report.noticesWithdrawn += 1;
      } else if (step === "clear") {
        await db.transaction().execute(async (trx) => {
          // Under the submission's lock: a submit, save or upload at this moment wins, and the files stay.
          await lockSubmissionForEvidence(trx, draft.id);
          const fresh = await draftFilesState(trx, draft.id);
          if (fresh?.status !== "draft") return;
          if (draftFilesStep({ lastActivity: new Date(fresh.last_activity), noticeAt: fresh.draft_files_notice_at }, now, policy) !== "clear") return;
          if ((await removeExpiredDraftFiles(trx, { submissionId: draft.id, at: now })) > 0) report.draftsCleared += 1;
          await withdrawDraftFilesNotice(trx, draft.id);
        });
      }
    }
    await dispatchAfterCommit(jobs);
    if (drafts.length < batchSize) return;
    afterId = drafts[drafts.length - 1]!.id;
  }
}

/** One run of the retention job. Every step may run twice, or in two workers at once. */
export async function applyRetention(db: Kysely<Database>, run: RetentionRun): Promise<RetentionReport> {
  const store = run.store ?? storage();
  const report: RetentionReport = { purgedFiles: 0, purgedBytes: 0, orphansRemoved: 0, draftsNoticed: 0, noticesWithdrawn: 0, draftsCleared: 0, purgedSheets: 0 };
  await applyDraftPolicy(db, run, report);
  await purgeRemovedFiles(db, run, store, report);
  await purgeRemovedSheets(db, run, store, report);
  await removeOrphans(db, run, store, report);
  return report;
}
