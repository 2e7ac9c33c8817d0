import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Job } from "bullmq";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import { evidenceLimits } from "~/domain/file-sniffing";
import { describeNotification } from "~/domain/notifications";
import { defaultRetention } from "~/domain/retention";
import { translate } from "~/i18n";
import { storedBytesOfOwner } from "~/models/evidence.server";
import { currentTaskVersion, syncCatalog } from "~/models/curriculum.server";
import { getOrCreateDraft, saveDraft } from "~/models/submissions.server";
import { action as evidenceAction, type EvidenceActionResult } from "~/routes/tasks.$taskId.evidence";
import { removeEvidence, storeEvidence } from "~/services/evidence.server";
import { applyRetention, type RetentionReport } from "~/services/retention.server";
import { LocalDiskStorage, newEvidenceKey, registerStorage, type FileStorage } from "~/services/storage.server";
import { maintenanceProcessor } from "../../workers/processors/maintenance";
import { startWorkers } from "../../workers/runtime";
import { queue } from "~/queue.server";
import { createEvidenceWorld } from "../support/evidence-world";
import { createTestApp, responseOf } from "../support/app";

// Issue 13, part 5: removed evidence leaves the disk after the grace period (and not before), the
// quota counts what is on disk, orphans and untouched drafts' files are cleaned under the policy,
// and two runs at once do no harm. The clock is moved by passing `now`.

const day = 86_400_000;
const MiB = 1024 * 1024;
let world: Awaited<ReturnType<typeof createEvidenceWorld>>;
let app: Awaited<ReturnType<typeof createTestApp>>;
let root: string;
let store: FileStorage;
let taskId: string;

beforeAll(async () => {
  world = await createEvidenceWorld("retention");
  ({ app, root, taskId, store } = world);
});
afterAll(async () => world?.close());

const traineeWithDraft = () => world.traineeWithDraft();
const rowsOf = (submissionId: string) => world.rowsOf(submissionId);

/** A harmless PDF of about `mib` MiB, stored as it is. */
const pdfOf = (mib: number) => new Uint8Array(Buffer.from(`%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%${"x".repeat(mib * MiB)}\n%%EOF\n`, "latin1"));

async function photo(): Promise<Uint8Array> {
  return new Uint8Array(await sharp({ create: { width: 300, height: 200, channels: 3, background: "#884422" } }).jpeg().toBuffer());
}

async function upload(trainee: { id: string; submissionId: string }, bytes: Uint8Array, kind: "photo" | "document" = "document") {
  const result = await storeEvidence(app.db, { submissionId: trainee.submissionId, ownerId: trainee.id, kind, fileName: kind === "photo" ? "p.jpg" : "d.pdf", bytes });
  if (!result.ok) throw new Error(`upload refused: ${result.problem}`);
  return result.file;
}

const onDisk = (key: string) => existsSync(path.join(root, key));
const after = (days: number, from = Date.now()) => new Date(from + days * day);
const run = (now: Date, policy = defaultRetention) => applyRetention(app.db, { now, policy, store });

describe("removed files", () => {
  it("the probe: five rounds of 'upload 2 MB, delete' count against the quota and stay on disk until the grace period is over", async () => {
    const trainee = await traineeWithDraft();
    const file = pdfOf(2);
    for (let round = 0; round < 5; round++) {
      const stored = await upload(trainee, file);
      expect(await removeEvidence(app.db, { submissionId: trainee.submissionId, fileId: stored.id, ownerId: trainee.id })).toEqual({ ok: true });
    }
    const rows = await rowsOf(trainee.submissionId);
    expect(rows).toHaveLength(5);
    expect(await storedBytesOfOwner(app.db, trainee.id)).toBe(5 * file.byteLength);

    await run(after(6));
    expect(rows.every((r) => onDisk(r.storage_key))).toBe(true);
    expect(await storedBytesOfOwner(app.db, trainee.id)).toBe(5 * file.byteLength);

    await run(after(7.01));
    expect(rows.some((r) => onDisk(r.storage_key))).toBe(false);
    expect(await storedBytesOfOwner(app.db, trainee.id)).toBe(0);
    expect((await rowsOf(trainee.submissionId)).every((r) => r.purged_at !== null && r.deletion_reason === "removed")).toBe(true);
  });

  it("purges a photo's thumbnail with it, and leaves live files alone", async () => {
    const trainee = await traineeWithDraft();
    const kept = await upload(trainee, await photo(), "photo");
    const removed = await upload(trainee, await photo(), "photo");
    await removeEvidence(app.db, { submissionId: trainee.submissionId, fileId: removed.id, ownerId: trainee.id });
    const [keptRow, removedRow] = await rowsOf(trainee.submissionId);
    expect(keptRow!.id).toBe(kept.id);
    expect(removedRow!.thumbnail_size_bytes).toBeGreaterThan(0);
    expect(await storedBytesOfOwner(app.db, trainee.id)).toBe(keptRow!.size_bytes + keptRow!.thumbnail_size_bytes! + removedRow!.size_bytes + removedRow!.thumbnail_size_bytes!);

    await run(after(8));
    expect([onDisk(removedRow!.storage_key), onDisk(removedRow!.thumbnail_key!)]).toEqual([false, false]);
    expect([onDisk(keptRow!.storage_key), onDisk(keptRow!.thumbnail_key!)]).toEqual([true, true]);
  });

  it("the quota refuses an upload while removed files still fill it, and takes it once they are purged", async () => {
    const trainee = await traineeWithDraft();
    // Arranged: 499 MiB removed a moment ago (as if from many earlier rounds); its bytes are still "on disk".
    await app.db
      .insertInto("evidence_files")
      .values({
        submission_id: trainee.submissionId,
        owner_id: trainee.id,
        kind: "document",
        storage_key: newEvidenceKey("pdf"),
        mime_type: "application/pdf",
        size_bytes: evidenceLimits.maxStoredBytesPerTrainee - MiB,
        sha256: "0".repeat(64),
        original_name: "old.pdf",
        deleted_at: new Date(),
        deletion_reason: "removed",
      })
      .execute();
    const form = new FormData();
    form.append("intent", "upload");
    form.append("kind", "document");
    form.append("file", new File([pdfOf(2) as Uint8Array<ArrayBuffer>], "签到表.pdf", { type: "application/pdf" }));
    const request = new Request(`http://localhost/tasks/${taskId}/evidence`, { method: "POST", body: form });
    const res = await responseOf(() => evidenceAction({ request, context: trainee.context, params: { taskId } }));
    const body = (await res.json()) as EvidenceActionResult;
    expect(res.status).toBe(400);
    expect(body.error).toBe("evidence.error.quotaExceeded");
    expect(translate("zh-CN", body.error!, body.params)).toContain("500 MB");
    expect(translate("zh-CN", body.error!, body.params)).toContain("7 天后");
    expect((await rowsOf(trainee.submissionId)).filter((r) => r.deleted_at === null)).toHaveLength(0);

    await run(after(8));
    expect(await storedBytesOfOwner(app.db, trainee.id)).toBe(0);
    await upload(trainee, pdfOf(2));
  });
});

describe("orphans in storage", () => {
  it("an object no row points to is removed after the grace period, not before; ours only", async () => {
    const trainee = await traineeWithDraft();
    const live = await upload(trainee, pdfOf(1));
    const [liveRow] = await rowsOf(trainee.submissionId);
    // A crash between writing the bytes and committing the row, and a write that never finished.
    const orphan = newEvidenceKey("jpg");
    await store.put(orphan, new Uint8Array([1, 2, 3]), "image/jpeg");
    const unfinished = `${newEvidenceKey("pdf")}.${randomBytes(6).toString("hex")}.part`;
    await store.put(unfinished, new Uint8Array([4, 5]), "application/pdf");
    const foreign = "ev/readme";
    await store.put(foreign, new Uint8Array([6]), "text/plain");

    const early = await run(after(6));
    expect([onDisk(orphan), onDisk(unfinished)]).toEqual([true, true]);
    expect(early.orphansRemoved).toBe(0);

    const late = await run(after(8));
    expect([onDisk(orphan), onDisk(unfinished)]).toEqual([false, false]);
    expect(late.orphansRemoved).toBeGreaterThanOrEqual(2);
    expect(onDisk(liveRow!.storage_key)).toBe(true);
    expect(onDisk(foreign)).toBe(true);
    expect(live.id).toBe(liveRow!.id);
  });
});

describe("untouched drafts", () => {
  /** Arranged: a draft whose last save and uploads were `days` ago. */
  async function draftUntouchedFor(days: number) {
    const trainee = await traineeWithDraft();
    await upload(trainee, await photo(), "photo");
    await upload(trainee, pdfOf(1));
    const then = new Date(Date.now() - days * day);
    await app.db.updateTable("submissions").set({ updated_at: then }).where("id", "=", trainee.submissionId).execute();
    await app.db.updateTable("evidence_files").set({ created_at: then }).where("submission_id", "=", trainee.submissionId).execute();
    return trainee;
  }

  async function noticesFor(submissionId: string) {
    const rows = await app.db.selectFrom("job_outbox").select(["job_id", "payload"]).where("job_id", "like", `notify-draft-files-${submissionId}-%`).execute();
    return rows;
  }

  it("are told first, cleared after the notice period, and purged after the grace period", async () => {
    const trainee = await draftUntouchedFor(0);
    const now = Date.now();
    await run(after(179, now));
    expect(await noticesFor(trainee.submissionId)).toHaveLength(0);

    await run(after(181, now));
    const notices = await noticesFor(trainee.submissionId);
    expect(notices).toHaveLength(1);
    const payload = notices[0]!.payload as { kind: string; userId: string; payload: Record<string, unknown> };
    expect(payload).toMatchObject({ kind: "draft.files_expiring", userId: trainee.id });
    const view = describeNotification(payload.kind, payload.payload, { track: String, tier: String, certificate: String });
    const text = translate("zh-CN", view!.titleKey, view!.params);
    expect(text).toContain(after(211, now).toISOString().slice(0, 10));
    expect(text).toContain("保存");
    expect(view!.href).toBe(`/tasks/${encodeURIComponent(taskId)}`);

    await run(after(210, now));
    expect((await rowsOf(trainee.submissionId)).every((r) => r.deleted_at === null)).toBe(true);

    await run(after(212, now));
    const cleared = await rowsOf(trainee.submissionId);
    expect(cleared.every((r) => r.deletion_reason === "draft_expired" && r.purged_at === null)).toBe(true);
    expect(cleared.every((r) => onDisk(r.storage_key))).toBe(true);
    // The draft itself (what the trainee typed) stays; only its files go.
    expect(await app.db.selectFrom("submissions").select("status").where("id", "=", trainee.submissionId).executeTakeFirst()).toEqual({ status: "draft" });

    await run(after(220, now));
    expect((await rowsOf(trainee.submissionId)).some((r) => onDisk(r.storage_key) || (r.thumbnail_key !== null && onDisk(r.thumbnail_key)))).toBe(false);
  });

  it("a trainee who saves the draft after the notice keeps the files", async () => {
    const trainee = await draftUntouchedFor(200);
    const report = await run(new Date());
    expect(report.draftsNoticed).toBeGreaterThanOrEqual(1);
    expect(await noticesFor(trainee.submissionId)).toHaveLength(1);

    expect(await saveDraft(app.db, trainee.submissionId, { place: "学校礼堂" })).toBe(true);
    await run(after(31));
    const rows = await rowsOf(trainee.submissionId);
    expect(rows.every((r) => r.deleted_at === null && onDisk(r.storage_key))).toBe(true);
    expect((await app.db.selectFrom("submissions").select("draft_files_notice_at").where("id", "=", trainee.submissionId).executeTakeFirst())?.draft_files_notice_at).toBeNull();
  });

  it("a submitted piece of work is never touched, however old", async () => {
    const trainee = await draftUntouchedFor(400);
    await app.db.updateTable("submissions").set({ status: "submitted" }).where("id", "=", trainee.submissionId).execute();
    await run(after(1000));
    expect((await rowsOf(trainee.submissionId)).every((r) => r.deleted_at === null && onDisk(r.storage_key))).toBe(true);
    expect(await noticesFor(trainee.submissionId)).toHaveLength(0);
  });
});

describe("two runs at once", () => {
  it("purge each file once and send one notice", async () => {
    const trainee = await traineeWithDraft();
    for (let i = 0; i < 12; i++) {
      const stored = await upload(trainee, pdfOf(0));
      await removeEvidence(app.db, { submissionId: trainee.submissionId, fileId: stored.id, ownerId: trainee.id });
    }
    const old = await traineeWithDraft();
    await upload(old, pdfOf(0));
    await app.db.updateTable("submissions").set({ updated_at: new Date(Date.now() - 200 * day) }).where("id", "=", old.submissionId).execute();
    await app.db.updateTable("evidence_files").set({ created_at: new Date(Date.now() - 200 * day) }).where("submission_id", "=", old.submissionId).execute();

    const now = after(8);
    const reports: RetentionReport[] = await Promise.all([run(now), run(now), run(now)]);
    const purgedNow = await app.db.selectFrom("evidence_files").select("id").where("purged_at", "=", now).execute();
    expect(reports.reduce((sum, r) => sum + r.purgedFiles, 0)).toBe(purgedNow.length);
    expect((await rowsOf(trainee.submissionId)).every((r) => r.purged_at !== null && !onDisk(r.storage_key))).toBe(true);
    expect(reports.reduce((sum, r) => sum + r.draftsNoticed, 0)).toBe(1);
    const notices = await app.db.selectFrom("job_outbox").select("job_id").where("job_id", "like", `notify-draft-files-${old.submissionId}-%`).execute();
    expect(notices).toHaveLength(1);
    // And once more afterwards: nothing left to do for these rows.
    const again = await run(now);
    expect(again.purgedFiles).toBe(0);
  });
});

describe("the maintenance job", () => {
  it("is scheduled by every worker process under one id, and runs the retention", async () => {
    const workers = await startWorkers({ db: app.db, redisUrl: app.redis.redisUrl, prefix: app.redis.prefix, concurrency: 1 });
    try {
      const again = await startWorkers({ db: app.db, redisUrl: app.redis.redisUrl, prefix: app.redis.prefix, concurrency: 1 });
      await again.close();
      const schedulers = await queue("maintenance").getJobSchedulers();
      expect(schedulers.map((s) => s.key).sort()).toEqual(["apply-retention", "check-outcome-figures", "reconcile-outbox"]);
      expect(Number(schedulers.find((s) => s.key === "apply-retention")?.every)).toBe(6 * 60 * 60_000);
    } finally {
      await workers.close();
    }
    const report = (await maintenanceProcessor(app.db)({ name: "apply-retention" } as Job)) as RetentionReport;
    expect(report).toMatchObject({ purgedFiles: expect.any(Number), orphansRemoved: expect.any(Number) });
  });
});
