import type { LoaderFunctionArgs } from "@remix-run/node";
import { getConfig } from "~/config.server";
import { db } from "~/db.server";
import { calendarSessions, userOfCalendarToken } from "~/models/training-sessions.server";
import { calendarOf, icsResponse } from "~/services/calendar.server";

// A person's iCal feed at a private URL (no sign-in: calendar apps cannot sign in). The token is
// random and names one person; only their own sessions are in it.
export async function loader({ params }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const person = /^[A-Za-z0-9_-]{20,64}$/.test(token) ? await userOfCalendarToken(db(), token) : undefined;
  if (!person) throw new Response("Not found", { status: 404 });
  const sessions = await calendarSessions(db(), person.id, new Date(Date.now() - 30 * 24 * 3_600_000));
  return icsResponse(calendarOf(`百城学堂 · ${person.name}`, sessions, getConfig().APP_URL), "baicheng.ics");
}
