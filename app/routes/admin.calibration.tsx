import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { FormMessage } from "~/components/form";
import { db } from "~/db.server";
import { calibrationAnchorForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { mentorFigures, percent } from "~/domain/calibration";
import { doubleMarkingTolerance } from "~/domain/grading";
import { inReach, listingPrefix } from "~/domain/reach";
import { auditRefusal, requireReach } from "~/guards.server";
import { submissionPath } from "~/models/placement.server";
import { useT, type MessageKey } from "~/i18n";
import { listAnchorCandidates, listAnchors, markAnchor, mentorFigureInputs, turnaroundWindowDays, type MarkAnchorProblem } from "~/models/calibration.server";

export const meta: MetaFunction = () => [{ title: "评分校准与导师看板 · 管理后台 · 百城学堂" }];

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "assignments.manage");
  const region = listingPrefix(me.reach);
  const [inputs, anchors, candidates] = await Promise.all([
    mentorFigureInputs(db(), undefined, region),
    listAnchors(db(), region),
    listAnchorCandidates(db(), 30, region),
  ]);
  return json({
    mentors: inputs.map((m) => ({ id: m.mentorId, name: m.name, ...mentorFigures(m) })),
    anchors: anchors.map((a) => ({ id: a.submission_id, taskTitle: a.task_title, status: a.status, referenceTotal: a.reference_total, practiceCount: a.practice_count ?? 0 })),
    candidates: candidates.map((c) => ({ id: c.id, taskTitle: c.task_title, status: c.status, score: c.score })),
    windowDays: turnaroundWindowDays,
  });
}

type ActionResult = { ok: true; referenceTotal: number } | { ok: false; problem: MarkAnchorProblem };

export async function action({ request, context }: ActionFunctionArgs) {
  const me = requireReach(request, context, "assignments.manage");
  const { submissionId } = fieldsOf(await readForm(request), calibrationAnchorForm);
  if (!uuid.test(submissionId)) return json<ActionResult>({ ok: false, problem: "notFound" }, { status: 404 });
  const placed = await submissionPath(db(), submissionId);
  if (placed && !inReach(me.reach, placed.orgPath)) {
    await auditRefusal(context, { attempted: "calibration.markAnchor", targetType: "submission", targetId: submissionId });
    return json<ActionResult>({ ok: false, problem: "notFound" }, { status: 404 });
  }
  const result = await markAnchor(db(), { submissionId, adminId: me.id });
  if (!result.ok) return json<ActionResult>(result, { status: result.problem === "notFound" ? 404 : result.problem === "alreadyAnchor" ? 409 : 400 });
  return json<ActionResult>(result);
}

export default function AdminCalibration() {
  const { mentors, anchors, candidates, windowDays } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const t = useT();
  const none = t("calibration.none");
  const share = (value: number | null) => (value === null ? none : t("calibration.percent", { percent: percent(value) }));
  return (
    <>
      <nav className="breadcrumbs" aria-label="breadcrumb">
        <Link to="/admin">{t("admin.title")}</Link>
      </nav>
      <div className="page-header">
        <h1>{t("calibration.admin.title")}</h1>
      </div>
      <p className="lead">{t("calibration.admin.lead")}</p>
      {result?.ok ? <FormMessage kind="success">{t("calibration.admin.marked", { total: result.referenceTotal })}</FormMessage> : null}
      {result && !result.ok ? <FormMessage kind="error">{t(`calibration.admin.problem.${result.problem}` as MessageKey)}</FormMessage> : null}

      <section aria-labelledby="figures-title">
        <h2 id="figures-title">{t("calibration.admin.figures")}</h2>
        <p className="muted">{t("calibration.admin.tolerance", { tolerance: doubleMarkingTolerance, days: windowDays })}</p>
        <DataTable
          rows={mentors}
          rowKey={(m) => m.id}
          caption={t("calibration.admin.figures")}
          empty={t("calibration.admin.noMentors")}
          columns={[
            { label: t("calibration.col.mentor"), rowHeader: true, cell: (m) => m.name },
            { label: t("calibration.col.anchorsGraded"), cell: (m) => m.anchorsGraded },
            {
              label: t("calibration.col.meanDifference"),
              cell: (m) => (m.anchorMeanDifference === null ? none : t("calibration.points", { points: Math.round(m.anchorMeanDifference * 10) / 10 })),
            },
            { label: t("calibration.col.anchorAgreement"), cell: (m) => share(m.anchorAgreement) },
            { label: t("calibration.col.coMarked"), cell: (m) => m.coMarkedPairs },
            { label: t("calibration.col.coAgreement"), cell: (m) => share(m.coMarkerAgreement) },
            { label: t("calibration.col.openLoad"), cell: (m) => m.openLoad },
            {
              label: t("calibration.col.turnaround"),
              cell: (m) => (m.medianTurnaroundHours === null ? none : t("calibration.hours", { hours: Math.round(m.medianTurnaroundHours * 10) / 10 })),
            },
          ]}
        />
      </section>

      <section aria-labelledby="anchors-title">
        <h2 id="anchors-title">{t("calibration.admin.anchors")}</h2>
        <DataTable
          rows={anchors}
          rowKey={(a) => a.id}
          caption={t("calibration.admin.anchors")}
          empty={t("calibration.admin.noAnchors")}
          columns={[
            { label: t("calibration.col.task"), cell: (a) => <Link to={`/mentor/submissions/${a.id}`}>{a.taskTitle}</Link> },
            { label: t("calibration.col.status"), cell: (a) => t(`sub.status.${a.status}` as MessageKey) },
            { label: t("calibration.col.reference"), cell: (a) => t("calibration.points", { points: a.referenceTotal }) },
            { label: t("calibration.col.practised"), cell: (a) => a.practiceCount },
          ]}
        />
      </section>

      <section aria-labelledby="candidates-title">
        <h2 id="candidates-title">{t("calibration.admin.candidates")}</h2>
        <DataTable
          rows={candidates}
          rowKey={(c) => c.id}
          caption={t("calibration.admin.candidates")}
          empty={t("calibration.admin.noCandidates")}
          columns={[
            { label: t("calibration.col.task"), cell: (c) => <Link to={`/mentor/submissions/${c.id}`}>{c.taskTitle}</Link> },
            { label: t("calibration.col.status"), cell: (c) => t(`sub.status.${c.status}` as MessageKey) },
            { label: t("calibration.col.score"), cell: (c) => (c.score === null ? none : t("calibration.points", { points: c.score })) },
            {
              label: t("calibration.col.action"),
              cell: (c) => (
                <Form method="post">
                  <input type="hidden" name="submissionId" value={c.id} />
                  <button type="submit" className="button secondary" disabled={busy} aria-label={`${t("calibration.admin.mark")}：${c.taskTitle}`}>
                    {t("calibration.admin.mark")}
                  </button>
                </Form>
              ),
            },
          ]}
        />
      </section>
    </>
  );
}
