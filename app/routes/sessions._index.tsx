import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormMessage } from "~/components/form";
import { getConfig } from "~/config.server";
import { db } from "~/db.server";
import { sessionSignUpForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { requirePermission } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { formatDateTime } from "~/i18n/dates";
import { formatSessionTime } from "~/i18n/session-format";
import { calendarTokenOf, sessionsForPerson } from "~/models/training-sessions.server";
import { newCalendarToken } from "~/services/calendar.server";
import { cancelPlace, signUp } from "~/services/training-sessions.server";
import { MoreLinks } from "~/components/pagination";

export const meta: MetaFunction = () => [{ title: "线下活动 · 百城学堂" }];
const pageSize = 20;
const cursorPattern = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)_([0-9a-f-]{36})$/i;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requirePermission(request, context, "learn");
  const url = new URL(request.url);
  const cursor = cursorPattern.exec(url.searchParams.get("after") ?? "");
  const after = cursor ? { startsAt: cursor[1]!, id: cursor[2]! } : null;
  const now = new Date();
  const [{ rows, next }, token] = await Promise.all([
    sessionsForPerson(db(), { id: me.id, orgPath: me.orgPath }, { from: now, limit: pageSize, after }),
    calendarTokenOf(db(), me.id, newCalendarToken),
  ]);
  return json({
    sessions: rows.map((s) => ({
      id: s.id,
      title: s.title,
      kind: s.kind,
      when: formatSessionTime(s.starts_at, s.ends_at),
      started: new Date(s.starts_at) <= now,
      place: s.place,
      onlineUrl: s.online_url,
      hours: s.hours,
      capacity: s.capacity,
      enrolled: s.enrolled,
      waiting: s.waiting,
      mine: s.enrolment_status as "enrolled" | "waitlisted" | null,
      attendance: s.attendance,
      cancelBy: s.cancel_by ? formatDateTime(s.cancel_by) : null,
      forName: s.cohort_name ?? s.unit_name,
    })),
    next: next ? `${next.startsAt}_${next.id}` : null,
    paged: after !== null,
    feedUrl: `${getConfig().APP_URL}/calendar/${token}.ics`,
  });
}

interface ActionResult {
  ok: boolean;
  message: MessageKey;
  params?: Record<string, string>;
  warning?: string;
  sessionId: string;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = requirePermission(request, context, "learn");
  const input = fieldsOf(await readForm(request), sessionSignUpForm);
  if (!uuidPattern.test(input.sessionId)) return json<ActionResult>({ ok: false, message: "sessions.problem.notFound", sessionId: "" }, { status: 404 });
  const by = { id: me.id, ip: context.ip };
  if (input.intent === "signUp") {
    const result = await signUp(db(), { sessionId: input.sessionId, user: { id: me.id, orgPath: me.orgPath }, by });
    if (!result.ok) return json<ActionResult>({ ok: false, message: `sessions.problem.${result.problem}`, sessionId: input.sessionId }, { status: result.problem === "notFound" ? 404 : 400 });
    return json<ActionResult>({
      ok: true,
      message: result.status === "enrolled" ? "sessions.signedUp" : "sessions.waitlisted",
      warning: result.overlaps.length ? result.overlaps.map((o) => o.title).join("”“") : undefined,
      sessionId: input.sessionId,
    });
  }
  const result = await cancelPlace(db(), { sessionId: input.sessionId, userId: me.id, by, asStaff: false });
  if (!result.ok) return json<ActionResult>({ ok: false, message: `sessions.problem.${result.problem}`, sessionId: input.sessionId }, { status: result.problem === "notFound" ? 404 : 400 });
  return json<ActionResult>({ ok: true, message: "sessions.cancelled", sessionId: input.sessionId });
}

export default function MySessions() {
  const { sessions, next, paged, feedUrl } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="stack">
      <h1>{t("sessions.mine.title")}</h1>
      <p className="muted">{t("sessions.mine.lead")}</p>
      {sessions.length === 0 ? <p className="empty card">{t("sessions.mine.empty")}</p> : null}
      <ul className="plain-list stack">
        {sessions.map((s) => (
          <li key={s.id} className="card" aria-labelledby={`s-${s.id}`}>
            <h2 id={`s-${s.id}`} className="card-title">
              <Link to={`/sessions/${s.id}`}>{s.title}</Link> <span className="badge">{t(`sessions.kind.${s.kind}`)}</span>
            </h2>
            <p>
              {s.when}
              <br />
              {[s.place, s.onlineUrl ? t("sessions.online") : ""].filter(Boolean).join(" · ")}
              {s.hours ? ` · ${t("sessions.hours", { hours: s.hours })}` : ""}
            </p>
            <p className="muted">
              {t("sessions.places", { enrolled: s.enrolled, capacity: s.capacity, waiting: s.waiting })}
              {s.cancelBy && s.mine ? ` · ${t("sessions.cancelBy", { date: s.cancelBy })}` : ""}
            </p>
            {result?.sessionId === s.id ? (
              <FormMessage kind={result.ok ? "success" : "error"}>
                {t(result.message)}
                {result.warning ? <span className="overlap-warning"> {t("sessions.overlap", { titles: result.warning })}</span> : null}
              </FormMessage>
            ) : null}
            <div className="toolbar">
              {s.mine ? <span className="badge">{t(`sessions.status.${s.mine}`)}</span> : null}
              {s.attendance ? <span className="badge">{t(`sessions.attended.${s.attendance}`)}</span> : null}
              {!s.started ? (
                <Form method="post">
                  <input type="hidden" name="sessionId" value={s.id} />
                  {s.mine ? (
                    <button type="submit" name="intent" value="cancel" className="button secondary" disabled={busy} aria-label={t("sessions.cancelLabel", { title: s.title })}>
                      {t("sessions.cancel")}
                    </button>
                  ) : (
                    <button type="submit" name="intent" value="signUp" className="button" disabled={busy} aria-label={t("sessions.signUpLabel", { title: s.title })}>
                      {s.enrolled >= s.capacity ? t("sessions.page.joinWaitlist") : t("sessions.signUp")}
                    </button>
                  )}
                </Form>
              ) : null}
              {s.onlineUrl && s.mine === "enrolled" ? (
                <a href={s.onlineUrl} rel="noopener noreferrer" target="_blank">
                  {t("sessions.field.onlineUrl")}
                </a>
              ) : null}
              <a href={`/sessions/${s.id}.ics`} download aria-label={t("sessions.addToCalendarLabel", { title: s.title })}>
                {t("sessions.addToCalendar")}
              </a>
            </div>
          </li>
        ))}
      </ul>
      <MoreLinks next={next} paged={paged} label={t("sessions.mine.title")} firstLabel={t("sessions.first")} moreLabel={t("sessions.more")} />
      <section className="card" aria-labelledby="feed-title">
        <h2 id="feed-title" className="card-title">
          {t("sessions.feed.title")}
        </h2>
        <p className="hint">{t("sessions.feed.hint")}</p>
        <p>
          <code style={{ overflowWrap: "anywhere" }}>{feedUrl}</code>
        </p>
      </section>
    </div>
  );
}
