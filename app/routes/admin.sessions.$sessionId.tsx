import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { FormMessage, useRevealError } from "~/components/form";
import { db } from "~/db.server";
import { attendanceStatuses } from "~/domain/sessions";
import { sessionAdminForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { requireReach } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { formatDateTime } from "~/i18n/dates";
import { formatSessionTime } from "~/i18n/session-format";
import { enrolCandidates, liveEnrolments } from "~/models/training-sessions.server";
import { sessionInReach } from "~/services/session-access.server";
import { cancelPlace, markAttendance, signUp } from "~/services/training-sessions.server";

export const meta: MetaFunction = () => [{ title: "活动 · 百城学堂" }];
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const session = await sessionInReach(me, context, params.sessionId, "session.view");
  const [people, candidates] = await Promise.all([liveEnrolments(db(), session.id), enrolCandidates(db(), session, 50)]);
  return json({
    session: {
      id: session.id,
      title: session.title,
      kind: session.kind,
      when: formatSessionTime(session.starts_at, session.ends_at),
      place: session.place,
      onlineUrl: session.online_url,
      capacity: session.capacity,
      hours: session.hours,
      cohortId: session.cohort_id,
      forName: session.cohort_name ?? session.unit_name,
      forCohort: !!session.cohort_id,
    },
    people: people.map((p) => ({
      userId: p.user_id,
      name: p.name,
      unit: p.unit_name ?? "—",
      status: p.status,
      attendance: p.attendance,
      note: p.note ?? "",
      viaQr: p.via === "qr",
      markedAt: p.marked_at ? formatDateTime(p.marked_at) : "",
    })),
    candidates: candidates.map((c) => ({ id: c.id, name: c.name, unit: c.unit_name })),
  });
}

interface ActionResult {
  ok: boolean;
  message: MessageKey;
  params?: Record<string, string | number>;
  userId?: string;
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const session = await sessionInReach(me, context, params.sessionId, "session.change");
  const input = fieldsOf(await readForm(request), sessionAdminForm);
  if (!uuidPattern.test(input.userId)) throw new Response("未找到。", { status: 404 });
  const staff = { id: me.id, reach: me.reach, ip: context.ip };
  switch (input.intent) {
    case "mark": {
      const note = input.note.trim().slice(0, 500) || null;
      const done = await markAttendance(db(), staff, session, { userId: input.userId, status: input.status, note });
      return json<ActionResult>(done ? { ok: true, message: "sessions.detail.marked", userId: input.userId } : { ok: false, message: "sessions.detail.notEnrolled", userId: input.userId }, { status: done ? 200 : 400 });
    }
    case "enrol": {
      const person = await db().selectFrom("users as u").leftJoin("org_units as o", "o.id", "u.org_unit_id").select(["u.id", "o.path"]).where("u.id", "=", input.userId).executeTakeFirst();
      if (!person) throw new Response("未找到。", { status: 404 });
      const result = await signUp(db(), { sessionId: session.id, user: { id: person.id, orgPath: person.path }, by: { id: me.id, ip: context.ip } });
      if (!result.ok) return json<ActionResult>({ ok: false, message: `sessions.problem.${result.problem}` as MessageKey }, { status: 400 });
      return json<ActionResult>({ ok: true, message: "sessions.detail.enrolled", params: { status: result.status === "enrolled" ? "已报名" : "候补" } });
    }
    case "cancelFor": {
      const result = await cancelPlace(db(), { sessionId: session.id, userId: input.userId, by: { id: me.id, ip: context.ip }, asStaff: true });
      if (!result.ok) return json<ActionResult>({ ok: false, message: `sessions.problem.${result.problem}` as MessageKey }, { status: 400 });
      return json<ActionResult>({ ok: true, message: "sessions.cancelled" });
    }
  }
}

export default function AdminSession() {
  const { session, people, candidates } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const page = useRevealError<HTMLDivElement>(result && !result.ok ? result : null);
  const present = people.filter((p) => p.attendance === "present" || p.attendance === "late").length;
  return (
    <div className="stack" ref={page}>
      <p>
        <Link to="/admin/sessions">← {t("sessions.detail.back")}</Link>
      </p>
      <div className="page-header">
        <h1>{session.title}</h1>
        <span className="badge">{t(`sessions.kind.${session.kind}`)}</span>
      </div>
      <p className="muted">
        {session.when} · {[session.place, session.onlineUrl ? t("sessions.online") : ""].filter(Boolean).join(" · ")} ·{" "}
        {session.forCohort ? t("sessions.for.cohort", { name: session.forName }) : t("sessions.for.region", { name: session.forName })}
        {session.hours ? ` · ${t("sessions.hours", { hours: session.hours })}` : ""}
      </p>
      <p className="toolbar">
        <Link className="button" to={`/admin/sessions/${session.id}/checkin`}>
          {t("sessions.detail.openCheckin")}
        </Link>
        <a className="button secondary" href={`/admin/sessions/${session.id}/attendance.csv`} download>
          {t("sessions.detail.export")} (CSV)
        </a>
        <a className="button secondary" href={`/admin/sessions/${session.id}/attendance.xlsx`} download>
          {t("sessions.detail.export")} (Excel)
        </a>
      </p>
      {result ? <FormMessage kind={result.ok ? "success" : "error"}>{t(result.message, result.params)}</FormMessage> : null}
      <section className="stack" aria-labelledby="roster-title">
        <h2 id="roster-title">
          {t("sessions.detail.roster")} <span className="muted">{t("sessions.checkin.count", { count: present })}</span>
        </h2>
        <DataTable
          rows={people}
          rowKey={(p) => p.userId}
          empty={t("sessions.detail.empty")}
          columns={[
            {
              label: t("sessions.detail.person"),
              rowHeader: true,
              cell: (p) => (
                <>
                  {p.name} <span className="muted">{p.unit}</span> {p.status === "waitlisted" ? <span className="badge">{t("sessions.status.waitlisted")}</span> : null}
                </>
              ),
            },
            {
              label: t("sessions.detail.mark"),
              cell: (p) => (
                <Form method="post" className="toolbar">
                  <input type="hidden" name="intent" value="mark" />
                  <input type="hidden" name="userId" value={p.userId} />
                  <label className="sr-only" htmlFor={`status-${p.userId}`}>
                    {t("sessions.detail.mark")}
                  </label>
                  <select id={`status-${p.userId}`} name="status" defaultValue={p.attendance ?? "present"}>
                    {attendanceStatuses.map((s) => (
                      <option key={s} value={s}>
                        {t(`sessions.attended.${s}`)}
                      </option>
                    ))}
                  </select>
                  <label className="sr-only" htmlFor={`note-${p.userId}`}>
                    {t("sessions.detail.note")}
                  </label>
                  <input id={`note-${p.userId}`} name="note" defaultValue={p.note} placeholder={t("sessions.detail.note")} maxLength={500} />
                  <button type="submit" className="button small" disabled={busy} aria-label={t("sessions.detail.saveLabel", { name: p.name })}>
                    {t("sessions.detail.save")}
                  </button>
                  <span className="muted">
                    {p.attendance ? `${t(`sessions.attended.${p.attendance}`)}${p.viaQr ? `（${t("sessions.detail.viaQr")}）` : ""} ${p.markedAt}` : t("sessions.detail.unmarked")}
                  </span>
                </Form>
              ),
            },
            {
              label: t("cohorts.col.action"),
              cell: (p) => (
                <Form method="post">
                  <input type="hidden" name="intent" value="cancelFor" />
                  <input type="hidden" name="userId" value={p.userId} />
                  <button type="submit" className="button secondary small" disabled={busy}>
                    {t("sessions.detail.cancelFor", { name: p.name })}
                  </button>
                </Form>
              ),
            },
          ]}
        />
      </section>
      <section className="card" aria-labelledby="enrol-title">
        <h2 id="enrol-title" className="card-title">
          {t("sessions.detail.enrol")}
        </h2>
        <p className="hint">{t("sessions.detail.enrolHint")}</p>
        {candidates.length === 0 ? (
          <p className="empty">{t("sessions.detail.enrolNone")}</p>
        ) : (
          <Form method="post" className="toolbar">
            <input type="hidden" name="intent" value="enrol" />
            <label htmlFor="enrol-user">{t("sessions.detail.person")}</label>
            <select id="enrol-user" name="userId">
              {candidates.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}（{c.unit}）
                </option>
              ))}
            </select>
            <button type="submit" className="button" disabled={busy}>
              {t("sessions.detail.enrolSubmit")}
            </button>
          </Form>
        )}
      </section>
    </div>
  );
}
