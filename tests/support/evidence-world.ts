import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { catalog } from "~/catalog/catalog.server";
import { currentTaskVersion, syncCatalog } from "~/models/curriculum.server";
import { getOrCreateDraft } from "~/models/submissions.server";
import { LocalDiskStorage, registerStorage } from "~/services/storage.server";
import { createTestApp } from "./app";

/**
 * A test file's world for evidence: its own app, a storage root on disk registered as the store, the
 * curriculum synced, and a field-work task that trainees can start drafts of.
 */
export async function createEvidenceWorld(name: string) {
  const app = await createTestApp();
  const root = mkdtempSync(path.join(tmpdir(), `baicheng-${name}-`));
  const store = new LocalDiskStorage(root);
  registerStorage(store);
  await syncCatalog(app.db, catalog());
  const module = catalog().modules.find((m) => m.tasks.some((t) => t.type === "field_work"))!;
  const task = module.tasks.find((t) => t.type === "field_work")!;
  const version = await currentTaskVersion(app.db, task.id);
  const draftKey = { taskId: task.id, taskVersion: version!.version, moduleId: module.id, track: module.track, tier: module.tier, type: "field_work" as const };
  return {
    app,
    root,
    store,
    taskId: task.id,
    draftKey,
    /** A trainee (no organisation) with a field-work draft. */
    async traineeWithDraft() {
      const trainee = await app.signIn(["trainee"]);
      const submission = await getOrCreateDraft(app.db, { userId: trainee.id, ...draftKey });
      return { ...trainee, submissionId: submission.id };
    },
    /** Every stored file under the root (keys with an extension), sorted. */
    filesOnDisk(): string[] {
      return (readdirSync(root, { recursive: true }) as string[]).filter((p) => /\.[a-z]+$/.test(p)).sort();
    },
    /** The submission's evidence rows, oldest first. */
    rowsOf(submissionId: string) {
      return app.db.selectFrom("evidence_files").selectAll().where("submission_id", "=", submissionId).orderBy("created_at").orderBy("id").execute();
    },
    async close() {
      registerStorage(null);
      rmSync(root, { recursive: true, force: true });
      await app.close();
    },
  };
}
