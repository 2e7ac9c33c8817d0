import { z } from "zod";

// The shape of everything under content/: validated at build time so a broken
// file fails the build with its path and field, never a blank page.

import { audienceTypes, themeIds, tierIds, trackIds } from "./ids";
import { sessionKinds } from "../domain/sessions";

export * from "./ids";

const stableId = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be lowercase letters, digits and dashes (a stable id)");
const text = z.string().trim().min(1);

export const rubricLevelSchema = z.object({
  label: text,
  descriptor: text,
  points: z.number().int().min(0),
});

export const rubricCriterionSchema = z
  .object({
    id: stableId,
    title: text,
    levels: z.array(rubricLevelSchema).min(3).max(4),
  })
  .refine((c) => new Set(c.levels.map((l) => l.points)).size === c.levels.length, {
    message: "levels of one criterion must have different points",
  });

export const rubricSchema = z
  .object({ criteria: z.array(rubricCriterionSchema).min(3).max(5) })
  .refine((r) => r.criteria.reduce((s, c) => s + Math.max(...c.levels.map((l) => l.points)), 0) === 100, {
    message: "the highest levels of all criteria must add up to 100 points",
  });
export type Rubric = z.infer<typeof rubricSchema>;

const questionBase = { id: stableId, prompt: text, explanation: text };
export const quizQuestionSchema = z.discriminatedUnion("kind", [
  z.object({
    ...questionBase,
    kind: z.literal("single"),
    options: z.array(text).min(2).max(6),
    answer: z.number().int().min(0),
  }),
  z.object({
    ...questionBase,
    kind: z.literal("multiple"),
    options: z.array(text).min(3).max(6),
    answer: z.array(z.number().int().min(0)).min(1),
  }),
  z.object({ ...questionBase, kind: z.literal("truefalse"), answer: z.boolean() }),
]);
export type QuizQuestion = z.infer<typeof quizQuestionSchema>;

const taskBase = {
  id: stableId,
  title: text,
  instructions: text,
  passMark: z.number().int().min(0).max(100),
  weight: z.number().positive().default(1),
  dueDays: z.number().int().positive().optional(),
};

export const quizTaskSchema = z
  .object({
    ...taskBase,
    type: z.literal("quiz"),
    attemptLimit: z.number().int().min(1).max(10).default(3),
    questions: z.array(quizQuestionSchema).min(3),
  })
  .superRefine((t, ctx) => {
    t.questions.forEach((q, i) => {
      const n = q.kind === "truefalse" ? 2 : q.options.length;
      const answers = q.kind === "single" ? [q.answer] : q.kind === "multiple" ? q.answer : [];
      if (answers.some((a) => a >= n)) {
        ctx.addIssue({ code: "custom", path: ["questions", i, "answer"], message: "answer index is out of range" });
      }
    });
  });

export const workProductTaskSchema = z.object({
  ...taskBase,
  type: z.literal("work_product"),
  minLength: z.number().int().min(50).default(300),
  allowAttachments: z.boolean().default(true),
  rubric: rubricSchema,
  doubleMarking: z.boolean().default(false),
});

export const fieldWorkTaskSchema = z.object({
  ...taskBase,
  type: z.literal("field_work"),
  audienceTypes: z.array(z.enum(audienceTypes)).min(1),
  minPeopleReached: z.number().int().min(0).default(1),
  /** The reflection's minimum length (characters, spaces not counted): the one number the task text, the form and the check all use. */
  minReflectionLength: z.number().int().min(50).max(5000).default(100),
  /** Work done over several visits (a shift, a home visit, a session) logs each one: date, place, audience, people, minutes. */
  visitLog: z.object({ minVisits: z.number().int().min(1).max(20) }).optional(),
  evidence: z
    .object({
      minPhotos: z.number().int().min(0).default(1),
      signInSheet: z.boolean().default(false),
    })
    .default({ minPhotos: 1, signInSheet: false }),
  rubric: rubricSchema,
  doubleMarking: z.boolean().default(false),
});

export const taskSchema = z.discriminatedUnion("type", [quizTaskSchema, workProductTaskSchema, fieldWorkTaskSchema]);
export type TaskDefinition = z.infer<typeof taskSchema>;

export const moduleFrontmatterSchema = z.object({
  id: stableId,
  title: text,
  summary: text,
  objectives: z.array(text).min(3).max(5),
  minutes: z.number().int().min(5).max(600),
  themes: z.array(z.enum(themeIds)).min(1),
  tasks: z.array(taskSchema).min(1),
});
export type ModuleFrontmatter = z.infer<typeof moduleFrontmatterSchema>;

const localized = z.object({ zh: text, en: text });

/**
 * Attendance a tier's certificate asks for (docs/decisions/023): at least `min` attended sessions of
 * each listed kind, and at least `hours` attended hours over all sessions. Attended: present or late.
 */
export const attendanceRuleSchema = z
  .object({
    sessions: z
      .array(z.object({ kind: z.enum(sessionKinds), min: z.number().int().min(1).max(100) }))
      .default([])
      .refine((list) => new Set(list.map((s) => s.kind)).size === list.length, { message: "each session kind may be listed once" }),
    hours: z.number().positive().max(1000).optional(),
  })
  .refine((a) => a.sessions.length > 0 || a.hours !== undefined, { message: "give sessions, hours, or both (or leave attendance out)" });
export type AttendanceRule = z.infer<typeof attendanceRuleSchema>;

export const certificateRuleSchema = z.object({
  requiredTasks: z.enum(["all"]).or(z.array(stableId).min(1)),
  passMark: z.number().int().min(0).max(100),
  minFieldWork: z.number().int().min(0),
  minPeopleReached: z.number().int().min(0),
  mentorSignOff: z.boolean(),
  validYears: z.number().int().positive().nullable().default(null),
  /** Absent: the tier asks for no attendance (and its rule version is what it was before attendance rules). */
  attendance: attendanceRuleSchema.optional(),
});

export const indicatorSchema = z.object({
  id: stableId,
  year: z.number().int().min(1).max(3),
  level: z.enum(["hundred", "thousand", "ten_thousand"]),
  target: z.number().int().positive(),
  title: localized,
  measure: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("certified_trainees"), tier: z.enum(tierIds) }),
    z.object({ kind: z.literal("org_milestone"), milestone: z.enum(["standardised", "distinctive"]) }),
    z.object({ kind: z.literal("people_reached"), audienceTypes: z.array(z.enum(audienceTypes)).min(1) }),
    z.object({ kind: z.literal("showcased_outcomes") }),
  ]),
});
export type Indicator = z.infer<typeof indicatorSchema>;

/** An image file under content/ (PNG or JPEG), e.g. "assets/seal.png". */
const contentImage = z
  .string()
  .regex(/^(?!.*\.\.)[A-Za-z0-9_][A-Za-z0-9_./-]*\.(png|jpe?g)$/i, "must be a PNG or JPEG path under content/, like assets/seal.png");

/** Optional artwork printed on every certificate: the issuing body's seal and a signature. */
export const certificateArtSchema = z.object({
  seal: contentImage.optional(),
  signature: z.object({ image: contentImage, caption: localized }).optional(),
});
export type CertificateArt = z.infer<typeof certificateArtSchema>;

export const programSchema = z.object({
  name: localized,
  certificateArt: certificateArtSchema.default({}),
  /** First day of programme year 1; year N runs for twelve months from N-1 years later. */
  // The 百千万 figures are kept by calendar month (decision 020): a programme year is twelve whole months.
  programStart: z.string().regex(/^\d{4}-\d{2}-01$/, "must be the first day of a month, like 2026-09-01"),
  tracks: z
    .array(
      z.object({
        id: z.enum(trackIds),
        title: localized,
        trainees: localized,
        indicators: z.array(indicatorSchema).min(1),
      }),
    )
    .length(2),
  tiers: z
    .array(
      z.object({
        id: z.enum(tierIds),
        order: z.number().int().min(1).max(4),
        title: localized,
        certificateTitle: localized,
        requiresPreviousTier: z.boolean(),
        certificate: certificateRuleSchema,
      }),
    )
    .length(4),
});
export type ProgramConfig = z.infer<typeof programSchema>;

/** Formats zod issues as "file: field.path: message" lines for build errors. */
export function describeIssues(file: string, error: z.ZodError): string {
  return error.issues.map((i) => `${file}: ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n");
}
