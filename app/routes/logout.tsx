import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { endAllSessions, endSession } from "~/auth.server";
import { db } from "~/db.server";
import { logoutForm } from "~/form-schemas.server";
import { readForm, tryFieldsOf } from "~/forms.server";
import { requireUser } from "~/guards.server";
import { recordAudit } from "~/models/audit.server";

// POST only: signing out is a state change (a GET link could be triggered by any page).
export async function loader() {
  throw redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireUser(request, context);
  // Signing out never fails on what came with it: an unreadable body still ends this session.
  const form = await readForm(request).catch(() => null);
  const everywhere = (form && tryFieldsOf(form, logoutForm)?.scope) === "all";
  if (everywhere) await endAllSessions(user.id);
  const cookie = await endSession(context.auth.sessionId!);
  await recordAudit(db(), { actorId: user.id, action: everywhere ? "logout.all" : "logout", targetType: "user", targetId: user.id, ip: context.ip });
  return redirect("/login", { headers: { "Set-Cookie": cookie } });
}
