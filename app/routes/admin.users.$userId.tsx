import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { endAllSessions } from "~/auth.server";
import { FormMessage } from "~/components/form";
import { SignInLimitsCard } from "~/components/sign-in-limits";
import { UserFields } from "~/components/user-fields";
import { db } from "~/db.server";
import { readUserForm, validateUserForm } from "~/domain/user-input";
import { notFound, requirePermission } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { issueAccessToken } from "~/models/access-tokens.server";
import { recordAudit } from "~/models/audit.server";
import { orgOptions } from "~/models/org-options.server";
import { findContactConflict, getUserSummary, setUserRoles, setUserStatus, updateUser } from "~/models/users.server";
import { signInThrottleState } from "~/rate-limit.server";
import { publicOrigin } from "~/services/certificate-document.server";
import { liftSignInLimits } from "~/services/sign-in.server";

export const meta: MetaFunction = () => [{ title: "编辑用户 · 百城学堂" }];
const linkValidHours = 72;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function loadUser(id: string | undefined) {
  const user = id && uuid.test(id) ? await getUserSummary(db(), id) : undefined;
  if (!user) throw notFound("用户不存在");
  return user;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  requirePermission(request, context, "users.manage");
  const user = await loadUser(params.userId);
  return json({ user: { ...user, createdAt: user.createdAt.toISOString() }, orgs: await orgOptions(db()), signIn: await signInThrottleState(user.id) });
}

type Result =
  | { intent: "save"; ok: boolean; values?: ReturnType<typeof readUserForm>; errors?: Record<string, MessageKey> }
  | { intent: "status"; ok: boolean; message: MessageKey }
  | { intent: "link"; ok: true; url: string; hours: number }
  | { intent: "unlock"; ok: true };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const admin = requirePermission(request, context, "users.manage");
  const user = await loadUser(params.userId);
  const form = await request.formData();
  const intent = String(form.get("intent"));
  const self = user.id === admin.id;

  if (intent === "save") {
    const values = readUserForm(form);
    const parsed = validateUserForm(values, { requireRoles: true, requireOrg: false });
    if (!parsed.ok) return json<Result>({ intent, ok: false, values, errors: parsed.errors }, { status: 400 });
    if (self && !parsed.user.roles.includes("admin")) {
      return json<Result>({ intent, ok: false, values, errors: { roles: "users.error.selfAdmin" } }, { status: 400 });
    }
    const conflict = await db().transaction().execute(async (trx) => {
      const taken = await findContactConflict(trx, parsed.user, user.id);
      if (taken) return taken;
      await updateUser(trx, user.id, parsed.user);
      await setUserRoles(trx, user.id, parsed.user.roles, admin.id);
      await recordAudit(trx, { actorId: admin.id, action: "user.updated", targetType: "user", targetId: user.id, ip: context.ip });
      const before = [...user.roles].sort().join(",");
      const after = [...parsed.user.roles].sort().join(",");
      if (before !== after) {
        await recordAudit(trx, {
          actorId: admin.id,
          action: "user.roles_changed",
          targetType: "user",
          targetId: user.id,
          ip: context.ip,
          details: { from: user.roles, to: parsed.user.roles },
        });
      }
      return null;
    });
    if (conflict) {
      const errors: Record<string, MessageKey> =
        conflict === "phoneTaken" ? { phone: "form.error.phoneTaken" } : { email: "form.error.emailTaken" };
      return json<Result>({ intent, ok: false, values, errors }, { status: 409 });
    }
    return json<Result>({ intent, ok: true });
  }

  if (intent === "deactivate" || intent === "reactivate") {
    if (self) return json<Result>({ intent: "status", ok: false, message: "users.error.selfAdmin" }, { status: 400 });
    const deactivate = intent === "deactivate";
    await db().transaction().execute(async (trx) => {
      await setUserStatus(trx, user.id, deactivate ? "deactivated" : "active");
      await recordAudit(trx, {
        actorId: admin.id,
        action: deactivate ? "user.deactivated" : "user.reactivated",
        targetType: "user",
        targetId: user.id,
        ip: context.ip,
      });
    });
    if (deactivate) await endAllSessions(user.id);
    return json<Result>({ intent: "status", ok: true, message: deactivate ? "users.deactivated" : "users.reactivated" });
  }

  if (intent === "unlock") {
    await liftSignInLimits(db(), { userId: user.id, adminId: admin.id, ip: context.ip });
    return json<Result>({ intent: "unlock", ok: true });
  }

  if (intent === "link") {
    const purpose = user.hasPassword ? "reset" : "invite";
    const { token } = await db().transaction().execute(async (trx) => {
      const issued = await issueAccessToken(trx, { userId: user.id, purpose, createdBy: admin.id, validHours: linkValidHours });
      await recordAudit(trx, { actorId: admin.id, action: "user.link_issued", targetType: "user", targetId: user.id, ip: context.ip, details: { purpose } });
      return issued;
    });
    return json<Result>({ intent: "link", ok: true, url: `${publicOrigin()}/invite/${token}`, hours: linkValidHours });
  }
  throw new Response("Unknown intent", { status: 400 });
}

export default function EditUser() {
  const { user, orgs, signIn } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const saveErrors = result?.intent === "save" && result.errors ? result.errors : {};
  const errors = Object.fromEntries(Object.entries(saveErrors).map(([k, v]) => [k, t(v)]));
  const values =
    result?.intent === "save" && result.values
      ? result.values
      : { name: user.name, phone: user.phone ?? "", email: user.email ?? "", orgUnitId: user.orgUnitId ?? "", track: user.track ?? "", roles: user.roles };
  return (
    <div className="stack">
      <p>
        <Link to="/admin/users">← {t("admin.users")}</Link>
      </p>
      <div className="page-header">
        <h1>
          {user.name}{" "}
          {user.status === "deactivated" ? <span className="badge warn">{t("users.status.deactivated")}</span> : null}
        </h1>
      </div>
      {params.get("created") ? <FormMessage kind="success">{t("users.created")}</FormMessage> : null}
      {result?.intent === "save" && result.ok ? <FormMessage kind="success">{t("users.saved")}</FormMessage> : null}
      {result?.intent === "save" && !result.ok ? <FormMessage kind="error">{t("form.errorSummary")}</FormMessage> : null}
      {result?.intent === "status" ? <FormMessage kind={result.ok ? "success" : "error"}>{t(result.message)}</FormMessage> : null}
      <div className="grid two">
        <Form method="post" className="card" noValidate>
          <h2 className="card-title">{t("users.edit.title")}</h2>
          <UserFields values={values} errors={errors} orgs={orgs} />
          <button type="submit" name="intent" value="save" className="button wide" disabled={busy}>
            {t("users.save")}
          </button>
        </Form>
        <div className="stack">
          <section className="card" aria-labelledby="link-title">
            <h2 id="link-title" className="card-title">
              {user.hasPassword ? t("users.link.reset") : t("users.link.invite")}
            </h2>
            {result?.intent === "link" ? (
              <>
                <p>{t("users.link.created", { hours: result.hours })}</p>
                <p className="copy-box" data-testid="access-link">
                  {result.url}
                </p>
              </>
            ) : null}
            <Form method="post">
              <button type="submit" name="intent" value="link" className="button secondary" disabled={busy || user.status !== "active"}>
                {user.hasPassword ? t("users.link.reset") : t("users.link.invite")}
              </button>
            </Form>
          </section>
          <section className="card" aria-labelledby="status-title">
            <h2 id="status-title" className="card-title">
              {t("users.col.status")}
            </h2>
            {user.status === "active" ? (
              <Form method="post">
                <p className="hint">{t("users.deactivate.help")}</p>
                <button type="submit" name="intent" value="deactivate" className="button danger" disabled={busy}>
                  {t("users.deactivate")}
                </button>
              </Form>
            ) : (
              <Form method="post">
                <button type="submit" name="intent" value="reactivate" className="button" disabled={busy}>
                  {t("users.reactivate")}
                </button>
              </Form>
            )}
          </section>
          <SignInLimitsCard {...signIn} unlocked={result?.intent === "unlock"} busy={busy} />
        </div>
      </div>
    </div>
  );
}
