// How long evidence files stay on disk (decision record 012). A file the trainee removes is kept for
// a grace period, then purged; until then it still counts against their quota. A draft left
// untouched for a long time gets a notice first; its files are cleared only if it stays untouched
// for the notice period after that. No I/O.

const day = 24 * 60 * 60 * 1000;

export interface RetentionPolicy {
  /** Days a removed file (or an orphan in storage) is kept before its bytes are purged. */
  purgeAfterDays: number;
  /** Days a draft may go untouched before its owner is told its files will be cleared; 0: never. */
  draftFilesKeptDays: number;
  /** Days between that notice and the clearing. */
  draftNoticeDays: number;
}

export const defaultRetention: RetentionPolicy = { purgeAfterDays: 7, draftFilesKeptDays: 180, draftNoticeDays: 30 };

/** Removed before this moment: purge now. */
export function purgeCutoff(now: Date, policy: RetentionPolicy): Date {
  return new Date(now.getTime() - policy.purgeAfterDays * day);
}

/** When the files of a draft noticed at `noticeAt` are cleared, if it stays untouched. */
export function draftFilesExpireAt(noticeAt: Date, policy: RetentionPolicy): Date {
  return new Date(noticeAt.getTime() + policy.draftNoticeDays * day);
}

export interface DraftActivity {
  /** The latest of: the draft saved, a file uploaded, a file removed. */
  lastActivity: Date;
  noticeAt: Date | null;
}

export type DraftFilesStep = "keep" | "notify" | "withdrawNotice" | "clear";

/** What the maintenance job does about one draft that has files. */
export function draftFilesStep(draft: DraftActivity, now: Date, policy: RetentionPolicy): DraftFilesStep {
  if (policy.draftFilesKeptDays <= 0) return draft.noticeAt ? "withdrawNotice" : "keep";
  if (draft.noticeAt) {
    // The trainee came back after the notice: the clock starts again.
    if (draft.lastActivity > draft.noticeAt) return "withdrawNotice";
    return now >= draftFilesExpireAt(draft.noticeAt, policy) ? "clear" : "keep";
  }
  return now.getTime() - draft.lastActivity.getTime() >= policy.draftFilesKeptDays * day ? "notify" : "keep";
}
