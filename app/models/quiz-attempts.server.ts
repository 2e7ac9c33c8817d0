import { sql } from "kysely";
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

/** The task as it was declared at one version (not necessarily the current one). */
export async function taskDefinitionAt(db: Db, taskId: string, version: number) {
  return db.selectFrom("tasks").select(["id", "version", "type", "definition"]).where("id", "=", taskId).where("version", "=", version).executeTakeFirst();
}

/** The attempts of these submissions (a scoring batch reads them in one query). */
export async function findQuizAttemptsOf(db: Db, submissionIds: string[]) {
  if (submissionIds.length === 0) return [];
  return db.selectFrom("quiz_attempts").selectAll().where("submission_id", "in", submissionIds).execute();
}

/** Task versions as declared, for several (task, version) pairs at once. */
export async function taskDefinitionsAt(db: Db, versions: Array<{ taskId: string; version: number }>) {
  if (versions.length === 0) return [];
  return db
    .selectFrom("tasks")
    .select(["id", "version", "type", "definition"])
    .where((eb) => eb.or(versions.map((v) => eb.and([eb("id", "=", v.taskId), eb("version", "=", v.version)]))))
    .execute();
}

/** Writes several scores in one statement, each once: returns the ids that were still unscored. */
export async function recordQuizScores(db: Db, scores: Array<{ id: string; score: number; result: Record<string, unknown> }>): Promise<Set<string>> {
  if (scores.length === 0) return new Set();
  const rows = sql.join(scores.map((s) => sql`(${s.id}::uuid, ${s.score}::integer, ${JSON.stringify(s.result)}::jsonb)`));
  const updated = await sql<{ id: string }>`update quiz_attempts as a
    set score = v.score, result = v.result, scored_at = now()
    from (values ${rows}) as v(id, score, result)
    where a.id = v.id and a.scored_at is null
    returning a.id`.execute(db);
  return new Set(updated.rows.map((r) => r.id));
}
