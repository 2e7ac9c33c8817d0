import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { endOtherSessions } from "~/auth.server";
import { Field, FormMessage, useRevealError } from "~/components/form";
import { db } from "~/db.server";
import { profileForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { normalisePhone, profilePhoneProblem } from "~/domain/contact";
import { checkPassword } from "~/domain/passwords";
import { secondsToWait } from "~/domain/sign-in-throttle";
import { cleanPersonName } from "~/domain/text-hygiene";
import { nameErrorKey } from "~/domain/user-input";
import { notFound, requireUser } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { recordAudit } from "~/models/audit.server";
import { findContactConflict, getPasswordHash, getUserSummary, setPasswordHash, updateUser } from "~/models/users.server";
import { hashPassword, verifyPassword } from "~/passwords.server";
import { admitPasswordAttempt } from "~/rate-limit.server";
import { readDeviceId, refusalMessage } from "~/services/sign-in.server";
import { MessageSettings, type ChoiceGroupView, type ContactView, type MessagesResult } from "~/components/message-settings";
import { channelRoutes, defaultQuietHours, formatClock, isChannelName, kindsOf, messageGroups, parseClock, wantsChannel } from "~/domain/channels";
import { choiceKey, recipientOf, setChoice, setQuietHours } from "~/models/deliveries.server";
import { channelAvailable } from "~/services/codes.server";
import { confirmVerificationCode, requestVerificationCode } from "~/services/contacts.server";

export const meta: MetaFunction = () => [{ title: "个人资料 · 百城学堂" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireUser(request, context);
  const user = await getUserSummary(db(), me.id);
  if (!user) throw notFound();
  const person = await recipientOf(db(), me.id);
  const contacts: ContactView[] = (["sms", "email"] as const).map((channel) => {
    const address = channel === "sms" ? user.phone : user.email;
    return { channel, address, verified: Boolean(address && person?.verified[channel] === address), available: channelAvailable(channel) };
  });
  const groups: ChoiceGroupView[] = messageGroups.map((group) => ({
    group,
    kinds: kindsOf(group).map((kind) => ({
      kind,
      label: `channels.kind.${kind}` as MessageKey,
      sms: wantsChannel(kind, "sms", person?.choices.get(choiceKey(kind, "sms"))),
      email: wantsChannel(kind, "email", person?.choices.get(choiceKey(kind, "email"))),
    })),
  })).filter((g) => g.kinds.length > 0);
  const quiet = person?.quiet === undefined ? defaultQuietHours : person.quiet;
  return json({
    user: { name: user.name, phone: user.phone, email: user.email, orgName: user.orgName, track: user.track, roles: user.roles },
    contacts,
    groups,
    quiet: { on: quiet !== null, start: formatClock(quiet?.start ?? defaultQuietHours.start), end: formatClock(quiet?.end ?? defaultQuietHours.end) },
  });
}

type Result =
  | { intent: "profile"; ok: boolean; values: { name: string; phone: string }; errors?: Record<string, MessageKey> }
  | { intent: "password"; ok: boolean; error?: MessageKey; params?: Record<string, number> }
  | MessagesResult;

export async function action({ request, context }: ActionFunctionArgs) {
  const me = requireUser(request, context);
  const input = fieldsOf(await readForm(request), profileForm);
  const user = await getUserSummary(db(), me.id);
  if (!user) throw notFound();

  if (input.intent === "profile") {
    const { intent } = input;
    const values = { name: input.name.slice(0, 200), phone: input.phone.trim().slice(0, 40) };
    const errors: Record<string, MessageKey> = {};
    const name = cleanPersonName(values.name);
    if (!name.ok) errors.name = nameErrorKey(name.problem);
    const phone = values.phone ? normalisePhone(values.phone) : null;
    const phoneProblem = profilePhoneProblem(values.phone, user.email);
    if (phoneProblem) errors.phone = phoneProblem === "format" ? "form.error.phone" : "form.error.contact";
    if (!errors.phone && phone && (await findContactConflict(db(), { phone, email: null }, me.id))) errors.phone = "form.error.phoneTaken";
    if (Object.keys(errors).length) return json<Result>({ intent, ok: false, values, errors }, { status: 400 });
    await db().transaction().execute(async (trx) => {
      await updateUser(trx, me.id, { name: name.ok ? name.name : values.name, phone });
      await recordAudit(trx, { actorId: me.id, action: "user.updated", targetType: "user", targetId: me.id, ip: context.ip });
    });
    return json<Result>({ intent, ok: true, values });
  }

  if (input.intent === "password") {
    const { intent, current, password: next, confirm } = input;
    // A stolen session must not become a way to guess the password: the same throttle as sign-in.
    const attempt = await admitPasswordAttempt({ account: { userId: me.id }, ip: context.ip, deviceId: readDeviceId(request) });
    if (!attempt.admitted) {
      await recordAudit(db(), { actorId: me.id, action: "password.rate_limited", targetType: "user", targetId: me.id, ip: context.ip, details: { reason: attempt.reason } });
      const { key, params } = refusalMessage(attempt, "currentPassword");
      return json<Result>({ intent, ok: false, error: key, params }, { status: 429, headers: { "Retry-After": String(secondsToWait(attempt.retryAfterMs)) } });
    }
    const right = await verifyPassword(await getPasswordHash(db(), me.id), current.slice(0, 1024));
    await attempt.settle(right ? "right" : "wrong");
    if (!right) return json<Result>({ intent, ok: false, error: "password.error.wrongCurrent" }, { status: 400 });
    const problem = checkPassword(next, { phone: user.phone, email: user.email });
    if (problem) return json<Result>({ intent, ok: false, error: `password.error.${problem}` }, { status: 400 });
    if (next !== confirm) return json<Result>({ intent, ok: false, error: "password.error.mismatch" }, { status: 400 });
    const hash = await hashPassword(next);
    await db().transaction().execute(async (trx) => {
      await setPasswordHash(trx, me.id, hash);
      await recordAudit(trx, { actorId: me.id, action: "password.changed", targetType: "user", targetId: me.id, ip: context.ip });
    });
    await endOtherSessions(me.id, context.auth.sessionId!);
    return json<Result>({ intent, ok: true });
  }
  if (input.intent === "sendCode" || input.intent === "verifyCode") {
    const { intent, channel } = input;
    if (!isChannelName(channel)) return json<Result>({ intent, channel, ok: false, message: "messages.error.channel" }, { status: 400 });
    const address = channel === "sms" ? user.phone : user.email;
    const channelLabel = channel === "sms" ? "手机号" : "邮箱";
    if (intent === "sendCode") {
      const outcome = await requestVerificationCode(db(), { userId: me.id, channel, address, ip: context.ip, now: new Date() });
      if (outcome.ok) return json<Result>({ intent, channel, ok: true, message: "messages.codeSent", params: { address: address ?? "" } });
      if (outcome.problem === "rateLimited") {
        return json<Result>({ intent, channel, ok: false, message: "messages.error.rateLimited", params: { minutes: outcome.minutes } }, { status: 429, headers: { "Retry-After": String(outcome.minutes * 60) } });
      }
      return json<Result>({ intent, channel, ok: false, message: `messages.error.${outcome.problem}`, params: { channel: channelLabel } }, { status: outcome.problem === "sendFailed" ? 502 : 400 });
    }
    const code = input.code.trim().slice(0, 20);
    const right = await confirmVerificationCode(db(), { userId: me.id, channel, address, code, now: new Date() });
    if (!right) return json<Result>({ intent, channel, ok: false, message: "messages.error.wrongCode", code }, { status: 400 });
    return json<Result>({ intent, channel, ok: true, message: "messages.verified", params: { address: address ?? "" } });
  }

  if (input.intent === "choices") {
    const on = new Set(input.on);
    await db().transaction().execute(async (trx) => {
      for (const kind of Object.keys(channelRoutes)) {
        for (const channel of ["sms", "email"] as const) await setChoice(trx, { userId: me.id, kind, channel, enabled: on.has(`${kind}|${channel}`) });
      }
    });
    return json<Result>({ intent: "choices", ok: true });
  }

  if (input.intent === "quiet") {
    const values = { quietOn: input.quietOn !== "", quietStart: input.quietStart.trim(), quietEnd: input.quietEnd.trim() };
    if (!values.quietOn) {
      await setQuietHours(db(), me.id, null);
      return json<Result>({ intent: "quiet", ok: true, values });
    }
    const start = parseClock(values.quietStart);
    const end = parseClock(values.quietEnd);
    if (start === null || end === null || start === end) return json<Result>({ intent: "quiet", ok: false, values }, { status: 400 });
    await setQuietHours(db(), me.id, { start, end });
    return json<Result>({ intent: "quiet", ok: true, values });
  }
  throw new Response("Unknown intent", { status: 400 });
}

export default function Profile() {
  const { user, contacts, groups, quiet } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const profile = result?.intent === "profile" ? result : undefined;
  const password = result?.intent === "password" ? result : undefined;
  const page = useRevealError<HTMLDivElement>(result && !result.ok ? result : null);
  const messagesResult = result && (result.intent === "sendCode" || result.intent === "verifyCode" || result.intent === "choices" || result.intent === "quiet") ? (result as MessagesResult) : undefined;
  return (
    <div className="stack" ref={page}>
      <h1>{t("profile.title")}</h1>
      <div className="grid two">
        <Form method="post" className="card" noValidate>
          <h2 className="card-title">{t("profile.details")}</h2>
          {profile?.ok ? <FormMessage kind="success">{t("profile.saved")}</FormMessage> : null}
          <Field label={t("profile.name")} name="name" defaultValue={profile?.values.name ?? user.name} error={profile?.errors?.name ? t(profile.errors.name) : undefined} required maxLength={50} />
          <Field label={t("profile.phone")} name="phone" inputMode="tel" defaultValue={profile?.values.phone ?? user.phone ?? ""} error={profile?.errors?.phone ? t(profile.errors.phone) : undefined} />
          <dl className="facts">
            <dt>{t("profile.email")}</dt>
            <dd>{user.email ?? "—"}</dd>
            <dt>{t("profile.org")}</dt>
            <dd>{user.orgName ?? "—"}</dd>
            <dt>{t("profile.track")}</dt>
            <dd>{user.track ? t(`track.${user.track}`) : t("track.none")}</dd>
            <dt>{t("profile.roles")}</dt>
            <dd>{user.roles.map((r) => t(`role.${r}`)).join("、")}</dd>
          </dl>
          <button type="submit" name="intent" value="profile" className="button" disabled={busy}>
            {t("profile.save")}
          </button>
        </Form>
        <div className="stack">
          <Form method="post" className="card" noValidate>
            <h2 className="card-title">{t("profile.password.title")}</h2>
            {password?.ok ? <FormMessage kind="success">{t("profile.passwordChanged")}</FormMessage> : null}
            {password?.error ? <FormMessage kind="error">{t(password.error, password.params)}</FormMessage> : null}
            <Field label={t("profile.currentPassword")} name="current" type="password" autoComplete="current-password" required />
            <Field label={t("invite.newPassword")} name="password" type="password" autoComplete="new-password" required hint={t("password.hint")} />
            <Field label={t("invite.confirmPassword")} name="confirm" type="password" autoComplete="new-password" required />
            <button type="submit" name="intent" value="password" className="button" disabled={busy}>
              {t("profile.changePassword")}
            </button>
          </Form>
          <Form method="post" action="/logout" className="card">
            <h2 className="card-title">{t("profile.sessions.title")}</h2>
            <p className="hint">{t("profile.logoutAll.help")}</p>
            <button type="submit" name="scope" value="all" className="button secondary">
              {t("profile.logoutAll")}
            </button>
          </Form>
        </div>
      </div>
      <MessageSettings contacts={contacts} groups={groups} quiet={quiet} result={messagesResult} busy={busy} />
    </div>
  );
}
