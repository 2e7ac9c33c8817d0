import { sql } from "kysely";
import type { QueueName } from "~/queue.server";
import type { SubmissionStatus } from "../../db/schema";
import type { SubmissionKey } from "./submissions.server";
import { preparedMarker } from "../../db/client";
import type { Db } from "./types";

// Quiz attempts: one row per try, scored once by the scoring worker.

export interface QuizHandIn {
  key: Omit<SubmissionKey, "type">;
  /** The moves a trainee's submit makes on a quiz, from the lifecycle table; a first attempt is a new submission's move from "draft". */
  moves: ReadonlyArray<{ from: SubmissionStatus; to: SubmissionStatus }>;
  attemptLimit: number;
  answers: Record<string, unknown>;
  actorId: string;
  /** The scoring job: its outbox id is `${idPrefix}${submissionId}-${attempt}`, its payload { submissionId, attempt }. */
  job: { queue: QueueName; name: string; idPrefix: string };
}

/**
 * Hands in a quiz attempt in one statement (issue 16, goal 3; a busy day's submits cost round trips):
 * the submission is created at once as handed in, or moved by one of `moves` while attempts remain;
 * the attempt, the status event and the scoring job in the outbox are written with it, all or none.
 * The move takes the submission's row lock, so a double click waits and then finds nothing to move.
 * Null when the submission is in no state to take an attempt (the caller reads it to say why);
 * "taken" when this attempt number exists already.
 */
export async function handInQuizAttempt(db: Db, input: QuizHandIn): Promise<{ submissionId: string; attempt: number } | "taken" | null> {
  const first = input.moves.find((m) => m.from === "draft");
  if (!first) throw new Error("a quiz's first attempt has no move from draft");
  if (new Set(input.moves.map((m) => m.to)).size !== input.moves.length) throw new Error("two submit moves lead to one status: the event could not tell where it came from");
  const { key } = input;
  const now = new Date();
  const cases = (pairs: Array<[SubmissionStatus, SubmissionStatus]>) => sql.join(pairs.map(([when, then]) => sql`when ${when}::text then ${then}::text`), sql` `);
  try {
    const { rows } = await sql<{ id: string; attempt: number }>`${sql.raw(preparedMarker)}
      with moved as (
        insert into submissions as s (user_id, task_id, task_version, module_id, track, tier, type, status, attempts_used, submitted_at, updated_at)
        values (${key.userId}, ${key.taskId}, ${key.taskVersion}, ${key.moduleId}, ${key.track}, ${key.tier}, 'quiz', ${first.to}, 1, ${now}, ${now})
        on conflict (user_id, task_id) do update set
          status = case s.status ${cases(input.moves.map((m) => [m.from, m.to]))} end,
          attempts_used = s.attempts_used + 1, task_version = excluded.task_version, submitted_at = excluded.submitted_at, updated_at = excluded.updated_at
        where s.type = 'quiz' and s.status in (${sql.join(input.moves.map((m) => m.from))}) and s.attempts_used < ${input.attemptLimit}
        returning s.id, s.attempts_used, s.status
      ), attempt as (
        insert into quiz_attempts (submission_id, attempt, answers) select id, attempts_used, ${JSON.stringify(input.answers)}::jsonb from moved
      ), event as (
        insert into submission_events (submission_id, from_status, to_status, actor_id)
        select id, case status ${cases(input.moves.map((m) => [m.to, m.from]))} end, status, ${input.actorId} from moved
      ), job as (
        insert into job_outbox (job_id, queue, name, payload)
        select ${input.job.idPrefix} || id || '-' || attempts_used, ${input.job.queue}, ${input.job.name}, jsonb_build_object('submissionId', id, 'attempt', attempts_used) from moved
        on conflict (job_id) do nothing
      )
      select id, attempts_used as attempt from moved`.execute(db);
    const row = rows[0];
    return row ? { submissionId: row.id, attempt: row.attempt } : null;
  } catch (error) {
    if ((error as { code?: string; constraint?: string }).constraint === "quiz_attempts_sub_attempt_key") return "taken";
    throw error;
  }
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
