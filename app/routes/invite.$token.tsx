import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { endAllSessions, startSession } from "~/auth.server";
import { Field, FormMessage, useRevealError } from "~/components/form";
import { db } from "~/db.server";
import { inviteForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { checkPassword } from "~/domain/passwords";
import { homePathFor } from "~/domain/roles";
import { useT, type MessageKey } from "~/i18n";
import { consumeAccessToken, inspectAccessToken } from "~/models/access-tokens.server";
import { recordAudit } from "~/models/audit.server";
import { getUserSummary, setPasswordHash } from "~/models/users.server";
import { hashPassword } from "~/passwords.server";

export const meta: MetaFunction = () => [{ title: "设置密码 · 百城学堂" }, { name: "referrer", content: "no-referrer" }];

// Public by design: the one-time token in the URL is the credential.
export async function loader({ params }: LoaderFunctionArgs) {
  const state = await inspectAccessToken(db(), params.token ?? "");
  if (state.state !== "valid") return json({ state: state.state, name: null, purpose: null }, { status: state.state === "unknown" ? 404 : 410 });
  return json({ state: state.state, name: state.userName, purpose: state.purpose });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { password, confirm } = fieldsOf(await readForm(request), inviteForm);
  const token = params.token ?? "";
  const state = await inspectAccessToken(db(), token);
  if (state.state !== "valid") return json({ error: `invite.${state.state}` as MessageKey }, { status: 410 });
  const user = await getUserSummary(db(), state.userId);
  const problem = checkPassword(password, { phone: user?.phone, email: user?.email });
  if (problem) return json({ error: `password.error.${problem}` as MessageKey }, { status: 400 });
  if (password !== confirm) return json({ error: "password.error.mismatch" as MessageKey }, { status: 400 });

  const hash = await hashPassword(password);
  const used = await db().transaction().execute(async (trx) => {
    const consumed = await consumeAccessToken(trx, token);
    if (!consumed) return null;
    await setPasswordHash(trx, consumed.userId, hash);
    await recordAudit(trx, { actorId: consumed.userId, action: "password.set_by_link", targetType: "user", targetId: consumed.userId, ip: context.ip, details: { purpose: consumed.purpose } });
    return consumed;
  });
  if (!used) return json({ error: "invite.used" as MessageKey }, { status: 410 });
  // A reset ends every earlier session: whoever knew the old password is out.
  await endAllSessions(used.userId);
  const cookie = await startSession(used.userId, { ip: context.ip, userAgent: request.headers.get("user-agent") });
  return redirect(homePathFor(user?.roles ?? []), { headers: { "Set-Cookie": cookie } });
}

export default function SetPassword() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const section = useRevealError<HTMLElement>(result?.error ? result : null);
  if (data.state !== "valid") {
    return (
      <section className="narrow card">
        <h1>{t("invite.title")}</h1>
        <FormMessage kind="error">{t(`invite.${data.state}` as MessageKey)}</FormMessage>
      </section>
    );
  }
  return (
    <section className="narrow card" aria-labelledby="invite-title" ref={section}>
      <h1 id="invite-title">{t("invite.title")}</h1>
      <p>{t(data.purpose === "reset" ? "invite.resetGreeting" : "invite.greeting", { name: data.name ?? "" })}</p>
      {result?.error ? <FormMessage kind="error">{t(result.error)}</FormMessage> : null}
      <Form method="post" noValidate>
        <Field label={t("invite.newPassword")} name="password" type="password" autoComplete="new-password" required hint={t("password.hint")} />
        <Field label={t("invite.confirmPassword")} name="confirm" type="password" autoComplete="new-password" required />
        <button type="submit" className="button wide" disabled={busy}>
          {t("invite.submit")}
        </button>
      </Form>
    </section>
  );
}
