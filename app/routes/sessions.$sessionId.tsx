import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormMessage, useRevealError } from "~/components/form";
import { db } from "~/db.server";
import { sessionPageForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { requirePermission } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { formatDateTime } from "~/i18n/dates";
import { formatSessionTime } from "~/i18n/session-format";
import { sessionForPerson } from "~/services/training-sessions.server";
import { cancelPlace, signUp } from "~/services/training-sessions.server";

export const meta: MetaFunction = () => [{ title: "活动详情 · 百城学堂" }];

// One session as a trainee sees it (the link of every session notification): when and where, their
// place or their place on the waitlist, sign-up and cancellation. Open to those it is open to, and
// to anyone holding a place; everyone else gets the same 404 as for an unknown id.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = requirePermission(request, context, "learn");
  const found = await sessionForPerson(db(), params.sessionId, { id: me.id, orgPath: me.orgPath });
  if (!found) throw new Response("未找到该活动。", { status: 404 });
  const { session, mine, attendance, enrolled, waiting, position } = found;
  const now = new Date();
  return json({
    session: {
      id: session.id,
      title: session.title,
      kind: session.kind,
      when: formatSessionTime(session.starts_at, session.ends_at),
      started: new Date(session.starts_at) <= now,
      // Past the cancellation deadline the button would only be refused: the page says whom to ask instead.
      cancelClosed: new Date(session.cancel_by ?? session.starts_at) < now,
      place: session.place,
      onlineUrl: mine === "enrolled" ? session.online_url : null,
      online: !!session.online_url,
      hours: session.hours,
      capacity: session.capacity,
      cancelBy: session.cancel_by ? formatDateTime(session.cancel_by) : null,
      forName: session.cohort_name ?? session.unit_name,
      forCohort: !!session.cohort_id,
    },
    enrolled,
    waiting,
    mine,
    position,
    attendance,
  });
}

interface ActionResult {
  ok: boolean;
  message: MessageKey;
  warning?: string;
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const me = requirePermission(request, context, "learn");
  const found = await sessionForPerson(db(), params.sessionId, { id: me.id, orgPath: me.orgPath });
  if (!found) throw new Response("未找到该活动。", { status: 404 });
  const input = fieldsOf(await readForm(request), sessionPageForm);
  const by = { id: me.id, ip: context.ip };
  if (input.intent === "signUp") {
    const result = await signUp(db(), { sessionId: found.session.id, user: { id: me.id, orgPath: me.orgPath }, by });
    if (!result.ok) return json<ActionResult>({ ok: false, message: `sessions.problem.${result.problem}` }, { status: result.problem === "notFound" ? 404 : 400 });
    return json<ActionResult>({
      ok: true,
      message: result.status === "enrolled" ? "sessions.signedUp" : "sessions.waitlisted",
      warning: result.overlaps.length ? result.overlaps.map((o) => o.title).join("”“") : undefined,
    });
  }
  const result = await cancelPlace(db(), { sessionId: found.session.id, userId: me.id, by, asStaff: false });
  if (!result.ok) return json<ActionResult>({ ok: false, message: `sessions.problem.${result.problem}` }, { status: result.problem === "notFound" ? 404 : 400 });
  return json<ActionResult>({ ok: true, message: "sessions.cancelled" });
}

export default function SessionPage() {
  const { session, enrolled, waiting, mine, position, attendance } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const answer = useRevealError<HTMLDivElement>(result && !result.ok ? result : null);
  return (
    <div className="stack narrow" ref={answer}>
      <p>
        <Link to="/sessions">← {t("sessions.page.back")}</Link>
      </p>
      <div className="page-header">
        <h1>{session.title}</h1>
        <span className="badge">{t(`sessions.kind.${session.kind}`)}</span>
      </div>
      {result ? (
        <FormMessage kind={result.ok ? "success" : "error"}>
          {t(result.message)}
          {result.warning ? <span className="overlap-warning"> {t("sessions.overlap", { titles: result.warning })}</span> : null}
        </FormMessage>
      ) : null}
      <section className="card stack" aria-labelledby="my-place">
        <h2 id="my-place" className="card-title">
          {t("sessions.page.myPlace")}
        </h2>
        <p className="toolbar">
          {mine ? <span className="badge">{t(`sessions.status.${mine}`)}</span> : <span className="muted">{t("sessions.page.notIn")}</span>}
          {attendance ? <span className="badge">{t(`sessions.attended.${attendance}`)}</span> : null}
        </p>
        {mine === "waitlisted" && position ? <p>{t("sessions.page.position", { position })}</p> : null}
        {session.cancelBy && mine ? <p className="muted">{t("sessions.cancelBy", { date: session.cancelBy })}</p> : null}
        {!session.started && mine && session.cancelClosed ? <p className="hint">{t("sessions.problem.tooLate")}</p> : null}
        {!session.started && !(mine && session.cancelClosed) ? (
          <Form method="post">
            {mine ? (
              <button type="submit" name="intent" value="cancel" className="button secondary" disabled={busy}>
                {mine === "waitlisted" ? t("sessions.page.leaveWaitlist") : t("sessions.cancel")}
              </button>
            ) : (
              <button type="submit" name="intent" value="signUp" className="button" disabled={busy}>
                {enrolled >= session.capacity ? t("sessions.page.joinWaitlist") : t("sessions.signUp")}
              </button>
            )}
          </Form>
        ) : null}
      </section>
      <section className="card" aria-label={t("sessions.page.details")}>
      <dl className="facts">
        <dt>{t("sessions.col.when")}</dt>
        <dd>{session.when}</dd>
        <dt>{t("sessions.col.where")}</dt>
        <dd>
          {[session.place, session.online ? t("sessions.online") : ""].filter(Boolean).join(" · ")}
          {session.onlineUrl ? (
            <>
              {" "}
              <a href={session.onlineUrl} rel="noopener noreferrer" target="_blank">
                {t("sessions.field.onlineUrl")}
              </a>
            </>
          ) : null}
        </dd>
        <dt>{t("sessions.col.for")}</dt>
        <dd>{session.forCohort ? t("sessions.for.cohort", { name: session.forName }) : t("sessions.for.region", { name: session.forName })}</dd>
        <dt>{t("sessions.col.places")}</dt>
        <dd>{t("sessions.places", { enrolled, capacity: session.capacity, waiting })}</dd>
        {session.hours ? (
          <>
            <dt>{t("sessions.page.hours")}</dt>
            <dd>{t("sessions.hours", { hours: session.hours })}</dd>
          </>
        ) : null}
      </dl>
      <p>
        <a href={`/sessions/${session.id}.ics`} download>
          {t("sessions.addToCalendar")}
        </a>
      </p>
      </section>
    </div>
  );
}
