import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { findTask } from "~/catalog/learner.server";
import { ActiveFilter } from "~/components/active-filter";
import { DataTable } from "~/components/data-table";
import { FilterSelect } from "~/components/filter-select";
import { ChoiceField, FormMessage } from "~/components/form";
import { KeysetPagination } from "~/components/pagination";
import { figureText } from "~/domain/attention";
import { requirePageRequest } from "~/models/keyset.server";
import { db } from "~/db.server";
import { assignmentsForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { reassignProblem, type MarkingRole, type ReassignProblem } from "~/domain/routing";
import { inReach, isProgrammeWide, listingPrefix } from "~/domain/reach";
import { auditRefusal, requireReach } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { formatDateTime } from "~/i18n/dates";
import { assignmentOpenStatuses, countOpenWork, listAssignments, openWorkKey, lockSubmissionsForAssignment, mentorCandidates, reassignRole } from "~/models/assignments.server";
import { recordAudit } from "~/models/audit.server";
import { troubledOutboxJobs } from "~/models/outbox.server";
import { overdueWorkFilter } from "~/models/region-attention.server";
import { attentionThresholds } from "~/domain/attention";

export const meta: MetaFunction = () => [{ title: "导师分配 · 百城学堂" }];
const pageSize = 50;
const maxPerAction = 100;
const stuckAfterMinutes = 10;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Job ids and error messages are long unbroken strings: let them wrap on a phone.
const breakAnywhere = { overflowWrap: "anywhere" } as const;
const markingRoles = ["marker", "second_marker"] as const satisfies readonly MarkingRole[];

function formatTime(value: Date | string | null): string {
  return value ? formatDateTime(value) : "—";
}

function taskTitle(taskId: string, stored: string): string {
  return findTask(taskId)?.task.title ?? stored;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "assignments.manage");
  const url = new URL(request.url);
  const param = (k: string) => url.searchParams.get(k)?.trim() ?? "";
  // Read before any query starts: a bad cursor is refused with nothing left running.
  const page = requirePageRequest(url, openWorkKey, { size: pageSize });
  // The region's work and the mentors whose pools reach into it; nothing of other regions.
  const regionPath = listingPrefix(me.reach);
  // The page names mentors and their loads, not their pools. The work list waits for them only to check a
  // chosen mentor filter; otherwise both are read at once.
  const mentorsLoading = mentorCandidates(db(), { regionPath, pools: false });
  const track = param("track");
  const mentor = param("mentor") ? (await mentorsLoading).find((m) => m.mentorId === param("mentor")) : undefined;
  const overdue = param("overdue") === "1";
  const filters = {
    track: track === "campus" || track === "community" ? track : undefined,
    mentorId: mentor?.mentorId,
    unassignedOnly: param("unassigned") === "1",
    regionPath,
    // The home page's "waiting too long" figure: the same filter, so the list shows what it counted.
    submittedBefore: overdue ? overdueWorkFilter(me.reach, new Date()).submittedBefore : undefined,
  } as const;
  // Queue jobs carry every region's work: only programme admins see the stuck ones.
  const [mentors, { rows, next, prev }, total, jobs] = await Promise.all([
    mentorsLoading,
    listAssignments(db(), filters, page),
    countOpenWork(db(), filters),
    isProgrammeWide(me.reach) ? troubledOutboxJobs(db(), stuckAfterMinutes) : Promise.resolve([]),
  ]);
  return json({
    rows: rows.map((r) => ({
      id: r.id,
      traineeName: r.trainee_name,
      taskTitle: taskTitle(r.task_id, r.task_title),
      track: r.track,
      status: r.status,
      submittedAt: formatTime(r.submitted_at),
      doubleMarking: r.double_marking,
      mentors: r.mentors.map((m) => ({ id: m.mentor_id, name: m.mentor_name, role: m.role })),
    })),
    total,
    next,
    prev,
    mentors: mentors.map((m) => ({ id: m.mentorId, name: m.name, track: m.track, load: m.openLoad, signedUp: m.hasSignedUp })),
    jobs: jobs.map((j) => ({
      jobId: j.job_id,
      queue: j.queue,
      name: j.name,
      createdAt: formatTime(j.created_at),
      attempts: j.attempts,
      lastError: j.last_error,
    })),
    query: { track: filters.track ?? "", mentor: filters.mentorId ?? "", unassigned: filters.unassignedOnly, overdue },
  });
}

interface ActionResult {
  ok: boolean;
  message: MessageKey;
  params: Record<string, string | number>;
  /** On a refusal, what the administrator chose, so the form keeps it. */
  kept: { selected: string[]; mentorId: string; role: string } | null;
  /** When a reassignment succeeded: a fresh key clears the ticked boxes. */
  doneAt: string | null;
}

const problemMessages: Record<ReassignProblem, MessageKey> = {
  notOpen: "assignments.error.notOpen",
  ownWork: "assignments.error.ownWork",
  otherTrack: "assignments.error.otherTrack",
  notInPool: "assignments.error.notInPool",
  noSecondMarker: "assignments.error.noSecondMarker",
  holdsOtherRole: "assignments.error.holdsOtherRole",
};

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = requireReach(request, context, "assignments.manage");
  const input = fieldsOf(await readForm(request), assignmentsForm);
  const selected = [...new Set(input.submissionId.filter(Boolean))];
  const { mentorId, role } = input;
  const refuse = (message: MessageKey, params: Record<string, string | number> = {}, status = 400) =>
    json<ActionResult>({ ok: false, message, params, kept: { selected, mentorId, role }, doneAt: null }, { status });

  if (selected.length === 0) return refuse("assignments.error.noneSelected");
  if (selected.length > maxPerAction) return refuse("assignments.error.tooMany", { max: maxPerAction });
  if (!mentorId) return refuse("assignments.error.noMentor");
  if (!(markingRoles as readonly string[]).includes(role)) return refuse("assignments.error.role");
  if (!selected.every((id) => uuidPattern.test(id))) return refuse("assignments.error.notFound");
  const markingRole = role as MarkingRole;

  const outcome = await db()
    .transaction()
    .execute(async (trx): Promise<{ refused: MessageKey; params: Record<string, string>; outside?: string[] } | { changed: number }> => {
      const mentor = (await mentorCandidates(trx, { regionPath: listingPrefix(admin.reach) })).find((m) => m.mentorId === mentorId);
      if (!mentor) return { refused: "assignments.error.mentorInvalid", params: {} };
      if (!mentor.hasSignedUp) return { refused: "assignments.error.notSignedUp", params: { mentor: mentor.name } };
      const submissions = await lockSubmissionsForAssignment(trx, selected);
      if (submissions.length !== selected.length) return { refused: "assignments.error.notFound", params: {} };
      const outside = submissions.filter((s) => !inReach(admin.reach, s.trainee_path));
      if (outside.length) return { refused: "assignments.error.notFound", params: {}, outside: outside.map((s) => s.id) };
      // Check every row before writing any, so a refusal leaves nothing half-done.
      for (const s of submissions) {
        const problem = reassignProblem(
          {
            userId: s.user_id,
            track: s.track,
            orgPath: s.trainee_path,
            open: s.type !== "quiz" && (assignmentOpenStatuses as readonly string[]).includes(s.status),
            doubleMarking: s.double_marking,
            current: s.current.map((c) => ({ mentorId: c.mentor_id, role: c.role })),
          },
          { mentorId: mentor.mentorId, track: mentor.track, servedPaths: mentor.servedPaths },
          markingRole,
        );
        if (problem) {
          return { refused: problemMessages[problem], params: { mentor: mentor.name, trainee: s.trainee_name, task: taskTitle(s.task_id, s.task_title) } };
        }
      }
      let changed = 0;
      for (const s of submissions) {
        const result = await reassignRole(trx, { submissionId: s.id, mentorId: mentor.mentorId, role: markingRole, assignedBy: admin.id });
        if (!result.changed) continue;
        changed += 1;
        await recordAudit(trx, {
          actorId: admin.id,
          action: "assignments.reassigned",
          targetType: "submission",
          targetId: s.id,
          ip: context.ip,
          details: { mentorId: mentor.mentorId, role: markingRole, releasedMentorId: result.releasedMentorId },
        });
      }
      return { changed };
    });
  if ("refused" in outcome && outcome.outside) {
    await auditRefusal(context, { attempted: "assignments.reassign", details: { submissionIds: outcome.outside } });
    return refuse(outcome.refused, outcome.params, 404);
  }
  if ("refused" in outcome) return refuse(outcome.refused, outcome.params, 409);
  return json<ActionResult>(
    outcome.changed
      ? { ok: true, message: "assignments.done", params: { count: outcome.changed }, kept: null, doneAt: new Date().toISOString() }
      : { ok: true, message: "assignments.unchanged", params: {}, kept: null, doneAt: new Date().toISOString() },
  );
}

export default function AdminAssignments() {
  const { rows, total, next, prev, mentors, jobs, query } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const kept = result?.kept ?? null;
  const trackLabel = (track: string | null) => (track === "campus" || track === "community" ? t(`track.${track}`) : t("assignments.anyTrack"));
  return (
    <div className="stack">
      <div className="page-header">
        <h1>{t("assignments.title")}</h1>
      </div>
      <p className="muted">{t("assignments.lead")}</p>

      {query.overdue ? (
        <ActiveFilter
          label={t("assignments.filter.overdue", { days: attentionThresholds.waitingDays })}
          clearTo={`?${new URLSearchParams(Object.entries({ track: query.track, mentor: query.mentor, unassigned: query.unassigned ? "1" : "" }).filter(([, v]) => v))}`}
        />
      ) : null}
      <Form method="get" className="toolbar card" role="search">
        {query.overdue ? <input type="hidden" name="overdue" value="1" /> : null}
        <FilterSelect
          name="track"
          label={t("assignments.filter.track")}
          value={query.track}
          options={[
            { value: "campus", label: t("track.campus") },
            { value: "community", label: t("track.community") },
          ]}
        />
        <FilterSelect name="mentor" label={t("assignments.filter.mentor")} value={query.mentor} options={mentors.map((m) => ({ value: m.id, label: m.name }))} />
        <div className="field">
          <label className="check">
            <input type="checkbox" name="unassigned" value="1" defaultChecked={query.unassigned} /> {t("assignments.filter.unassigned")}
          </label>
        </div>
        <button type="submit" className="button" aria-busy={navigation.state === "loading"}>
          {t("assignments.filter.apply")}
        </button>
      </Form>

      {result ? <FormMessage kind={result.ok ? "success" : "error"}>{t(result.message, result.params)}</FormMessage> : null}
      <p className="muted" aria-live="polite">
        {t("assignments.count", { total: figureText(total) })}
      </p>

      {rows.length === 0 ? (
        <p className="empty card">{t("assignments.empty")}</p>
      ) : (
        <Form method="post" key={result?.doneAt ?? "reassign"}>
          <div className="table-wrap">
            <table className="data responsive">
              <thead>
                <tr>
                  <th scope="col">{t("assignments.col.select")}</th>
                  <th scope="col">{t("assignments.col.trainee")}</th>
                  <th scope="col">{t("assignments.col.task")}</th>
                  <th scope="col">{t("assignments.col.track")}</th>
                  <th scope="col">{t("assignments.col.status")}</th>
                  <th scope="col">{t("assignments.col.submittedAt")}</th>
                  <th scope="col">{t("assignments.col.mentors")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const markers = r.mentors.filter((m) => m.role !== "moderator");
                  return (
                    <tr key={r.id}>
                      <td data-label={t("assignments.col.select")}>
                        <label className="check">
                          <input type="checkbox" name="submissionId" value={r.id} defaultChecked={kept?.selected.includes(r.id)} />
                          <span className="sr-only">{t("assignments.selectRow", { trainee: r.traineeName, task: r.taskTitle })}</span>
                        </label>
                      </td>
                      <td data-label={t("assignments.col.trainee")}>{r.traineeName}</td>
                      <td data-label={t("assignments.col.task")}>
                        {r.taskTitle}
                        {r.doubleMarking ? <span className="badge">{t("assignments.doubleMarking")}</span> : null}
                      </td>
                      <td data-label={t("assignments.col.track")}>{t(`track.${r.track}`)}</td>
                      <td data-label={t("assignments.col.status")}>{t(`sub.status.${r.status}`)}</td>
                      <td data-label={t("assignments.col.submittedAt")}>{r.submittedAt}</td>
                      <td data-label={t("assignments.col.mentors")}>
                        {markers.length === 0 ? <span className="badge warn">{t("assignments.unassigned")}</span> : null}
                        {r.mentors.map((m) => (
                          <div key={m.id}>
                            {m.name} <span className="badge">{t(`assignments.role.${m.role}`)}</span>
                          </div>
                        ))}
                        {r.doubleMarking && markers.length === 1 ? <span className="badge warn">{t("assignments.missingSecond")}</span> : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <fieldset className="card toolbar">
            <legend>{t("assignments.reassign.legend")}</legend>
            <p className="hint" id="reassign-hint">
              {t("assignments.reassign.hint")}
            </p>
            <ChoiceField
              id="reassign-mentor"
              label={t("assignments.reassign.mentor")}
              name="mentorId"
              defaultValue={kept?.mentorId ?? ""}
              aria-describedby="reassign-hint"
              placeholder={t("assignments.reassign.choose")}
              options={mentors.map((m) => ({
                value: m.id,
                label: t(m.signedUp ? "assignments.mentorOption" : "assignments.mentorOptionInactive", { name: m.name, track: trackLabel(m.track), load: m.load }),
              }))}
            />
            <ChoiceField
              id="reassign-role"
              label={t("assignments.reassign.role")}
              name="role"
              defaultValue={kept?.role || "marker"}
              options={markingRoles.map((role) => ({ value: role, label: t(`assignments.role.${role}`) }))}
            />
            <button type="submit" className="button" disabled={busy}>
              {t("assignments.reassign.submit")}
            </button>
          </fieldset>
        </Form>
      )}
      <KeysetPagination next={next} prev={prev} />

      <section className="stack" aria-labelledby="jobs-title">
        <h2 id="jobs-title">{t("jobs.title")}</h2>
        <p className="muted">{t("jobs.lead")}</p>
        <p>
          <a href="/admin/queues">{t("queues.openBoard")}</a>
        </p>
        <DataTable
          rows={jobs}
          rowKey={(j) => j.jobId}
          empty={t("jobs.empty")}
          columns={[
            {
              label: t("jobs.col.job"),
              cell: (j) => (
                <>
                  <code style={breakAnywhere}>{j.jobId}</code>
                  <span className="hint">
                    {" "}
                    {j.queue} · {j.name}
                  </span>
                </>
              ),
            },
            { label: t("jobs.col.createdAt"), cell: (j) => j.createdAt },
            { label: t("jobs.col.attempts"), cell: (j) => j.attempts },
            { label: t("jobs.col.error"), cell: (j) => (j.lastError ? <span style={breakAnywhere}>{j.lastError}</span> : <span className="badge warn">{t("jobs.stuck")}</span>) },
          ]}
        />
      </section>
    </div>
  );
}
