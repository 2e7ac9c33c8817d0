import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { FormMessage } from "~/components/form";
import { db } from "~/db.server";
import { requirePermission } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { checkIn } from "~/services/training-sessions.server";

export const meta: MetaFunction = () => [{ title: "签到 · 百城学堂" }];
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Where the check-in QR code leads. Someone not signed in is sent to sign in and back here (the code
// is still good for its window and the next). The code itself proves presence; scanning twice is harmless.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = requirePermission(request, context, "learn");
  const token = (new URL(request.url).searchParams.get("t") ?? "").slice(0, 200);
  const sessionId = params.sessionId ?? "";
  const result = uuidPattern.test(sessionId) ? await checkIn(db(), { sessionId, token, user: { id: me.id, orgPath: me.orgPath }, ip: context.ip }) : ({ ok: false, problem: "expired" } as const);
  const answer: { ok: boolean; message: MessageKey; title: string } = result.ok
    ? { ok: true, message: result.already ? "checkin.already" : result.status === "late" ? "checkin.late" : "checkin.present", title: result.title }
    : { ok: false, message: `checkin.${result.problem}`, title: "" };
  return json(answer, { status: result.ok ? 200 : 400, headers: { "Cache-Control": "no-store" } });
}

export default function CheckinPage() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <section className="narrow stack">
      <h1>{t("checkin.title")}</h1>
      <FormMessage kind={data.ok ? "success" : "error"}>{t(data.message, { title: data.title })}</FormMessage>
      <p>
        <Link to="/sessions">{t("checkin.toSessions")}</Link>
      </p>
    </section>
  );
}
