import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { startSession } from "~/auth.server";
import { FormMessage, Field, useRevealError } from "~/components/form";
import { parseLoginIdentifier } from "~/domain/contact";
import { safeRedirectPath } from "~/domain/redirects";
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

export const meta: MetaFunction = () => [{ title: "登录 · 百城学堂" }];

export async function loader({ context }: LoaderFunctionArgs) {
  requireAnonymous(context);
  return json({});
}

type ActionResult = { error: MessageKey; params?: Record<string, number>; identifier: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const input = fieldsOf(await readForm(request), loginForm);
  const rawIdentifier = input.identifier.slice(0, 254);
  const { password } = input;
  const fail = (error: MessageKey, status = 400, params?: Record<string, number>, headers?: HeadersInit) =>
    json<ActionResult>({ error, params, identifier: rawIdentifier }, { status, headers });

  const identifier = parseLoginIdentifier(rawIdentifier);
  if (!identifier) return fail("login.error.identifier");
  if (!password) return fail("login.error.password");
  // Decided before anything is written: a bad target falls back to the home page, never a 500.
  const redirectTo = safeRedirectPath(input.redirectTo || null, publicOrigin());

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

  const device = deviceId ?? newDeviceId();
  await rememberDevice(user.id, device);
  const cookie = await startSession(user.id, { ip: context.ip, userAgent: request.headers.get("user-agent") });
  await recordAudit(db(), { actorId: user.id, action: "login.succeeded", targetType: "user", targetId: user.id, ip: context.ip });
  const summary = await getUserSummary(db(), user.id);
  const headers = new Headers();
  headers.append("Set-Cookie", cookie);
  headers.append("Set-Cookie", deviceCookie(device));
  return redirect(redirectTo ?? homePathFor((summary?.roles ?? []) as Role[]), { headers });
}

export default function Login() {
  const t = useT();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const section = useRevealError<HTMLElement>(result && "error" in result ? result : null);
  return (
    <section className="narrow card" aria-labelledby="login-title" ref={section}>
      <h1 id="login-title">{t("login.title")}</h1>
      {result && "error" in result ? (
        <FormMessage kind="error">{t(result.error, result.params)}</FormMessage>
      ) : null}
      <Form method="post" noValidate>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo")?.slice(0, 2048) ?? ""} />
        <Field
          label={t("login.identifier")}
          name="identifier"
          autoComplete="username"
          inputMode="text"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          required
          defaultValue={result?.identifier ?? ""}
          autoFocus
        />
        <Field label={t("login.password")} name="password" type="password" autoComplete="current-password" required />
        <button type="submit" className="button wide" disabled={busy} aria-busy={busy}>
          {busy ? t("login.submitting") : t("login.submit")}
        </button>
      </Form>
      <p className="hint">{t("login.help")}</p>
    </section>
  );
}
