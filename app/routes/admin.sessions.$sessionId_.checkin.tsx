import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { db } from "~/db.server";
import { msUntilNextWindow } from "~/domain/checkin-token";
import { requireReach } from "~/guards.server";
import { useT } from "~/i18n";
import { formatSessionTime } from "~/i18n/session-format";
import { liveEnrolments } from "~/models/training-sessions.server";
import { getConfig } from "~/config.server";
import { qrSvg } from "~/services/onboarding.server";
import { sessionInReach } from "~/services/session-access.server";
import { currentCheckinUrl } from "~/services/training-sessions.server";

export const meta: MetaFunction = () => [{ title: "扫码签到 · 百城学堂" }];

// The check-in screen for the room's projector: a QR code of the current signed check-in URL, which
// the page fetches again when the 20-second window turns (docs/decisions/023-cohorts-sessions-attendance.md).
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const session = await sessionInReach(me, context, params.sessionId, "session.checkin");
  const now = new Date();
  const url = (await currentCheckinUrl(db(), session.id, getConfig().APP_URL, now))!;
  const people = await liveEnrolments(db(), session.id);
  return json(
    {
      session: { id: session.id, title: session.title, when: formatSessionTime(session.starts_at, session.ends_at), place: session.place },
      qr: await qrSvg(url),
      url,
      refreshInMs: msUntilNextWindow(now) + 200,
      present: people.filter((p) => p.attendance === "present" || p.attendance === "late").length,
      enrolled: people.filter((p) => p.status === "enrolled").length,
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}

export default function CheckinScreen() {
  const { session, qr, url, refreshInMs, present, enrolled } = useLoaderData<typeof loader>();
  const t = useT();
  const revalidator = useRevalidator();
  // A new code each window: reload the loader when the window turns (and again if that fails).
  useEffect(() => {
    const timer = setTimeout(() => revalidator.revalidate(), refreshInMs);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a fresh load brings a fresh url
  }, [url, refreshInMs]);
  return (
    <div className="stack checkin-screen">
      <p>
        <Link to={`/admin/sessions/${session.id}`}>← {t("sessions.checkin.back")}</Link>
      </p>
      <h1>{session.title}</h1>
      <p className="muted">
        {session.when}
        {session.place ? ` · ${session.place}` : ""}
      </p>
      <p className="lead">{t("sessions.checkin.lead")}</p>
      <div className="checkin-qr" role="img" aria-label={t("sessions.checkin.qrAlt")} data-url={url} dangerouslySetInnerHTML={{ __html: qr }} />
      <p className="checkin-count" aria-live="polite">
        {t("sessions.checkin.count", { count: present })} / {enrolled}
      </p>
    </div>
  );
}
