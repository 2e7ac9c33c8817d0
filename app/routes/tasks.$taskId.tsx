import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useCallback } from "react";
import { EvidenceUploader } from "~/components/evidence-uploader";
import { FormMessage, useRevealError } from "~/components/form";
import { GradeSummary } from "~/components/grade-summary";
import { QuizForm } from "~/components/quiz-form";
import { SubmissionHistory } from "~/components/submission-history";
import { TaskCard } from "~/components/task-card";
import { WrittenSubmissionForm, type WrittenValues } from "~/components/written-submission-form";
import { catalog } from "~/catalog/catalog.server";
import { findTask, learnerState } from "~/catalog/learner.server";
import { taskSchema, type TaskDefinition } from "~/catalog/schema";
import { db } from "~/db.server";
import { taskForm } from "~/form-schemas.server";
import { entriesOf, fieldsOf, readForm } from "~/forms.server";
import type { FieldErrorKey } from "~/domain/submission-input";
import { errorParams, todayInChina, visitsForForm } from "~/domain/submission-input";
import { isEditable, statusTone } from "~/domain/submission-lifecycle";
import { StatusBadge } from "~/components/status-badge";
import { DueDate } from "~/components/due-date";
import { auditRefusal, forbidden, notFound, requirePermission } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { useOnline, useUploadQueue } from "~/offline/hooks";
import { currentTaskVersion } from "~/models/curriculum.server";
import { duesOfUser } from "~/models/cohorts.server";
import { duesByTask, lateRefused } from "~/domain/cohorts";
import { orgOptions } from "~/models/org-options.server";
import { findSubmission, getOrCreateDraft, listSubmissionEvents } from "~/models/submissions.server";
import { listEvidence, type EvidenceFileView } from "~/services/evidence.server";
import { traineeGradeSummary } from "~/services/grading.server";
import { quizView, submitQuizAttempt } from "~/submissions/quiz.server";
import { readSubmissionForm, saveOrSubmit } from "~/submissions/written.server";
import type { Database } from "../../db/schema";
import type { Selectable } from "kysely";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.task.title ?? "任务"} · 百城学堂` }];

/** The task, the trainee's submission and the task definition that submission answers. */
async function resolve(request: Request, context: LoaderFunctionArgs["context"], taskId: string | undefined) {
  const me = requirePermission(request, context, "learn");
  const found = taskId ? findTask(taskId) : undefined;
  if (!found) throw notFound();
  const { module } = found;
  const state = await learnerState(me.id, context);
  if (!state.access(module.track, module.tier).unlocked) throw forbidden("这个任务所在的级别尚未解锁。");
  const version = await currentTaskVersion(db(), found.task.id);
  if (!version) throw notFound();
  const submission = await findSubmission(db(), me.id, found.task.id);
  // A submission keeps answering the task version it started with.
  let task: TaskDefinition = found.task;
  if (submission && submission.task_version !== version.version) {
    const old = await db().selectFrom("tasks").select("definition").where("id", "=", found.task.id).where("version", "=", submission.task_version).executeTakeFirst();
    if (old) task = taskSchema.parse(old.definition);
  }
  return { me, module, task, version: submission?.task_version ?? version.version, submission };
}

/** What the form shows: the saved draft; a unit not yet chosen defaults to the trainee's own. */
function writtenValues(s: Selectable<Database["submissions"]> | undefined, ownUnitId: string | null): WrittenValues {
  return {
    activityTitle: s?.activity_title ?? "",
    activityDate: s?.activity_date ?? "",
    orgUnitId: s?.org_unit_id ?? ownUnitId ?? "",
    otherOrgName: s?.other_org_name ?? "",
    place: s?.place ?? "",
    audienceType: s?.audience_type ?? "",
    peopleReached: s?.people_reached?.toString() ?? "",
    durationMinutes: s?.duration_minutes?.toString() ?? "",
    plan: s?.body.plan ?? "",
    reflection: s?.body.reflection ?? "",
    text: s?.body.text ?? "",
    consentConfirmed: s?.consent_confirmed ?? false,
    showcaseConsent: s?.showcase_consent ?? false,
    showcasePhotos: s?.showcase_photos ?? false,
    visits: visitsForForm(s?.activity_log),
  };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { me, module, task, submission } = await resolve(request, context, params.taskId);
  const { program } = catalog();
  const [events, evidence, orgs, quiz, grades] = await Promise.all([
    submission ? listSubmissionEvents(db(), submission.id) : [],
    submission && task.type !== "quiz" ? listEvidence(db(), submission.id) : Promise.resolve([] as EvidenceFileView[]),
    // The trainee's own unit and the units below it; one who belongs to no unit is offered none.
    task.type === "field_work" && me.orgPath ? orgOptions(db(), { within: me.orgPath, labelsFromWithin: true }) : [],
    task.type === "quiz" ? quizView(db(), { userId: me.id, task, submission: submission ?? null }) : null,
    submission && task.type !== "quiz" ? traineeGradeSummary(db(), submission.id) : Promise.resolve([]),
  ]);
  // Quizzes never send their answer key to the browser.
  const publicTask = task.type === "quiz" ? { ...task, questions: [] } : task;
  return json({
    module: { title: module.title, track: module.track, tier: module.tier, slug: module.slug },
    trackTitle: program.tracks.find((t) => t.id === module.track)!.title.zh,
    task: publicTask,
    submission: submission
      ? { id: submission.id, status: submission.status, score: submission.score, editable: isEditable(submission.status) }
      : null,
    // Who is signed in and when the server last saved this draft: the device's own draft is kept per
    // person and restored over an older page (decision 025).
    userId: me.id,
    draftStamp: submission ? new Date(submission.updated_at).toISOString() : null,
    values: writtenValues(submission, task.type === "field_work" ? me.orgUnitId : null),
    events: events.map((e) => ({ ...e, created_at: new Date(e.created_at).toISOString() })),
    evidence,
    orgs: orgs.map(({ id, label }) => ({ id, label })),
    quiz,
    grades,
    today: todayInChina(),
    // The due date of the trainee's current cohorts, if one names this task.
    dueAt: (await dueOf(me.id, task.id))?.dueAt.toISOString() ?? null,
  });
}

/** The due date a trainee's current cohorts set for a task (the earliest), and whether late work is accepted. */
async function dueOf(userId: string, taskId: string) {
  return duesByTask(await duesOfUser(db(), userId)).get(taskId);
}

type ActionResult =
  | { kind: "saved"; submitted: boolean }
  | { kind: "autosaved"; savedAt: string }
  | { kind: "problem"; reason: "invalid" | "incomplete" | "notEditable" | "alreadySubmitted" | "late"; errors: Record<string, FieldErrorKey> }
  | { kind: "quiz"; ok: boolean; problem?: string; errors?: Record<string, string> };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { me, module, task, version, submission } = await resolve(request, context, params.taskId);
  const input = fieldsOf(await readForm(request), taskForm);
  // A cohort that refuses late work: past the due date nothing more is handed in (drafts still save).
  if ((input.intent === "submit" || input.intent === "quiz-submit") && lateRefused(await dueOf(me.id, task.id), new Date())) {
    return json<ActionResult>({ kind: "problem", reason: "late", errors: {} }, { status: 409 });
  }
  const key = { userId: me.id, taskId: task.id, taskVersion: version, moduleId: module.id, track: module.track, tier: module.tier, type: task.type };

  if (task.type === "quiz") {
    if (input.intent !== "quiz-submit") throw new Response("Unknown intent", { status: 400 });
    const result = await submitQuizAttempt(db(), { user: me, task, taskVersion: version, moduleId: module.id, track: module.track, tier: module.tier, form: entriesOf(input) });
    return json<ActionResult>({ kind: "quiz", ...result }, { status: result.ok ? 200 : 400 });
  }
  if (input.intent === "start") {
    await getOrCreateDraft(db(), key);
    return json<ActionResult>({ kind: "saved", submitted: false });
  }
  if (input.intent === "quiz-submit") throw new Response("Unknown intent", { status: 400 });
  const { intent } = input;
  const draft = submission ?? (await getOrCreateDraft(db(), key));
  const raw = readSubmissionForm(input);
  const outcome = await saveOrSubmit(db(), { submissionId: draft.id, userId: me.id, task, raw, submit: intent === "submit" });
  if (!outcome.ok && outcome.errors.orgUnitId === "sub.error.orgOutside") {
    // Our page never offers such a unit: a forged or stale id, kept in the audit log like any reach refusal.
    await auditRefusal(context, { attempted: "submission.org_unit", targetType: "org_unit", targetId: raw.orgUnitId, details: { submissionId: draft.id } });
  }
  if (!outcome.ok) {
    const status = outcome.reason === "notEditable" || outcome.reason === "alreadySubmitted" ? 409 : 400;
    return json<ActionResult>({ kind: "problem", reason: outcome.reason, errors: outcome.errors }, { status });
  }
  if (intent === "autosave") return json<ActionResult>({ kind: "autosaved", savedAt: new Date().toISOString() });
  return json<ActionResult>({ kind: "saved", submitted: outcome.submitted });
}

export default function TaskPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const { task, submission, module } = data;
  const errors = result?.kind === "problem" ? (result.errors as Record<string, MessageKey>) : {};
  const problemText =
    result?.kind === "problem"
      ? result.reason === "incomplete"
        ? t("sub.incomplete")
        : result.reason === "invalid"
          ? t("sub.invalid")
          : result.reason === "alreadySubmitted"
            ? t("sub.alreadySubmitted")
            : result.reason === "late"
              ? t("cohorts.late.refused")
            : t("sub.notEditable")
      : null;
  const refused = result?.kind === "problem" ? result : null;
  const article = useRevealError<HTMLElement>(refused);
  const online = useOnline();
  const revalidator = useRevalidator();
  const revalidate = revalidator.revalidate;
  // Files queued on this device while offline; when they are stored the page reads its list again.
  const refresh = useCallback(() => {
    if (navigator.onLine) revalidate();
  }, [revalidate]);
  const queue = useUploadQueue(submission?.editable ? data.userId : null, task.id, refresh);
  return (
    <article className="stack" ref={article}>
      <nav className="breadcrumbs" aria-label="breadcrumb">
        <Link to="/my-work">{t("mywork.title")}</Link> /{" "}
        <Link to={`/learn/${module.track}/${module.tier}/${module.slug}`}>{module.title}</Link>
      </nav>
      <div className="page-header">
        <h1>{task.title}</h1>
        <StatusBadge tone={statusTone(submission?.status ?? null)}>{t(submission ? (`sub.status.${submission.status}` as MessageKey) : "sub.status.none")}</StatusBadge>
      </div>
      {data.dueAt ? (
        <p>
          <DueDate dueAt={data.dueAt} />
        </p>
      ) : null}
      {submission?.score != null ? <p className="lead">{t("sub.score", { score: submission.score })}</p> : null}
      {/* The mentor's decision and notes come first: on a phone they are what the trainee came back for. */}
      {data.grades.length ? <GradeSummary rounds={data.grades} /> : null}
      {task.type !== "quiz" ? <TaskCard task={task} /> : <p className="lead">{task.instructions}</p>}

      {result?.kind === "saved" && result.submitted ? <FormMessage kind="success">{t("sub.submitted")}</FormMessage> : null}
      {result?.kind === "saved" && !result.submitted && submission ? <FormMessage kind="success">{t("sub.saved")}</FormMessage> : null}
      {problemText ? (
        <FormMessage kind="error">
          {problemText}
          {Object.keys(errors).length ? (
            <ul className="problem-list">
              {Object.entries(errors).map(([field, key]) => (
                <li key={field}>
                  {field in data.values ? `${t(`sub.field.${field}` as MessageKey)}：` : ""}
                  {t(key, errorParams(task))}
                </li>
              ))}
            </ul>
          ) : null}
        </FormMessage>
      ) : null}

      {task.type === "quiz" && data.quiz ? (
        <QuizForm {...data.quiz} actionResult={result?.kind === "quiz" ? result : undefined} />
      ) : !submission ? (
        <Form method="post" className="card">
          <p className="hint">{t("sub.start.hint")}</p>
          <button type="submit" name="intent" value="start" className="button" disabled={busy}>
            {t("sub.start")}
          </button>
        </Form>
      ) : task.type !== "quiz" ? (
        <WrittenSubmissionForm
          task={task}
          values={data.values}
          errors={errors}
          editable={submission.editable}
          resubmit={submission.status === "returned"}
          orgs={data.orgs}
          today={data.today}
          userId={data.userId}
          draftStamp={data.draftStamp}
          serverSaved={result?.kind === "saved"}
          online={online}
          uploadsWaiting={queue.waiting}
          evidence={
            <section className="card" aria-labelledby="evidence-title">
              <h2 id="evidence-title" className="card-title">
                {t("sub.evidence.title")}
              </h2>
              {task.type === "field_work" ? (
                <p className="hint">
                  {t("sub.evidence.hint", { photos: task.evidence.minPhotos, signIn: task.evidence.signInSheet ? t("task.evidence.signIn") : "" })}
                </p>
              ) : null}
              <EvidenceUploader taskId={task.id} files={data.evidence} editable={submission.editable} online={online} queue={queue} kinds={task.type === "field_work" ? ["photo", "sign_in_sheet", "document"] : ["document", "photo"]} />
            </section>
          }
        />
      ) : null}
      <SubmissionHistory events={data.events} />
    </article>
  );
}
