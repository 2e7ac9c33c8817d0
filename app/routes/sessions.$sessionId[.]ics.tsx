import type { LoaderFunctionArgs } from "@remix-run/node";
import { getConfig } from "~/config.server";
import { db } from "~/db.server";
import { requirePermission } from "~/guards.server";
import { getSession, mayJoinSession } from "~/models/training-sessions.server";
import { calendarOf, icsResponse } from "~/services/calendar.server";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// "加入日历": one session as an .ics file, for someone it is open to.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = requirePermission(request, context, "learn");
  const session = params.sessionId && uuidPattern.test(params.sessionId) ? await getSession(db(), params.sessionId) : undefined;
  const enrolled = session ? await db().selectFrom("session_enrolments").select("id").where("session_id", "=", session.id).where("user_id", "=", me.id).where("status", "<>", "cancelled").executeTakeFirst() : undefined;
  if (!session || (!enrolled && !(await mayJoinSession(db(), session, { id: me.id, orgPath: me.orgPath })))) throw new Response("未找到该活动。", { status: 404 });
  return icsResponse(calendarOf(session.title, [session], getConfig().APP_URL), `session-${session.id.slice(0, 8)}.ics`);
}
