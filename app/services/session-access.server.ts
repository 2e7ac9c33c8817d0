import type { AppLoadContext } from "@remix-run/node";
import { db } from "~/db.server";
import { inReach } from "~/domain/reach";
import { refuseOutsideReach, type Steward } from "~/guards.server";
import { getSession, type SessionRow } from "~/models/training-sessions.server";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The session when it lies in the admin's reach; otherwise a 404 like an unknown id (audited). */
export async function sessionInReach(me: Steward, context: AppLoadContext, id: string | undefined, attempted: string): Promise<SessionRow> {
  const session = id && uuidPattern.test(id) ? await getSession(db(), id) : undefined;
  if (!session) throw new Response("未找到该活动。", { status: 404 });
  if (!inReach(me.reach, session.unit_path)) return refuseOutsideReach(context, { attempted, targetType: "training_session", targetId: session.id });
  return session;
}

