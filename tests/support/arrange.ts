import type { Insertable } from "kysely";
import type { CatalogModule } from "~/catalog/types";
import type { TaskDefinition } from "~/catalog/schema";
import type { QuizAnswers, QuizTask } from "~/domain/quiz-scoring";
import { catalog } from "~/catalog/catalog.server";
import { currentTaskVersion, syncCatalog } from "~/models/curriculum.server";
import type { Db } from "~/models/types";
import type { SubmissionTable } from "../../db/schema";
import type { createTestApp } from "./app";

// Arranging data the UI would take many steps to reach, written directly the way our code leaves it.

type SubmissionColumns = Partial<Omit<Insertable<SubmissionTable>, "user_id" | "task_id" | "task_version" | "module_id" | "track" | "tier" | "type">>;

/**
 * A trainee's submission of `task` as the submit flow (and, for decided statuses, a grade) leaves
 * it: the task's current version, its module's track and tier, plausible field-work figures for field
 * work (in `orgUnitId`), consent given, one attempt used. Any column can be overridden.
 */
export async function insertSubmission(
  db: Db,
  input: { userId: string; module: CatalogModule; task: TaskDefinition; orgUnitId?: string | null } & SubmissionColumns,
): Promise<{ id: string; version: number }> {
  const { userId, module, task, orgUnitId = null, ...overrides } = input;
  const version = await currentTaskVersion(db, task.id);
  if (!version) throw new Error(`task ${task.id} has no current version; was the catalog synced?`);
  const field = task.type === "field_work";
  const decided = overrides.status === "passed" || overrides.status === "not_passed";
  const row = await db
    .insertInto("submissions")
    .values({
      user_id: userId,
      task_id: task.id,
      task_version: version.version,
      module_id: module.id,
      track: module.track,
      tier: module.tier,
      type: task.type,
      status: "submitted",
      body: JSON.stringify(field ? { plan: "活动方案", reflection: "活动反思" } : { text: "作业正文" }),
      activity_title: field ? "情绪小课堂" : null,
      activity_date: field ? "2026-11-20" : null,
      org_unit_id: field ? orgUnitId : null,
      audience_type: field ? "students" : null,
      people_reached: field ? 30 : null,
      duration_minutes: field ? 40 : null,
      consent_confirmed: true,
      attempts_used: 1,
      submitted_at: new Date(),
      decided_at: decided ? new Date() : null,
      ...overrides,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, version: version.version };
}

/** Every question of a quiz answered rightly. */
export function rightAnswers(task: QuizTask): QuizAnswers {
  return Object.fromEntries(task.questions.map((q) => [q.id, q.answer]));
}

/** Every question answered wrongly (and validly). */
export function wrongAnswers(task: QuizTask): QuizAnswers {
  return Object.fromEntries(
    task.questions.map((q) => {
      if (q.kind === "truefalse") return [q.id, !q.answer];
      if (q.kind === "single") return [q.id, (q.answer + 1) % q.options.length];
      const others = q.options.map((_, i) => i).filter((i) => !q.answer.includes(i));
      return [q.id, others.length ? others : q.answer.slice(1)];
    }),
  );
}

/** Two mentors (甲, 乙) and a campus trainee at the programme's root, the catalogue synced: a mentor-load test's cast. */
export async function twoMentorsAndATrainee(app: Awaited<ReturnType<typeof createTestApp>>): Promise<{ mentors: [string, string]; trainee: string }> {
  await syncCatalog(app.db, catalog());
  const root = await app.programmeRoot();
  const mentors: [string, string] = [
    (await app.signIn(["mentor"], { name: "导师甲", orgUnitId: root })).id,
    (await app.signIn(["mentor"], { name: "导师乙", orgUnitId: root })).id,
  ];
  const trainee = (await app.signIn(["trainee"], { name: "学员", orgUnitId: root, track: "campus" })).id;
  return { mentors, trainee };
}
