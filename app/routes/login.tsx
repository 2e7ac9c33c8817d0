import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { startSession } from "~/auth.server";
import { FormMessage, Field, useRevealError } from "~/components/form";
import { CodeField, MethodSwitch, ResendButton } from "~/components/sms-code";
import { normalisePhone, parseLoginIdentifier } from "~/domain/contact";
import { groupedPhone } from "~/domain/onboarding";
import { safeRedirectPath } from "~/domain/redirects";
import { normaliseCode, signInMethodOf } from "~/domain/sign-in-codes";
import { secondsToWait } from "~/domain/sign-in-throttle";
import { homePathFor, type Role } from "~/domain/roles";
import { db } from "~/db.server";
import { loginForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { requireAnonymous } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { recordAudit } from "~/models/audit.server";
import { findCredentials, getUserSummary } from "~/models/users.server";
import { verifyPassword } from "~/passwords.server";
import { admitPasswordAttempt, newDeviceId, rememberDevice } from "~/rate-limit.server";
import { publicOrigin } from "~/services/certificate-document.server";
import { deviceCookie, readDeviceId, refusalMessage } from "~/services/sign-in.server";
import { checkLoginCode, requestLoginCode, smsSignInOffered } from "~/services/sms-sign-in.server";

export const meta: MetaFunction = () => [{ title: "登录 · 百城学堂" }];

export async function loader({ context }: LoaderFunctionArgs) {
  requireAnonymous(context);
  return json({ smsOffered: smsSignInOffered() });
}

type ActionResult = { error: MessageKey; params?: Record<string, number>; identifier: string };

/** Where the SMS code way stands after a post: the number, and the code step once a code was asked for. */
interface SmsStep {
  stage: "phone" | "code";
  phone: string;
  /** The error of one field (shown beside it, focused), or of the whole step (a summary). */
  fieldError?: { field: "phone" | "code"; key: MessageKey };
  error?: { key: MessageKey; params?: Record<string, number> };
  code?: string;
  /** Set when a code was just asked for: the page counts the resend wait down from here. */
  sentAt?: number;
  resendAfterSeconds?: number;
}
type SmsResult = { sms: SmsStep };

export async function action({ request, context }: ActionFunctionArgs) {
  const input = fieldsOf(await readForm(request), loginForm);
  // Decided before anything is written: a bad target falls back to the home page, never a 500.
  const redirectTo = safeRedirectPath(input.redirectTo || null, publicOrigin());
  if (input.intent !== "password") return smsAction(input, request, context.ip, redirectTo);

  const rawIdentifier = input.identifier.slice(0, 254);
  const { password } = input;
  const fail = (error: MessageKey, status = 400, params?: Record<string, number>, headers?: HeadersInit) =>
    json<ActionResult>({ error, params, identifier: rawIdentifier }, { status, headers });

  const identifier = parseLoginIdentifier(rawIdentifier);
  if (!identifier) return fail("login.error.identifier");
  if (!password) return fail("login.error.password");

  const typed = "phone" in identifier ? identifier.phone : identifier.email;
  const user = await findCredentials(db(), identifier);
  const deviceId = readDeviceId(request);
  const attempt = await admitPasswordAttempt({ account: user ? { userId: user.id } : { unknownIdentifier: typed }, ip: context.ip, deviceId });
  if (!attempt.admitted) {
    await recordAudit(db(), { actorId: null, action: "login.rate_limited", targetType: user ? "user" : undefined, targetId: user?.id, ip: context.ip, details: { account: typed, reason: attempt.reason } });
    const { key, params } = refusalMessage(attempt, "login");
    return fail(key, 429, params, { "Retry-After": String(secondsToWait(attempt.retryAfterMs)) });
  }

  const valid = await verifyPassword(user?.password_hash ?? null, password.slice(0, 1024));
  await attempt.settle(user && valid ? "right" : "wrong");
  if (!user || !valid) {
    await recordAudit(db(), {
      actorId: user?.id ?? null,
      action: "login.failed",
      targetType: "user",
      targetId: user?.id,
      ip: context.ip,
      details: { account: typed },
    });
    return fail("login.error.invalid", 401);
  }
  if (user.status !== "active") return fail("login.error.deactivated", 403);
  return signedIn(request, { userId: user.id, ip: context.ip, deviceId, redirectTo, method: "password" });
}

/** "获取验证码" and the code itself (docs/decisions/028-sms-sign-in.md). */
async function smsAction(
  input: { intent: "sendCode"; phone: string } | { intent: "verifyCode"; phone: string; code: string },
  request: Request,
  ip: string | null,
  redirectTo: string | null,
) {
  const typedPhone = input.phone.slice(0, 40);
  const answer = (step: SmsStep, status = 200, headers?: HeadersInit) => json<SmsResult>({ sms: step }, { status, headers });
  const phone = normalisePhone(typedPhone);
  if (!phone) return answer({ stage: "phone", phone: typedPhone, fieldError: { field: "phone", key: "login.sms.error.phone" } }, 400);
  const now = new Date();
  const tooMany = (minutes: number, code?: string) =>
    answer({ stage: "code", phone, code, error: { key: "login.sms.error.rateLimited", params: { minutes } } }, 429, { "Retry-After": String(minutes * 60) });

  if (input.intent === "sendCode") {
    const sent = await requestLoginCode(db(), { phone, ip, now });
    if (sent.ok) return answer({ stage: "code", phone, sentAt: now.getTime(), resendAfterSeconds: sent.resendAfterSeconds });
    if (sent.problem === "rateLimited") return tooMany(sent.minutes);
    return answer({ stage: "phone", phone, error: { key: "login.sms.error.off" } }, 400);
  }

  const typedCode = input.code.slice(0, 40);
  const code = normaliseCode(typedCode);
  if (!code) return answer({ stage: "code", phone, code: typedCode, fieldError: { field: "code", key: "login.sms.error.codeFormat" } }, 400);
  const checked = await checkLoginCode(db(), { phone, code, ip, now });
  if (checked.ok) return signedIn(request, { userId: checked.userId, ip, deviceId: readDeviceId(request), redirectTo, method: "smsCode" });
  switch (checked.problem) {
    case "rateLimited":
      return tooMany(checked.minutes, typedCode);
    case "deactivated":
      return answer({ stage: "code", phone, error: { key: "login.error.deactivated" } }, 403);
    case "wrongCode":
      return answer({ stage: "code", phone, code: typedCode, fieldError: { field: "code", key: "login.sms.error.wrongCode" } }, 401);
    default:
      return answer({ stage: "phone", phone, error: { key: "login.sms.error.off" } }, 400);
  }
}

/** The same session, device cookie and audit row whichever way the person proved who they are. */
async function signedIn(request: Request, input: { userId: string; ip: string | null; deviceId: string | null; redirectTo: string | null; method: "password" | "smsCode" }) {
  const device = input.deviceId ?? newDeviceId();
  await rememberDevice(input.userId, device);
  const cookie = await startSession(input.userId, { ip: input.ip, userAgent: request.headers.get("user-agent") });
  await recordAudit(db(), {
    actorId: input.userId,
    action: "login.succeeded",
    targetType: "user",
    targetId: input.userId,
    ip: input.ip,
    ...(input.method === "smsCode" && { details: { method: "smsCode" } }),
  });
  const summary = await getUserSummary(db(), input.userId);
  const headers = new Headers();
  headers.append("Set-Cookie", cookie);
  headers.append("Set-Cookie", deviceCookie(device));
  return redirect(input.redirectTo ?? homePathFor((summary?.roles ?? []) as Role[]), { headers });
}

export default function Login() {
  const t = useT();
  const { smsOffered } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const passwordResult = result && "error" in result ? result : null;
  const sms = result && "sms" in result ? result.sms : null;
  // A code answer while SMS is off (a stale page) shows its message on the password form.
  const method = smsOffered && (sms || signInMethodOf(params.get("method")) === "sms") ? "sms" : "password";
  const section = useRevealError<HTMLElement>(passwordResult ?? (sms?.error || sms?.fieldError ? sms : null));
  const redirectTo = params.get("redirectTo")?.slice(0, 2048) ?? "";
  const linkFor = (m: string) => {
    const search = new URLSearchParams();
    if (m === "sms") search.set("method", "sms");
    if (redirectTo) search.set("redirectTo", redirectTo);
    return `/login${search.size ? `?${search}` : ""}`;
  };
  return (
    <section className="narrow card" aria-labelledby="login-title" ref={section}>
      <h1 id="login-title">{t("login.title")}</h1>
      {smsOffered ? (
        <MethodSwitch
          label={t("login.methods")}
          current={method}
          options={[
            { method: "password", label: t("login.method.password"), to: linkFor("password") },
            { method: "sms", label: t("login.method.sms"), to: linkFor("sms") },
          ]}
        />
      ) : null}
      {method === "sms" ? (
        <SmsSignIn step={sms} redirectTo={redirectTo} busy={busy} changePhone={linkFor("sms")} />
      ) : (
        <>
          {passwordResult ? <FormMessage kind="error">{t(passwordResult.error, passwordResult.params)}</FormMessage> : null}
          {sms?.error ? <FormMessage kind="error">{t(sms.error.key, sms.error.params)}</FormMessage> : null}
          <Form method="post" noValidate>
            <input type="hidden" name="redirectTo" value={redirectTo} />
            <Field
              label={t("login.identifier")}
              name="identifier"
              autoComplete="username"
              inputMode="text"
              autoCapitalize="none"
              autoCorrect="off"
              spellCheck={false}
              required
              defaultValue={passwordResult?.identifier ?? ""}
              autoFocus
            />
            <Field label={t("login.password")} name="password" type="password" autoComplete="current-password" required />
            <button type="submit" className="button wide" disabled={busy} aria-busy={busy}>
              {busy ? t("login.submitting") : t("login.submit")}
            </button>
          </Form>
        </>
      )}
      <p className="hint">{t(method === "sms" ? "login.sms.firstTime" : "login.help")}</p>
    </section>
  );
}

function SmsSignIn({ step, redirectTo, busy, changePhone }: { step: SmsStep | null; redirectTo: string; busy: boolean; changePhone: string }) {
  const t = useT();
  const fieldError = (field: "phone" | "code") => (step?.fieldError?.field === field ? t(step.fieldError.key) : undefined);
  const summary = step?.error ? <FormMessage kind="error">{t(step.error.key, step.error.params)}</FormMessage> : null;
  if (!step || step.stage === "phone") {
    return (
      <>
        {summary}
        <Form method="post" noValidate>
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <Field
            label={t("login.sms.phone")}
            name="phone"
            id="sms-phone"
            type="tel"
            inputMode="numeric"
            autoComplete="tel-national"
            required
            defaultValue={step?.phone ?? ""}
            error={fieldError("phone")}
            autoFocus
          />
          <button type="submit" name="intent" value="sendCode" className="button wide" disabled={busy} aria-busy={busy}>
            {busy ? t("login.sms.sending") : t("login.sms.send")}
          </button>
        </Form>
      </>
    );
  }
  return (
    <>
      {summary}
      {step.sentAt ? <FormMessage kind="info">{t("login.sms.sent", { phone: groupedPhone(step.phone) })}</FormMessage> : null}
      {/* A new form per answer: the code field shows what was typed last, not what the browser kept. */}
      <Form method="post" noValidate key={`${step.sentAt ?? ""}-${step.code ?? ""}-${step.fieldError?.key ?? ""}`}>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <input type="hidden" name="phone" value={step.phone} />
        <p className="sms-phone">
          {t("login.sms.phone")}：<strong>{groupedPhone(step.phone)}</strong> <Link to={changePhone}>{t("login.sms.changePhone")}</Link>
        </p>
        <CodeField error={fieldError("code")} defaultValue={step.code} />
        <button type="submit" name="intent" value="verifyCode" className="button wide" disabled={busy} aria-busy={busy}>
          {busy ? t("login.sms.submitting") : t("login.sms.submit")}
        </button>
      </Form>
      <Form method="post" noValidate className="sms-resend">
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <input type="hidden" name="phone" value={step.phone} />
        <ResendButton sentAt={step.sentAt ?? null} seconds={step.resendAfterSeconds ?? 0} busy={busy} />
      </Form>
    </>
  );
}
