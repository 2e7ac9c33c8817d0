import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigate, useNavigation } from "@remix-run/react";
import { useEffect, useRef, type KeyboardEvent as ReactKeyboardEvent } from "react";
import { FormMessage } from "~/components/form";
import { SubmissionHistory } from "~/components/submission-history";
import { db } from "~/db.server";
import { gradingForm, type GradeInput } from "~/form-schemas.server";
import { fieldsOf, prefixed, readForm } from "~/forms.server";
import { isGradeDecision, type GraderRole, type Selections } from "~/domain/grading";
import { inReach } from "~/domain/reach";
import { graderOf, notFound, refuseOutsideReach, requirePermission } from "~/guards.server";
import { mentorWorkKinds } from "~/domain/notifications";
import { markReadAboutSubmission } from "~/models/notifications.server";
import { submissionPath } from "~/models/placement.server";
import { RubricCriterion, useRubricLevels } from "~/components/rubric-criterion";
import { SubmittedWork } from "~/components/submitted-work";
import { hasChanges, type ResubmissionChanges, type SnapshotField } from "~/domain/resubmission";
import { useT, type MessageKey } from "~/i18n";
import { gradingView, nominateForShowcase, recordGrade, type GradeProblem, type NominateProblem } from "~/services/grading.server";
import type { SelectionProblem } from "~/domain/grading";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.task.title ?? "评分"} · 导师工作台 · 百城学堂` }];

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function resolve(request: Request, context: LoaderFunctionArgs["context"], submissionId: string | undefined) {
  const me = graderOf(requirePermission(request, context, "grade"));
  if (!submissionId || !uuid.test(submissionId)) throw notFound();
  // Not assigned (and not an admin) looks exactly like a submission that does not exist.
  const view = await gradingView(db(), { viewer: me, submissionId });
  if (!view) {
    const placed = me.reach ? await submissionPath(db(), submissionId) : undefined;
    if (placed && !inReach(me.reach, placed.orgPath)) await refuseOutsideReach(context, { attempted: "submission.grade", targetType: "submission", targetId: submissionId });
    throw notFound();
  }
  return { me, view };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { me, view } = await resolve(request, context, params.submissionId);
  // Opening the work (from a notification or the queue) is reading the notice about it.
  await markReadAboutSubmission(db(), { userId: me.id, submissionId: view.submission.id, kinds: mentorWorkKinds });
  return json(view);
}

/** What the mentor typed, sent back with a refusal so the form keeps it. */
interface TypedGrade {
  levels: Record<string, string>;
  comments: Record<string, string>;
  comment: string;
}

type ActionResult =
  | { intent: "grade"; ok: true; final: boolean; needsModerator: boolean; status: string; total: number }
  | { intent: "grade"; ok: false; problem: GradeProblem | "badDecision"; errors: Record<string, SelectionProblem>; typed: TypedGrade }
  | { intent: "nominate"; ok: true }
  | { intent: "nominate"; ok: false; problem: NominateProblem; reason: string };

function readTyped(input: GradeInput): TypedGrade {
  return { levels: prefixed(input, "level."), comments: prefixed(input, "comment."), comment: input.comment };
}

const problemStatus: Record<GradeProblem | "badDecision", number> = {
  notFound: 404,
  notAssigned: 403,
  alreadyGraded: 409,
  alreadyDecided: 409,
  stale: 409,
  roleTaken: 409,
  moderatorNotNeeded: 409,
  invalidSelections: 400,
  commentTooLong: 400,
  commentRequired: 400,
  passBelowMark: 400,
  badDecision: 400,
};

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { me, view } = await resolve(request, context, params.submissionId);
  const input = fieldsOf(await readForm(request), gradingForm);

  if (input.intent === "nominate") {
    const { reason } = input;
    const result = await nominateForShowcase(db(), { mentor: me, submissionId: view.submission.id, reason });
    if (!result.ok) return json<ActionResult>({ intent: "nominate", ok: false, problem: result.problem, reason }, { status: result.problem === "alreadyNominated" ? 409 : 400 });
    return json<ActionResult>({ intent: "nominate", ok: true });
  }
  const typed = readTyped(input);
  const { decision } = input;
  if (!isGradeDecision(decision)) return json<ActionResult>({ intent: "grade", ok: false, problem: "badDecision", errors: {}, typed }, { status: 400 });
  const selections: Selections = {};
  for (const [criterionId, level] of Object.entries(typed.levels)) selections[criterionId] = { level, comment: typed.comments[criterionId] ?? "" };
  const { role } = input;
  const result = await recordGrade(db(), {
    mentor: me,
    submissionId: view.submission.id,
    role: role === "marker" || role === "second_marker" || role === "moderator" ? (role as GraderRole) : undefined,
    selections,
    comment: typed.comment,
    decision,
    seenVersion: input.seenVersion,
  });
  if (!result.ok) return json<ActionResult>({ intent: "grade", ok: false, problem: result.problem, errors: result.errors ?? {}, typed }, { status: problemStatus[result.problem] });
  return json<ActionResult>({ intent: "grade", ok: true, final: result.final, needsModerator: result.needsModerator, status: result.status, total: result.total });
}

const dateTime = new Intl.DateTimeFormat("zh-CN", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Shanghai" });

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

export default function GradingPage() {
  const view = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const navigate = useNavigate();
  const busy = useNavigation().state === "submitting";
  const { submission, task, neighbours } = view;
  const typed = result?.intent === "grade" && !result.ok ? result.typed : null;
  const { levels, choose, total, chosen } = useRubricLevels(task.rubric, typed?.levels ?? view.prefill?.levels);
  const commentRef = useRef<HTMLTextAreaElement>(null);
  const rubricRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
      const key = event.key.toLowerCase();
      if (key === "j" && neighbours.next) navigate(`/mentor/submissions/${neighbours.next}`);
      else if (key === "k" && neighbours.previous) navigate(`/mentor/submissions/${neighbours.previous}`);
      else if (key === "c" && commentRef.current) {
        event.preventDefault();
        commentRef.current.focus();
      } else if (key === "r" && rubricRef.current) {
        event.preventDefault();
        rubricRef.current.querySelector<HTMLInputElement>("input[type=radio]")?.focus();
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [navigate, neighbours.next, neighbours.previous]);

  // Digits pick a level of the criterion whose radio group has focus (1 = first level listed).
  function onRubricKey(event: ReactKeyboardEvent<HTMLDivElement>) {
    const target = event.target;
    if (!(target instanceof HTMLInputElement) || target.type !== "radio" || !/^[1-9]$/.test(event.key)) return;
    const criterionId = target.name.slice(6);
    const criterion = task.rubric.criteria.find((c) => c.id === criterionId);
    const level = criterion?.levels[Number(event.key) - 1];
    if (!criterion || !level) return;
    event.preventDefault();
    choose(criterion.id, level.label);
    document.getElementById(`level-${criterion.id}-${Number(event.key) - 1}`)?.focus();
  }

  const gradeError = result?.intent === "grade" && !result.ok ? result : null;
  return (
    <article className="stack">
      <nav className="breadcrumbs" aria-label="breadcrumb">
        <Link to="/mentor">{t("grading.queue.title")}</Link>
      </nav>
      <div className="page-header">
        <h1>{task.title}</h1>
        <span className="badge status-badge">{t(`sub.status.${submission.status}` as MessageKey)}</span>
      </div>
      <p className="muted">
        {t("grading.view.meta", {
          trainee: submission.traineeName,
          submitted: submission.submittedAt ? dateTime.format(new Date(submission.submittedAt)) : "—",
          round: submission.round,
          version: submission.taskVersion,
        })}
        {task.doubleMarking ? <span className="badge">{t("grading.doubleMarking")}</span> : null}
        <span className="badge">{t(`grading.role.${view.role}`)}</span>
        {view.needsModerator ? <span className="badge warn">{t("grading.badge.needsModerator")}</span> : null}
      </p>
      <nav className="actions" aria-label={t("grading.view.neighbours")}>
        {neighbours.previous ? (
          <Link className="button secondary" to={`/mentor/submissions/${neighbours.previous}`} rel="prev">
            {t("grading.view.previous")}
          </Link>
        ) : null}
        {neighbours.next ? (
          <Link className="button secondary" to={`/mentor/submissions/${neighbours.next}`} rel="next">
            {t("grading.view.next")}
          </Link>
        ) : null}
        <details className="keyboard-hints">
          <summary>{t("grading.keys.title")}</summary>
          <ul>
            <li>{t("grading.keys.next")}</li>
            <li>{t("grading.keys.previous")}</li>
            <li>{t("grading.keys.rubric")}</li>
            <li>{t("grading.keys.levels")}</li>
            <li>{t("grading.keys.comment")}</li>
          </ul>
        </details>
      </nav>

      {result?.intent === "grade" && result.ok ? (
        <FormMessage kind="success">
          {result.final
            ? t("grading.done.final", { status: t(`sub.status.${result.status}` as MessageKey) })
            : result.needsModerator
              ? t("grading.done.needsModerator")
              : t("grading.done.provisional")}{" "}
          {neighbours.next ? <Link to={`/mentor/submissions/${neighbours.next}`}>{t("grading.view.next")}</Link> : <Link to="/mentor">{t("grading.done.backToQueue")}</Link>}
        </FormMessage>
      ) : null}
      {gradeError ? (
        <FormMessage kind="error">
          {t(`grading.problem.${gradeError.problem}` as MessageKey)}
          {Object.keys(gradeError.errors).length ? (
            <ul className="problem-list">
              {Object.entries(gradeError.errors).map(([criterionId, problem]) => (
                <li key={criterionId}>
                  {task.rubric.criteria.find((c) => c.id === criterionId)?.title ?? criterionId}：{t(`grading.selection.${problem}`)}
                </li>
              ))}
            </ul>
          ) : null}
        </FormMessage>
      ) : null}
      {view.waitingFor ? <FormMessage kind="info">{t(`grading.waiting.${view.waitingFor}`)}</FormMessage> : null}

      {view.changes ? <ResubmissionChangesCard changes={view.changes} round={submission.round} prefilled={Boolean(view.prefill)} /> : null}

      <div className="grid two">
        <section className="card" aria-labelledby="evidence-title">
          <h2 id="evidence-title" className="card-title">
            {t("grading.evidence.title")}
          </h2>
          <SubmittedWork work={submission} />
          <h3>{t("grading.evidence.files")}</h3>
          {view.evidence.length === 0 ? (
            <p className="muted">{t("grading.evidence.none")}</p>
          ) : (
            <ul className="checks" style={{ listStyle: "none", padding: 0 }}>
              {view.evidence.map((file) => (
                <li key={file.id}>
                  {file.mimeType.startsWith("image/") ? (
                    <a href={`/files/${file.id}`} target="_blank" rel="noreferrer" title={t("grading.evidence.zoom")}>
                      <img
                        src={`/files/${file.id}${file.hasThumbnail ? "?thumb=1" : ""}`}
                        alt={`${t(`grading.evidence.kind.${file.kind}`)}：${file.name}`}
                        loading="lazy"
                        style={{ maxWidth: "100%", width: "160px", height: "auto", borderRadius: "6px" }}
                      />
                    </a>
                  ) : (
                    <a href={`/files/${file.id}`} target="_blank" rel="noreferrer">
                      {t("grading.evidence.openPdf", { name: file.name })}
                    </a>
                  )}
                  <br />
                  <span className="muted">{t(`grading.evidence.kind.${file.kind}`)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="card" aria-labelledby="rubric-title">
          <h2 id="rubric-title" className="card-title">
            {t("grading.rubric.title", { version: submission.taskVersion })}
          </h2>
          {view.canGrade ? (
            <Form method="post" key={submission.id}>
              <input type="hidden" name="intent" value="grade" />
              <input type="hidden" name="seenVersion" value={submission.seenVersion} />
              <input type="hidden" name="role" value={view.role} />
              <div ref={rubricRef} onKeyDown={onRubricKey}>
                {task.rubric.criteria.map((criterion) => (
                  <RubricCriterion
                    key={criterion.id}
                    criterion={criterion}
                    chosen={levels[criterion.id]}
                    onChoose={(level) => choose(criterion.id, level)}
                    problem={gradeError?.errors[criterion.id]}
                  >
                    <label htmlFor={`comment-${criterion.id}`}>{t("grading.rubric.criterionComment")}</label>
                    <textarea id={`comment-${criterion.id}`} name={`comment.${criterion.id}`} rows={2} defaultValue={typed?.comments[criterion.id] ?? view.prefill?.comments[criterion.id] ?? ""} style={{ minHeight: "3.5rem" }} />
                  </RubricCriterion>
                ))}
              </div>
              <p className="lead" aria-live="polite" style={{ position: "sticky", bottom: 0, background: "#fff", padding: ".5rem 0", margin: 0 }}>
                {t("grading.rubric.total", { total, chosen, count: task.rubric.criteria.length, passMark: task.passMark })}
              </p>
              <div className="field">
                <label htmlFor="comment">{t("grading.comment")}</label>
                <p id="comment-hint" className="hint">
                  {t("grading.comment.hint")}
                </p>
                <textarea id="comment" name="comment" ref={commentRef} aria-describedby="comment-hint" defaultValue={typed?.comment ?? ""} />
              </div>
              <div className="actions">
                <button type="submit" name="decision" value="pass" className="button" disabled={busy}>
                  {t("grading.decision.pass")}
                </button>
                <button type="submit" name="decision" value="return" className="button secondary" disabled={busy}>
                  {t("grading.decision.return")}
                </button>
                <button type="submit" name="decision" value="not_pass" className="button danger" disabled={busy}>
                  {t("grading.decision.not_pass")}
                </button>
              </div>
            </Form>
          ) : (
            <details open={!view.grades.length}>
              <summary>{t("task.rubric")}</summary>
              <ul className="levels">
                {task.rubric.criteria.map((c) => (
                  <li key={c.id}>
                    <strong>{c.title}</strong>：{c.levels.map((l) => t("grading.rubric.level", { label: l.label, points: l.points })).join("／")}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </section>
      </div>

      <section className="card" aria-labelledby="grades-title">
        <h2 id="grades-title" className="card-title">
          {t("grading.grades.title")}
        </h2>
        {view.grades.length === 0 ? (
          <p className="muted">{t(task.doubleMarking && !view.isAdmin && view.role !== "moderator" ? "grading.grades.blind" : "grading.grades.none")}</p>
        ) : (
          view.grades.map((g) => (
            <article key={g.id} className="stack" aria-label={t("grading.grades.by", { name: g.mentorName })}>
              <h3>
                {t("grading.grades.heading", { name: g.mentorName, round: g.round, total: g.total })}{" "}
                <span className="badge">{t(`grading.role.${g.role}`)}</span>
                <span className="badge">{t(`grading.decision.${g.decision}`)}</span>
                <span className="badge">{t("grading.grades.version", { version: g.taskVersion })}</span>
              </h3>
              <ul className="levels">
                {g.criteria.map((c) => (
                  <li key={c.criterionId}>
                    {task.rubric.criteria.find((r) => r.id === c.criterionId)?.title ?? c.criterionId}：{t("grading.rubric.level", { label: c.level, points: c.points })}
                    {c.comment ? <span className="muted"> — {c.comment}</span> : null}
                  </li>
                ))}
              </ul>
              {g.comment ? <blockquote className="feedback">{g.comment}</blockquote> : null}
            </article>
          ))
        )}
      </section>

      {submission.status === "passed" ? (
        <section className="card" aria-labelledby="showcase-title">
          <h2 id="showcase-title" className="card-title">
            {t("grading.showcase.title")}
          </h2>
          {result?.intent === "nominate" && result.ok ? <FormMessage kind="success">{t("grading.showcase.done")}</FormMessage> : null}
          {result?.intent === "nominate" && !result.ok ? <FormMessage kind="error">{t(`grading.showcase.problem.${result.problem}`)}</FormMessage> : null}
          {view.showcaseStatus ? (
            // Just nominated: the success message above already says so, once.
            result?.intent === "nominate" && result.ok ? null : <p>{t(`grading.showcase.status.${view.showcaseStatus}`)}</p>
          ) : !submission.showcaseConsent ? (
            <p className="muted">{t("grading.showcase.noConsent")}</p>
          ) : view.canNominate ? (
            <Form method="post">
              <input type="hidden" name="intent" value="nominate" />
              <div className="field">
                <label htmlFor="reason">{t("grading.showcase.reason")}</label>
                <textarea id="reason" name="reason" maxLength={500} defaultValue={result?.intent === "nominate" && !result.ok ? result.reason : ""} style={{ minHeight: "4rem" }} />
              </div>
              <button type="submit" className="button secondary" disabled={busy}>
                {t("grading.showcase.nominate")}
              </button>
            </Form>
          ) : null}
        </section>
      ) : null}

      <SubmissionHistory events={view.events} />
    </article>
  );
}

/** Round 2 and later: what the trainee changed since the round before, first thing on the page. */
function ResubmissionChangesCard({ changes, round, prefilled }: { changes: ResubmissionChanges | "unknown"; round: number; prefilled: boolean }) {
  const t = useT();
  const fieldLabel = (field: SnapshotField): string => t(`grading.changes.field.${field}`);
  return (
    <section className="card" aria-labelledby="changes-title">
      <h2 id="changes-title" className="card-title">
        {t("grading.changes.title", { round, previous: round - 1 })}
      </h2>
      {prefilled ? <p className="hint">{t("grading.changes.prefilled")}</p> : null}
      {changes === "unknown" ? (
        <p className="muted">{t("grading.changes.unknown")}</p>
      ) : !hasChanges(changes) ? (
        <p>{t("grading.changes.none")}</p>
      ) : (
        <>
          {changes.fields.map((c) => (
            <div key={c.field} className="change">
              <h3>{fieldLabel(c.field)}</h3>
              <div className="change-pair">
                <div>
                  <p className="muted">{t("grading.changes.before")}</p>
                  <del className="prose" style={{ whiteSpace: "pre-wrap" }}>{c.before ?? t("grading.changes.empty")}</del>
                </div>
                <div>
                  <p className="muted">{t("grading.changes.after")}</p>
                  <ins className="prose" style={{ whiteSpace: "pre-wrap" }}>{c.after ?? t("grading.changes.empty")}</ins>
                </div>
              </div>
            </div>
          ))}
          {changes.evidenceAdded.length || changes.evidenceRemoved.length ? (
            <>
              <h3>{t("grading.changes.evidence")}</h3>
              <ul>
                {changes.evidenceAdded.map((f, k) => (
                  <li key={`a${k}`}>{t("grading.changes.added", { kind: t(`grading.evidence.kind.${f.kind}` as MessageKey), name: f.name })}</li>
                ))}
                {changes.evidenceRemoved.map((f, k) => (
                  <li key={`r${k}`}>{t("grading.changes.removed", { kind: t(`grading.evidence.kind.${f.kind}` as MessageKey), name: f.name })}</li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      )}
    </section>
  );
}
