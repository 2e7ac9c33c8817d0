import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { taskSchema } from "~/catalog/schema";
import { DataTable } from "~/components/data-table";
import { FormMessage } from "~/components/form";
import { db } from "~/db.server";
import { practiceGradeForm } from "~/form-schemas.server";
import { fieldsOf, prefixed, readForm } from "~/forms.server";
import { doubleMarkingTolerance, type SelectionProblem, type Selections } from "~/domain/grading";
import { notFound, requirePermission } from "~/guards.server";
import { RubricCriterion, useRubricLevels } from "~/components/rubric-criterion";
import { SubmittedWork } from "~/components/submitted-work";
import { useT, type MessageKey } from "~/i18n";
import { anchorEvidence, anchorsToPractise, findPracticeAnchor, hasGradedForReal, listMyPracticeResults, recordPracticeGrade, type PracticeProblem } from "~/models/calibration.server";

export const meta: MetaFunction = () => [{ title: "评分校准练习 · 导师工作台 · 百城学堂" }];

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function practiceAnchor(anchorId: string, mentorId: string) {
  if (!uuid.test(anchorId)) throw notFound();
  const anchor = await findPracticeAnchor(db(), anchorId, mentorId);
  if (!anchor) throw notFound();
  const task = taskSchema.parse(anchor.definition);
  if (task.type === "quiz") throw notFound();
  // Someone who graded it for real would only be repeating their own mark.
  if (await hasGradedForReal(db(), anchor.submission_id, mentorId)) throw notFound();
  return {
    id: anchor.submission_id,
    title: anchor.task_title,
    taskVersion: anchor.task_version,
    type: anchor.type,
    body: anchor.body,
    activityTitle: anchor.activity_title,
    audienceType: anchor.audience_type,
    peopleReached: anchor.people_reached,
    durationMinutes: anchor.duration_minutes,
    rubric: task.rubric,
    // The rubric grades the photos and the sign-in sheet too, so the sample shows them.
    evidence: (await anchorEvidence(db(), anchor.submission_id)).map((f) => ({ id: f.id, kind: f.kind, name: f.original_name, isImage: f.mime_type.startsWith("image/"), thumbnail: f.thumbnail_key !== null })),
  };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requirePermission(request, context, "grade");
  const anchorId = new URL(request.url).searchParams.get("anchor");
  const [todo, results] = await Promise.all([anchorsToPractise(db(), me.id), listMyPracticeResults(db(), me.id)]);
  const selected = anchorId ? await practiceAnchor(anchorId, me.id) : null;
  return json({
    todo: todo.map((a) => ({ id: a.submission_id, title: a.task_title, track: a.track, tier: a.tier })),
    results: results.map((r) => ({ id: r.anchor_submission_id, title: r.task_title, total: r.total, referenceTotal: r.reference_total })),
    selected,
    selectedPractised: selected ? results.some((r) => r.anchor_submission_id === selected.id) : false,
  });
}

type ActionResult =
  | { ok: true; total: number; referenceTotal: number }
  | { ok: false; problem: PracticeProblem; errors: Record<string, SelectionProblem>; levels: Record<string, string> };

export async function action({ request, context }: ActionFunctionArgs) {
  const me = requirePermission(request, context, "grade");
  const input = fieldsOf(await readForm(request), practiceGradeForm);
  const { anchorId } = input;
  const levels = prefixed(input, "level.");
  if (!uuid.test(anchorId)) return json<ActionResult>({ ok: false, problem: "notFound", errors: {}, levels }, { status: 404 });
  const selections: Selections = Object.fromEntries(Object.entries(levels).map(([id, level]) => [id, { level }]));
  const result = await recordPracticeGrade(db(), { mentorId: me.id, anchorSubmissionId: anchorId, selections });
  if (!result.ok) {
    const status = result.problem === "notFound" ? 404 : result.problem === "invalidSelections" ? 400 : 409;
    return json<ActionResult>({ ok: false, problem: result.problem, errors: result.errors ?? {}, levels }, { status });
  }
  return json<ActionResult>(result);
}

export default function CalibrationPractice() {
  const { todo, results, selected, selectedPractised } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const t = useT();
  const failed = result && !result.ok ? result : null;
  const { levels, choose, total, chosen } = useRubricLevels(selected?.rubric ?? null, failed?.levels);
  return (
    <article className="stack">
      <nav className="breadcrumbs" aria-label="breadcrumb">
        <Link to="/mentor">{t("grading.queue.title")}</Link>
      </nav>
      <div className="page-header">
        <h1>{t("calibration.mentor.title")}</h1>
      </div>
      <p className="lead">{t("calibration.mentor.lead")}</p>

      {result?.ok ? (
        <FormMessage kind="success">
          {t("calibration.mentor.saved", { total: result.total, reference: result.referenceTotal, difference: Math.abs(result.total - result.referenceTotal) })}{" "}
          {t(Math.abs(result.total - result.referenceTotal) <= doubleMarkingTolerance ? "calibration.mentor.withinTolerance" : "calibration.mentor.outsideTolerance", { tolerance: doubleMarkingTolerance })}{" "}
          <Link to="/mentor/calibration">{t("calibration.mentor.back")}</Link>
        </FormMessage>
      ) : null}
      {failed ? <FormMessage kind="error">{t(`calibration.problem.${failed.problem}` as MessageKey)}</FormMessage> : null}

      {selected && !selectedPractised ? (
        <div className="grid two">
          <section className="card" aria-labelledby="work-title">
            <h2 id="work-title" className="card-title">
              {t("calibration.mentor.work")}
            </h2>
            <SubmittedWork work={selected} />
            <h3>{t("grading.evidence.files")}</h3>
            {selected.evidence.length === 0 ? (
              <p className="muted">{t("grading.evidence.none")}</p>
            ) : (
              <ul className="photo-grid">
                {selected.evidence.map((file) => (
                  <li key={file.id}>
                    <a href={`/files/${file.id}`} target="_blank" rel="noreferrer">
                      {file.isImage ? (
                        <img src={`/files/${file.id}${file.thumbnail ? "?thumb=1" : ""}`} alt={`${t(`grading.evidence.kind.${file.kind}` as MessageKey)}：${file.name}`} width={120} height={120} loading="lazy" />
                      ) : (
                        t("grading.evidence.openPdf", { name: file.name })
                      )}
                    </a>
                    <span className="muted">{t(`grading.evidence.kind.${file.kind}` as MessageKey)}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="card" aria-labelledby="practice-title">
            <h2 id="practice-title" className="card-title">
              {t("calibration.mentor.form", { title: selected.title })}
            </h2>
            <Form method="post" key={selected.id}>
              <input type="hidden" name="anchorId" value={selected.id} />
              {selected.rubric.criteria.map((criterion) => (
                <RubricCriterion
                  key={criterion.id}
                  criterion={criterion}
                  chosen={levels[criterion.id]}
                  onChoose={(level) => choose(criterion.id, level)}
                  problem={failed?.errors[criterion.id]}
                />
              ))}
              <p className="lead" aria-live="polite">
                {t("calibration.mentor.total", { total, chosen, count: selected.rubric.criteria.length })}
              </p>
              <button type="submit" className="button" disabled={busy}>
                {t("calibration.mentor.save")}
              </button>
            </Form>
          </section>
        </div>
      ) : null}

      <section className="card" aria-labelledby="todo-title">
        <h2 id="todo-title" className="card-title">
          {t("calibration.mentor.todo")}
        </h2>
        {todo.length === 0 ? (
          <p className="muted">{t("calibration.mentor.noTodo")}</p>
        ) : (
          <ul>
            {todo.map((a) => (
              <li key={a.id}>
                <Link to={`/mentor/calibration?anchor=${a.id}`} aria-current={selected?.id === a.id ? "page" : undefined}>
                  {t("calibration.mentor.practise")}：{a.title}
                </Link>{" "}
                <span className="badge">
                  {t(`track.${a.track}`)} · {t(`grading.tier.${a.tier}`)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      {results.length ? (
        <section aria-labelledby="results-title">
          <h2 id="results-title">{t("calibration.mentor.results")}</h2>
          <DataTable
            rows={results}
            rowKey={(r) => r.id}
            caption={t("calibration.mentor.results")}
            columns={[
              { label: t("calibration.col.task"), cell: (r) => r.title },
              { label: t("calibration.col.myTotal"), cell: (r) => r.total },
              { label: t("calibration.col.reference"), cell: (r) => r.referenceTotal },
              { label: t("calibration.col.difference"), cell: (r) => r.total - r.referenceTotal },
            ]}
          />
        </section>
      ) : null}
    </article>
  );
}
