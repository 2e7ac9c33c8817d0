import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { startSession } from "~/auth.server";
import { FormMessage, Field } from "~/components/form";
import { parseLoginIdentifier } from "~/domain/contact";
import { homePathFor, type Role } from "~/domain/roles";
import { db } from "~/db.server";
import { requireAnonymous } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { recordAudit } from "~/models/audit.server";
import { findCredentials, getUserSummary } from "~/models/users.server";
import { verifyPassword } from "~/passwords.server";
import { checkLimits, clearLimit, loginRules, recordFailure } from "~/rate-limit.server";

export const meta: MetaFunction = () => [{ title: "登录 · 百城学堂" }];

/** Only same-site paths: never an open redirect. */
function safeRedirect(to: FormDataEntryValue | string | null): string | null {
  return typeof to === "string" && to.startsWith("/") && !to.startsWith("//") && !to.startsWith("/\\") ? to : null;
}

export async function loader({ context }: LoaderFunctionArgs) {
  requireAnonymous(context);
  return json({});
}

type ActionResult = { error: MessageKey; params?: Record<string, number>; identifier: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const rawIdentifier = String(form.get("identifier") ?? "").slice(0, 254);
  const password = String(form.get("password") ?? "");
  const fail = (error: MessageKey, status = 400, params?: Record<string, number>) =>
    json<ActionResult>({ error, params, identifier: rawIdentifier }, { status });

  const identifier = parseLoginIdentifier(rawIdentifier);
  if (!identifier) return fail("login.error.identifier");
  if (!password) return fail("login.error.password");

  const account = "phone" in identifier ? identifier.phone : identifier.email;
  const rules = loginRules(account, context.ip);
  const limited = await checkLimits(rules);
  if (limited.blocked) {
    await recordAudit(db(), { actorId: null, action: "login.rate_limited", ip: context.ip, details: { account } });
    return fail("login.error.rateLimited", 429, { minutes: Math.max(1, Math.ceil(limited.retryAfterSeconds / 60)) });
  }

  const user = await findCredentials(db(), identifier);
  const valid = await verifyPassword(user?.password_hash ?? null, password.slice(0, 1024));
  if (!user || !valid) {
    await recordFailure(rules);
    await recordAudit(db(), {
      actorId: user?.id ?? null,
      action: "login.failed",
      targetType: "user",
      targetId: user?.id,
      ip: context.ip,
      details: { account },
    });
    return fail("login.error.invalid", 401);
  }
  if (user.status !== "active") return fail("login.error.deactivated", 403);

  await clearLimit(rules[0]!.key);
  const cookie = await startSession(user.id, { ip: context.ip, userAgent: request.headers.get("user-agent") });
  await recordAudit(db(), { actorId: user.id, action: "login.succeeded", targetType: "user", targetId: user.id, ip: context.ip });
  const summary = await getUserSummary(db(), user.id);
  const to = safeRedirect(form.get("redirectTo")) ?? homePathFor((summary?.roles ?? []) as Role[]);
  return redirect(to, { headers: { "Set-Cookie": cookie } });
}

export default function Login() {
  const t = useT();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  return (
    <section className="narrow card" aria-labelledby="login-title">
      <h1 id="login-title">{t("login.title")}</h1>
      {result && "error" in result ? (
        <FormMessage kind="error">{t(result.error, result.params)}</FormMessage>
      ) : null}
      <Form method="post" noValidate>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <Field
          label={t("login.identifier")}
          name="identifier"
          autoComplete="username"
          inputMode="email"
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
