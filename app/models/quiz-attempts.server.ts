import type { Db } from "./types";

// Quiz attempts: one row per try, scored once by the scoring worker.

/** Records an attempt; false when this attempt number already exists (a double submit). */
export async function insertQuizAttempt(db: Db, input: { submissionId: string; attempt: number; answers: Record<string, unknown> }): Promise<boolean> {
  const inserted = await db
    .insertInto("quiz_attempts")
    .values({ submission_id: input.submissionId, attempt: input.attempt, answers: JSON.stringify(input.answers) })
    .onConflict((oc) => oc.columns(["submission_id", "attempt"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findQuizAttempt(db: Db, submissionId: string, attempt: number) {
  return db.selectFrom("quiz_attempts").selectAll().where("submission_id", "=", submissionId).where("attempt", "=", attempt).executeTakeFirst();
}

export async function listQuizAttempts(db: Db, submissionId: string) {
  return db.selectFrom("quiz_attempts").selectAll().where("submission_id", "=", submissionId).orderBy("attempt").execute();
}

/** Writes the score once: false when the attempt was already scored (a repeated job). */
export async function recordQuizScore(db: Db, input: { id: string; score: number; result: Record<string, unknown> }): Promise<boolean> {
  const updated = await db
    .updateTable("quiz_attempts")
    .set({ score: input.score, result: JSON.stringify(input.result), scored_at: new Date() })
    .where("id", "=", input.id)
    .where("scored_at", "is", null)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** A retake after the content changed answers the new version, so it must be scored against it. */
export async function setAnsweredTaskVersion(db: Db, submissionId: string, taskVersion: number): Promise<void> {
  await db.updateTable("submissions").set({ task_version: taskVersion }).where("id", "=", submissionId).where("task_version", "<>", taskVersion).execute();
}

/** The task as it was declared at one version (not necessarily the current one). */
export async function taskDefinitionAt(db: Db, taskId: string, version: number) {
  return db.selectFrom("tasks").select(["id", "version", "type", "definition"]).where("id", "=", taskId).where("version", "=", version).executeTakeFirst();
}
