import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { FilterSelect, SelectField } from "~/components/filter-select";
import { MentorStats } from "~/components/mentor-stats";
import { KeysetPagination } from "~/components/pagination";
import { tierIds } from "~/catalog/ids";
import { db } from "~/db.server";
import { mentorFigures } from "~/domain/calibration";
import { queueCountedStatuses } from "~/domain/grading";
import { graderOf, requirePermission } from "~/guards.server";
import { queueScopeOf } from "~/services/grading.server";
import { useT, type MessageKey } from "~/i18n";
import { anchorsToPractise, mentorFigureInputs } from "~/models/calibration.server";
import { isQueueStatusFilter, mentorQueue, queueKey, queueTaskOptions, type QueueFilters } from "~/models/grades.server";
import { requirePageRequest } from "~/models/keyset.server";
import { figureText } from "~/domain/attention";
import type { TierColumn } from "../../db/schema";

export const meta: MetaFunction = () => [{ title: "导师工作台 · 百城学堂" }];
const pageSize = 50;
const ageOptions = [3, 7, 14, 30] as const;
const statusOptions = ["open", "moderation", "submitted", "resubmitted", "in_review", "returned", "passed", "not_passed", "all"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requirePermission(request, context, "grade");
  const url = new URL(request.url);
  const param = (k: string) => url.searchParams.get(k)?.trim() ?? "";
  const track = param("track");
  const tier = param("tier");
  const status = param("status");
  const age = Number.parseInt(param("age"), 10);
  const scope = queueScopeOf(graderOf(me));
  const filters: QueueFilters = {
    track: track === "campus" || track === "community" ? track : undefined,
    tier: (tierIds as readonly string[]).includes(tier) ? (tier as TierColumn) : undefined,
    taskId: param("task").slice(0, 200) || undefined,
    status: isQueueStatusFilter(status) ? status : "open",
    olderThanDays: (ageOptions as readonly number[]).includes(age) ? age : undefined,
  };
  const page = requirePageRequest(url, queueKey, { size: pageSize });
  const [queue, tasks, figureInputs, anchorsWaiting] = await Promise.all([
    mentorQueue(db(), scope, filters, page),
    queueTaskOptions(db(), scope),
    mentorFigureInputs(db(), me.id),
    anchorsToPractise(db(), me.id),
  ]);
  return json({
    rows: queue.rows.map((r) => ({
      id: r.id,
      taskTitle: r.task_title,
      taskVersion: r.task_version,
      track: r.track,
      tier: r.tier,
      type: r.type,
      status: r.status,
      score: r.score,
      submittedAt: r.submitted_at?.toISOString() ?? null,
      traineeName: r.trainee_name,
      resubmitted: r.attempts_used > 1,
      doubleMarking: r.double_marking,
      provisionalGrades: r.provisional_grades ?? 0,
      myRole: r.my_role,
      gradedByMe: r.graded_by_me,
      needsModerator: r.double_marking && r.status === "in_review" && (r.provisional_grades ?? 0) >= 2,
    })),
    total: queue.total,
    counts: queue.counts,
    next: queue.next,
    prev: queue.prev,
    isAdmin: me.roles.includes("admin"),
    tasks: tasks.map((t) => ({ id: t.task_id, title: t.title })),
    figures: mentorFigures(figureInputs[0] ?? { anchorPairs: [], coMarkerPairs: [], openLoad: 0, turnaroundHours: [] }),
    anchorsWaiting: anchorsWaiting.length,
    query: { track, tier, task: param("task"), status: filters.status, age: filters.olderThanDays ? String(filters.olderThanDays) : "" },
  });
}

const dateTime = new Intl.DateTimeFormat("zh-CN", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Shanghai" });

function ageInDays(iso: string | null): number | null {
  return iso ? Math.floor((Date.now() - new Date(iso).getTime()) / 86_400_000) : null;
}

export default function MentorQueue() {
  const { rows, total, counts, next, prev, isAdmin, tasks, query, figures, anchorsWaiting } = useLoaderData<typeof loader>();
  const t = useT();
  const navigation = useNavigation();
  const statusLink = (status: string) => {
    const params = new URLSearchParams({ ...(query.track && { track: query.track }), ...(query.tier && { tier: query.tier }), ...(query.task && { task: query.task }), ...(query.age && { age: query.age }), status });
    return `/mentor?${params}`;
  };
  return (
    <>
      <div className="page-header">
        <h1>{t("grading.queue.title")}</h1>
      </div>
      <p className="lead">{t(isAdmin ? "grading.queue.leadAdmin" : "grading.queue.lead")}</p>
      {anchorsWaiting > 0 ? (
        <p className="form-message info" role="status">
          {t("calibration.notice", { count: anchorsWaiting })} <Link to="/mentor/calibration">{t("calibration.notice.link")}</Link>
        </p>
      ) : (
        <p>
          <Link to="/mentor/calibration">{t("calibration.always.link")}</Link>
        </p>
      )}
      <MentorStats figures={figures} />
      <nav aria-label={t("grading.queue.counts")} className="chips">
        {queueCountedStatuses.map((s) => (
          <Link key={s} to={statusLink(s)} className={`chip${query.status === s ? " active" : ""}`} aria-current={query.status === s ? "page" : undefined}>
            {t(`sub.status.${s}` as MessageKey)} {figureText(counts[s] ?? 0)}
          </Link>
        ))}
      </nav>
      <Form method="get" className="toolbar card" role="search" aria-label={t("grading.queue.filters")}>
        <SelectField
          name="status"
          id="status"
          label={t("grading.filter.status")}
          value={query.status}
          options={statusOptions.map((s) => ({ value: s, label: t(`grading.filter.status.${s}` as MessageKey) }))}
        />
        <FilterSelect
          name="track"
          label={t("grading.filter.track")}
          value={query.track}
          options={[
            { value: "campus", label: t("track.campus") },
            { value: "community", label: t("track.community") },
          ]}
        />
        <FilterSelect name="tier" label={t("grading.filter.tier")} value={query.tier} options={tierIds.map((tier) => ({ value: tier, label: t(`grading.tier.${tier}`) }))} />
        <FilterSelect name="task" label={t("grading.filter.task")} value={query.task} options={tasks.map((task) => ({ value: task.id, label: task.title }))} />
        <FilterSelect name="age" label={t("grading.filter.age")} value={query.age} options={ageOptions.map((days) => ({ value: String(days), label: t("grading.filter.age.days", { days }) }))} />
        <button type="submit" className="button" aria-busy={navigation.state === "loading"}>
          {t("grading.filter.apply")}
        </button>
      </Form>
      <p className="muted" aria-live="polite">
        {t("grading.queue.total", { total: figureText(total) })}
      </p>
      <DataTable
        rows={rows}
        rowKey={(r) => r.id}
        caption={t("grading.queue.caption")}
        empty={t("grading.queue.empty")}
        columns={[
          {
            label: t("grading.col.task"),
            cell: (r) => (
              <>
                {r.taskTitle}{" "}
                <span className="badge">
                  {t(`track.${r.track}`)} · {t(`grading.tier.${r.tier}`)}
                </span>
                {r.doubleMarking ? <span className="badge">{t("grading.doubleMarking")}</span> : null}
              </>
            ),
          },
          { label: t("grading.col.trainee"), cell: (r) => r.traineeName },
          {
            label: t("grading.col.submitted"),
            cell: (r) => {
              const days = ageInDays(r.submittedAt);
              return (
                <>
                  {r.submittedAt ? dateTime.format(new Date(r.submittedAt)) : "—"}
                  {days !== null ? <span className="muted"> · {t("grading.queue.days", { days })}</span> : null}
                </>
              );
            },
          },
          {
            label: t("grading.col.status"),
            cell: (r) => (
              <>
                <span className="badge status-badge">{t(`sub.status.${r.status}` as MessageKey)}</span>
                {r.resubmitted ? <span className="badge warn">{t("grading.badge.resubmitted")}</span> : null}
                {r.needsModerator ? <span className="badge warn">{t("grading.badge.needsModerator")}</span> : null}
                {r.gradedByMe && !r.needsModerator && (r.status === "in_review") ? <span className="badge">{t("grading.badge.gradedByMe")}</span> : null}
                {r.score !== null ? <span className="muted"> {t("sub.score", { score: r.score })}</span> : null}
              </>
            ),
          },
          {
            label: t("grading.col.action"),
            cell: (r) => (
              <Link to={`/mentor/submissions/${r.id}`} className="button secondary">
                {r.status === "submitted" || r.status === "resubmitted" || (r.status === "in_review" && !r.gradedByMe) ? t("grading.queue.grade") : t("grading.queue.view")}
              </Link>
            ),
          },
        ]}
      />
      <KeysetPagination next={next} prev={prev} />
    </>
  );
}
