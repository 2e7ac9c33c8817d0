import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { DownloadLinks } from "~/components/download-links";
import { Field, FormMessage, TextAreaField, useRevealError } from "~/components/form";
import { db } from "~/db.server";
import { messageLimits, type MessageFieldError } from "~/domain/cohort-progress";
import { cohortProgressForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { requireReach } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { formatDate, formatDateTime } from "~/i18n/dates";
import { messagesOfCohort } from "~/models/cohort-progress.server";
import { describeMissing } from "~/models/eligibility.server";
import { cohortHeading, cohortInReach } from "~/services/cohort-access.server";
import { cohortProgress, messageCohort, newMessageId } from "~/services/cohort-progress.server";

export const meta: MetaFunction = () => [{ title: "学员进度 · 百城学堂" }];
const nowrap = { whiteSpace: "nowrap" } as const;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// The cohort view (docs/decisions/023-cohorts-sessions-attendance.md): every current trainee of one
// cohort in one table — modules read, tasks passed, overdue tasks, sessions attended, certificate
// standing — with a "behind" filter, the table and the cohort's attendance as CSV/Excel, and a
// message to the whole cohort. Regional admins see only cohorts inside their subtree.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const cohort = await cohortInReach(me, context, params.cohortId, "cohort.progress");
  const show = new URL(request.url).searchParams.get("show") === "behind" ? "behind" : "all";
  const [progress, messages] = await Promise.all([cohortProgress(db(), cohort), messagesOfCohort(db(), cohort.id)]);
  const rows = show === "behind" ? progress.rows.filter((r) => r.behind) : progress.rows;
  return json(
    {
      cohort: cohortHeading(cohort),
      show,
      total: progress.rows.length,
      behind: progress.behind,
      rows: rows.map((r) => ({ ...r, missing: r.missing.map(describeMissing) })),
      // A fresh id per page view: the message form posts it, so the same post twice sends once.
      messageId: newMessageId(),
      messages: messages.map((m) => ({ id: m.id, title: m.title, body: m.body, recipients: m.recipients, sentAt: formatDateTime(m.sent_at), sender: m.sender ?? "—" })),
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

interface ActionResult {
  ok: boolean;
  message: MessageKey;
  params?: Record<string, string | number>;
  errors?: Record<string, MessageKey>;
  values?: { title: string; body: string };
  doneAt?: string;
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const cohort = await cohortInReach(me, context, params.cohortId, "cohort.message");
  const input = fieldsOf(await readForm(request), cohortProgressForm);
  if (!uuidPattern.test(input.messageId)) throw new Response("提交的内容有误，请刷新页面后重新提交。", { status: 400 });
  const result = await messageCohort(db(), { id: me.id, ip: context.ip }, cohort, { messageId: input.messageId.toLowerCase(), title: input.title, body: input.body });
  if (!result.ok) {
    const errors = Object.fromEntries(Object.entries(result.errors).map(([k, v]: [string, MessageFieldError]) => [k, `cview.message.error.${v}` as MessageKey]));
    return json<ActionResult>({ ok: false, message: "form.errorSummary", errors, values: { title: input.title, body: input.body } }, { status: 400 });
  }
  return json<ActionResult>(
    result.already ? { ok: true, message: "cview.message.already", doneAt: new Date().toISOString() } : { ok: true, message: "cview.message.sent", params: { count: result.sent }, doneAt: new Date().toISOString() },
  );
}

export default function CohortProgressPage() {
  const { cohort, show, total, behind, rows, messageId, messages } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const page = useRevealError<HTMLDivElement>(result && !result.ok ? result : null);
  const fieldError = (name: "title" | "body") => {
    const key = result?.errors?.[name];
    return key ? t(key, { max: messageLimits[name] }) : undefined;
  };
  const exportQuery = show === "behind" ? "?show=behind" : "";
  return (
    <div className="stack" ref={page}>
      <p>
        <Link to={`/admin/cohorts/${cohort.id}`}>← {t("cview.back", { name: cohort.name })}</Link>
      </p>
      <div className="page-header">
        <h1>{t("cview.title", { name: cohort.name })}</h1>
      </div>
      <p className="muted">
        {cohort.unit} · {t(`track.${cohort.track}`)} · {t(`grading.tier.${cohort.tier}`)} · {t("cohorts.year", { year: cohort.year })} ·{" "}
        {t("cohorts.dates", { start: formatDate(cohort.startsOn), end: formatDate(cohort.endsOn) })}
      </p>
      <p>{t("cview.summary", { count: total, behind })}</p>
      <p className="hint">{t("cview.behindRule")}</p>
      <nav className="chips" aria-label={t("cview.filter.label")}>
        <Link className={`chip${show === "all" ? " active" : ""}`} to="?" aria-current={show === "all" ? "page" : undefined}>
          {t("cview.filter.all", { count: total })}
        </Link>
        <Link className={`chip${show === "behind" ? " active" : ""}`} to="?show=behind" aria-current={show === "behind" ? "page" : undefined}>
          {t("cview.filter.behind", { count: behind })}
        </Link>
      </nav>
      <DataTable
        rows={rows}
        rowKey={(r) => r.userId}
        caption={t("cview.caption")}
        empty={show === "behind" ? t("cview.emptyBehind") : t("cview.empty")}
        columns={[
          {
            label: t("cview.col.name"),
            rowHeader: true,
            cell: (r) => (
              <>
                <Link to={`/admin/users/${r.userId}`}>{r.name}</Link> {r.behind ? <span className="badge warn">{t("cview.behindBadge")}</span> : null}
                {r.unit ? <div className="muted">{r.unit}</div> : null}
              </>
            ),
          },
          { label: t("cview.col.modules"), headerStyle: nowrap, cell: (r) => t("cview.ofTotal", { have: r.modulesRead, total: r.modulesTotal }) },
          { label: t("cview.col.tasks"), headerStyle: nowrap, cell: (r) => t("cview.ofTotal", { have: r.tasksPassed, total: r.tasksTotal }) },
          { label: t("cview.col.overdue"), headerStyle: nowrap, cell: (r) => (r.overdue > 0 ? <span className="badge warn">{t("cview.overdueCount", { count: r.overdue })}</span> : "0") },
          {
            label: t("cview.col.sessions"),
            headerStyle: nowrap,
            cell: (r) => (
              <>
                {t("cview.sessionsOf", { have: r.sessionsAttended, held: r.sessionsHeld })}
                {r.hoursAttended > 0 ? <div className="muted">{t("cview.hours", { hours: r.hoursAttended })}</div> : null}
              </>
            ),
          },
          {
            label: t("cview.col.standing"),
            cell: (r) =>
              r.standing === "certified" ? (
                <span className="badge tone-positive">{t("cview.standing.certified")}</span>
              ) : r.standing === "eligible" ? (
                <span className="badge tone-pending">{t("cview.standing.eligible")}</span>
              ) : (
                t("cview.standing.missing", { missing: r.missing.join("；") })
              ),
          },
        ]}
      />
      <section className="card" aria-labelledby="export-title">
        <h2 id="export-title" className="card-title">
          {t("cview.export.title")}
        </h2>
        <p className="toolbar">
          <DownloadLinks base={`/admin/cohorts/${cohort.id}/progress`} label={t("cview.export.table")} query={exportQuery} />
          <DownloadLinks base={`/admin/cohorts/${cohort.id}/attendance`} label={t("cview.export.attendance")} />
        </p>
      </section>
      <section className="card" aria-labelledby="message-title">
        <h2 id="message-title" className="card-title">
          {t("cview.message.title")}
        </h2>
        <p className="hint">{t("cview.message.hint", { count: total })}</p>
        {result ? <FormMessage kind={result.ok ? "success" : "error"}>{t(result.message, result.params)}</FormMessage> : null}
        <Form method="post" noValidate key={result?.ok ? result.doneAt : "message"}>
          <input type="hidden" name="intent" value="message" />
          <input type="hidden" name="messageId" value={messageId} />
          <Field label={t("cview.message.field.title")} name="title" defaultValue={result && !result.ok ? (result.values?.title ?? "") : ""} error={fieldError("title")} maxLength={messageLimits.title} required />
          <TextAreaField label={t("cview.message.field.body")} name="body" rows={4} defaultValue={result && !result.ok ? (result.values?.body ?? "") : ""} error={fieldError("body")} maxLength={messageLimits.body} required />
          <button type="submit" className="button" disabled={busy || total === 0}>
            {t("cview.message.submit")}
          </button>
        </Form>
      </section>
      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title" className="card-title">
          {t("cview.message.history")}
        </h2>
        {messages.length === 0 ? (
          <p className="empty">{t("cview.message.none")}</p>
        ) : (
          <ul className="plain-list">
            {messages.map((m) => (
              <li key={m.id}>
                <strong>{m.title}</strong> <span className="muted">{t("cview.message.meta", { date: m.sentAt, sender: m.sender, count: m.recipients })}</span>
                <p className="feedback">{m.body}</p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
