import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { endAllSessions, startSession } from "~/auth.server";
import { Field, FormMessage, useRevealError } from "~/components/form";
import { CodeField, MethodSwitch, ResendButton } from "~/components/sms-code";
import { db } from "~/db.server";
import { inviteForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { checkPassword } from "~/domain/passwords";
import { homePathFor } from "~/domain/roles";
import { normaliseCode, signInMethodOf } from "~/domain/sign-in-codes";
import { useT, type MessageKey } from "~/i18n";
import { consumeAccessToken, inspectAccessToken } from "~/models/access-tokens.server";
import { recordAudit } from "~/models/audit.server";
import { getUserSummary, setPasswordHash } from "~/models/users.server";
import { hashPassword } from "~/passwords.server";
import { completeInviteWithCode, inviteCodeOffer, requestInviteCode } from "~/services/sms-sign-in.server";

export const meta: MetaFunction = () => [{ title: "设置密码 · 百城学堂" }, { name: "referrer", content: "no-referrer" }];

// Public by design: the one-time token in the URL is the credential.
export async function loader({ params }: LoaderFunctionArgs) {
  const state = await inspectAccessToken(db(), params.token ?? "");
  if (state.state !== "valid") return json({ state: state.state, name: null, purpose: null, smsTo: null }, { status: state.state === "unknown" ? 404 : 410 });
  // Completing by a code sent to the person's own phone: offered for invitations, when SMS is on.
  const offer = state.purpose === "invite" ? await inviteCodeOffer(db(), params.token ?? "") : null;
  return json({ state: state.state, name: state.userName, purpose: state.purpose, smsTo: offer?.phone ?? null });
}

/** The code way's step after a post (docs/decisions/028-sms-sign-in.md). */
interface SmsStep {
  stage: "send" | "code";
  codeError?: MessageKey;
  error?: { key: MessageKey; params?: Record<string, number> };
  code?: string;
  sentAt?: number;
  resendAfterSeconds?: number;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const input = fieldsOf(await readForm(request), inviteForm);
  const token = params.token ?? "";
  if (input.intent !== "password") return smsAction(input, request, token, context.ip);
  const { password, confirm } = input;
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
  return signedIn(request, used.userId, context.ip);
}

async function smsAction(input: { intent: "sendCode" } | { intent: "verifyCode"; code: string }, request: Request, token: string, ip: string | null) {
  const answer = (sms: SmsStep, status: number) => json({ sms }, { status });
  const now = new Date();
  const refused = (problem: string, minutes?: number, code?: string): Response => {
    if (problem === "rateLimited") return answer({ stage: "code", code, error: { key: "login.sms.error.rateLimited", params: { minutes: minutes ?? 1 } } }, 429);
    if (problem === "expired" || problem === "used" || problem === "unknown") return answer({ stage: "send", error: { key: `invite.${problem}` } }, 410);
    if (problem === "sendFailed") return answer({ stage: "send", error: { key: "login.sms.error.sendFailed" } }, 502);
    return answer({ stage: "send", error: { key: "login.sms.error.off" } }, 400);
  };
  if (input.intent === "sendCode") {
    const sent = await requestInviteCode(db(), { token, ip, now });
    if (sent.ok) return answer({ stage: "code", sentAt: now.getTime(), resendAfterSeconds: sent.resendAfterSeconds }, 200);
    return refused(sent.problem, sent.problem === "rateLimited" ? sent.minutes : undefined);
  }
  const typed = input.code.slice(0, 40);
  const code = normaliseCode(typed);
  if (!code) return answer({ stage: "code", code: typed, codeError: "login.sms.error.codeFormat" }, 400);
  const done = await completeInviteWithCode(db(), { token, code, ip, now });
  if (done.ok) return signedIn(request, done.userId, ip);
  if (done.problem === "wrongCode") return answer({ stage: "code", code: typed, codeError: "login.sms.error.wrongCode" }, 401);
  return refused(done.problem, done.problem === "rateLimited" ? done.minutes : undefined, typed);
}

/** A used invitation ends every earlier session of its person, and opens a new one. */
async function signedIn(request: Request, userId: string, ip: string | null) {
  await endAllSessions(userId);
  const cookie = await startSession(userId, { ip, userAgent: request.headers.get("user-agent") });
  const user = await getUserSummary(db(), userId);
  return redirect(homePathFor(user?.roles ?? []), { headers: { "Set-Cookie": cookie } });
}

export default function SetPassword() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const passwordError = result && "error" in result ? result.error : null;
  const sms = result && "sms" in result ? result.sms : null;
  const section = useRevealError<HTMLElement>(passwordError || sms?.error || sms?.codeError ? result : null);
  if (data.state !== "valid") {
    return (
      <section className="narrow card">
        <h1>{t("invite.title")}</h1>
        <FormMessage kind="error">{t(`invite.${data.state}` as MessageKey)}</FormMessage>
      </section>
    );
  }
  const method = data.smsTo && (sms || signInMethodOf(params.get("method")) === "sms") ? "sms" : "password";
  return (
    <section className="narrow card" aria-labelledby="invite-title" ref={section}>
      <h1 id="invite-title">{t(data.smsTo ? "invite.titleJoin" : "invite.title")}</h1>
      <p>{t(data.purpose === "reset" ? "invite.resetGreeting" : data.smsTo ? "invite.greetingJoin" : "invite.greeting", { name: data.name ?? "" })}</p>
      {data.smsTo ? (
        <MethodSwitch
          label={t("invite.methods")}
          current={method}
          options={[
            { method: "password", label: t("invite.method.password"), to: "?" },
            { method: "sms", label: t("invite.method.sms"), to: "?method=sms" },
          ]}
        />
      ) : null}
      {method === "sms" && data.smsTo ? (
        <>
          {sms?.error ? <FormMessage kind="error">{t(sms.error.key, sms.error.params)}</FormMessage> : null}
          {!sms || sms.stage === "send" ? (
            <Form method="post" noValidate>
              <p>{t("invite.sms.lead", { phone: data.smsTo })}</p>
              <button type="submit" name="intent" value="sendCode" className="button wide" disabled={busy} aria-busy={busy}>
                {busy ? t("login.sms.sending") : t("login.sms.send")}
              </button>
            </Form>
          ) : (
            <>
              {sms.sentAt ? <FormMessage kind="info">{t("invite.sms.sent", { phone: data.smsTo })}</FormMessage> : null}
              <Form method="post" noValidate key={`${sms.sentAt ?? ""}-${sms.code ?? ""}-${sms.codeError ?? ""}`}>
                <CodeField error={sms.codeError ? t(sms.codeError) : undefined} defaultValue={sms.code} />
                <button type="submit" name="intent" value="verifyCode" className="button wide" disabled={busy} aria-busy={busy}>
                  {busy ? t("login.sms.submitting") : t("invite.sms.submit")}
                </button>
              </Form>
              <Form method="post" noValidate className="sms-resend">
                <ResendButton sentAt={sms.sentAt ?? null} seconds={sms.resendAfterSeconds ?? 0} busy={busy} />
              </Form>
            </>
          )}
        </>
      ) : (
        <>
          {passwordError ? <FormMessage kind="error">{t(passwordError)}</FormMessage> : null}
          {sms?.error ? <FormMessage kind="error">{t(sms.error.key, sms.error.params)}</FormMessage> : null}
          <Form method="post" noValidate>
            <Field label={t("invite.newPassword")} name="password" type="password" autoComplete="new-password" required hint={t("password.hint")} />
            <Field label={t("invite.confirmPassword")} name="confirm" type="password" autoComplete="new-password" required />
            <button type="submit" className="button wide" disabled={busy}>
              {t("invite.submit")}
            </button>
          </Form>
        </>
      )}
    </section>
  );
}
