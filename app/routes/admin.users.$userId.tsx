import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { FormMessage } from "~/components/form";
import { SignInLimitsCard } from "~/components/sign-in-limits";
import { UserFields } from "~/components/user-fields";
import { db } from "~/db.server";
import { userForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { inReach } from "~/domain/reach";
import { readUserForm, validateUserForm } from "~/domain/user-input";
import { auditRefusal, notFound, requireReach, type Steward } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { recordAudit } from "~/models/audit.server";
import { addMentorUnit, mentorUnits, removeMentorUnit } from "~/models/mentor-units.server";
import { orgOptions } from "~/models/org-options.server";
import { unitPath } from "~/models/placement.server";
import { traineeRecord } from "~/models/trainee-record.server";
import { findTask } from "~/catalog/learner.server";
import { todayInChina } from "~/domain/submission-input";
import { signInThrottleState } from "~/rate-limit.server";
import { publicOrigin } from "~/services/certificate-document.server";
import { liftSignInLimits } from "~/services/sign-in.server";
import { accessLinkValidHours, issuePersonLink, personInReach, savePerson, setPersonActive } from "~/services/people.server";
import type { AppLoadContext, SerializeFrom } from "@remix-run/node";

export const meta: MetaFunction = () => [{ title: "编辑用户 · 百城学堂" }];
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const intents = ["save", "deactivate", "reactivate", "link", "unlock", "addUnit", "removeUnit"] as const;
type Intent = (typeof intents)[number];

/** The person, if inside the admin's reach; anyone else is the 404 of a missing user (audited). */
async function loadPerson(steward: Steward, context: AppLoadContext, id: string | undefined, attempted: string) {
  const found = id && uuid.test(id) ? await personInReach(steward, context, id, attempted) : null;
  if (!found) throw notFound("用户不存在");
  return found;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  if (params.userId === me.id) throw redirect("/profile");
  const { user, readOnly } = await loadPerson(me, context, params.userId, "user.view");
  const [orgs, pool, record] = await Promise.all([
    orgOptions(db(), { within: me.reach.path }),
    user.roles.includes("mentor") ? mentorUnits(db(), user.id) : [],
    user.roles.includes("trainee") ? traineeRecord(db(), user.id) : null,
  ]);
  const day = (d: Date | null) => (d ? todayInChina(d) : null);
  return json({
    // Progress, submissions with their grades and certificates, on one screen (the person is in reach: loadPerson).
    record: record && {
      modulesRead: record.modulesRead,
      tasksPassed: record.submissions.filter((s) => s.status === "passed").length,
      submissions: record.submissions.map((s) => ({
        id: s.id,
        title: findTask(s.task_id)?.task.title ?? s.task_id,
        status: s.status,
        score: s.score,
        round: Math.max(1, s.attempts_used),
        submittedAt: day(s.submitted_at),
        grades: record.grades.filter((g) => g.submission_id === s.id).map((g) => ({ round: g.round, total: g.total, decision: g.decision })),
      })),
      certificates: record.certificates.map((c) => ({ id: c.id, number: c.number, track: c.track, tier: c.tier, status: c.status, issuedAt: day(c.issued_at) })),
    },
    user: { ...user, createdAt: user.createdAt.toISOString() },
    readOnly,
    orgs,
    signIn: readOnly ? null : await signInThrottleState(user.id),
    // The admin's own unit's and other regions' entries in a mentor's pool are shown, but only their own reach can be changed.
    pool: pool.map((u) => ({ id: u.id, name: u.name, label: orgs.find((o) => o.id === u.id)?.label ?? u.name, editable: inReach(me.reach, u.path) })),
  });
}

type Result =
  | { intent: "save"; ok: boolean; values?: ReturnType<typeof readUserForm>; errors?: Record<string, MessageKey> }
  | { intent: "status"; ok: boolean; message: MessageKey }
  | { intent: "link"; ok: true; url: string; hours: number }
  | { intent: "pool"; ok: boolean; message: MessageKey }
  | { intent: "unlock"; ok: true };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const input = fieldsOf(await readForm(request), userForm);
  const { intent } = input;
  const { user, readOnly } = await loadPerson(me, context, params.userId, `user.${intent}`);
  if (readOnly) {
    await auditRefusal(context, { attempted: `user.${intent}`, targetType: "user", targetId: user.id });
    const refusal = { ok: false, message: readOnly } as const;
    if (intent === "save") return json<Result>({ intent: "save", ok: false, errors: { form: readOnly } }, { status: 403 });
    return json<Result>({ intent: intent === "addUnit" || intent === "removeUnit" ? "pool" : "status", ...refusal }, { status: 403 });
  }

  if (input.intent === "save") {
    const values = readUserForm(input);
    const parsed = validateUserForm(values, { requireRoles: true, requireOrg: false });
    if (!parsed.ok) return json<Result>({ intent: "save", ok: false, values, errors: parsed.errors }, { status: 400 });
    const saved = await savePerson(me, context, user, parsed.user);
    if (!saved.ok) return json<Result>({ intent: "save", ok: false, values, errors: saved.errors }, { status: saved.status });
    return json<Result>({ intent: "save", ok: true });
  }

  if (intent === "deactivate" || intent === "reactivate") {
    await setPersonActive(me, context, user, intent === "reactivate");
    return json<Result>({ intent: "status", ok: true, message: intent === "deactivate" ? "users.deactivated" : "users.reactivated" });
  }

  if (intent === "unlock") {
    await liftSignInLimits(db(), { userId: user.id, adminId: me.id, ip: context.ip });
    return json<Result>({ intent: "unlock", ok: true });
  }

  if (intent === "link") {
    if (user.status !== "active") return json<Result>({ intent: "status", ok: false, message: "users.link.inactive" }, { status: 409 });
    const { token } = await issuePersonLink(me, context, user);
    return json<Result>({ intent: "link", ok: true, url: `${publicOrigin()}/invite/${token}`, hours: accessLinkValidHours });
  }

  // A mentor's pool: only units inside the admin's own reach can be added or taken away.
  if (!user.roles.includes("mentor")) return json<Result>({ intent: "pool", ok: false, message: "pool.error.notMentor" }, { status: 400 });
  if (input.intent !== "addUnit" && input.intent !== "removeUnit") throw new Response("未知的操作。", { status: 400 });
  const { orgUnitId } = input;
  const path = uuid.test(orgUnitId) ? await unitPath(db(), orgUnitId) : undefined;
  if (path === undefined) return json<Result>({ intent: "pool", ok: false, message: "users.error.org" }, { status: 400 });
  if (!inReach(me.reach, path)) {
    await auditRefusal(context, { attempted: `mentor_units.${intent}`, targetType: "user", targetId: user.id, details: { orgUnitId } });
    return json<Result>({ intent: "pool", ok: false, message: "reach.error.outsideReach" }, { status: 403 });
  }
  const changed = await db()
    .transaction()
    .execute(async (trx) => {
      const done =
        intent === "addUnit"
          ? await addMentorUnit(trx, { mentorId: user.id, orgUnitId, addedBy: me.id })
          : await removeMentorUnit(trx, { mentorId: user.id, orgUnitId });
      if (done) {
        await recordAudit(trx, { actorId: me.id, action: "mentor_units.changed", targetType: "user", targetId: user.id, ip: context.ip, details: { [intent === "addUnit" ? "added" : "removed"]: orgUnitId } });
      }
      return done;
    });
  return json<Result>({ intent: "pool", ok: true, message: changed ? (intent === "addUnit" ? "pool.added" : "pool.removed") : "pool.unchanged" });
}

export default function EditUser() {
  const { user, orgs, readOnly, pool, signIn, record } = useLoaderData<typeof loader>();
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
  const poolable = orgs.filter((o) => !pool.some((p) => p.id === o.id));
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
      {readOnly ? <FormMessage kind="info">{t("reach.readOnly", { reason: t(readOnly) })}</FormMessage> : null}
      {result?.intent === "save" && result.ok ? <FormMessage kind="success">{t("users.saved")}</FormMessage> : null}
      {result?.intent === "save" && !result.ok ? (
        <FormMessage kind="error">{result.errors?.form ? t(result.errors.form) : t("form.errorSummary")}</FormMessage>
      ) : null}
      {result?.intent === "status" || result?.intent === "pool" ? <FormMessage kind={result.ok ? "success" : "error"}>{t(result.message)}</FormMessage> : null}
      {record ? <TraineeRecordCard record={record} /> : null}
      {readOnly ? (
        <section className="card">
          <dl className="facts">
            <dt>{t("profile.phone")}</dt>
            <dd>{user.phone ?? "—"}</dd>
            <dt>{t("profile.email")}</dt>
            <dd>{user.email ?? "—"}</dd>
            <dt>{t("profile.org")}</dt>
            <dd>{user.orgName ?? "—"}</dd>
            <dt>{t("profile.roles")}</dt>
            <dd>{user.roles.map((r) => t(`role.${r}`)).join("、")}</dd>
          </dl>
        </section>
      ) : (
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
                {user.hasPassword ? t("users.link.reset.title") : t("users.link.invite.title")}
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
            {signIn ? <SignInLimitsCard {...signIn} unlocked={result?.intent === "unlock"} busy={busy} /> : null}
            {user.roles.includes("mentor") ? (
              <section className="card" aria-labelledby="pool-title">
                <h2 id="pool-title" className="card-title">
                  {t("pool.title")}
                </h2>
                <p className="hint">{t("pool.help")}</p>
                {pool.length === 0 ? <p>{t("pool.empty")}</p> : null}
                <ul className="plain-list">
                  {pool.map((u) => (
                    <li key={u.id}>
                      {u.label}{" "}
                      {u.editable ? (
                        <Form method="post" className="inline">
                          <input type="hidden" name="orgUnitId" value={u.id} />
                          <button type="submit" name="intent" value="removeUnit" className="link-button" disabled={busy} aria-label={t("pool.remove", { unit: u.label })}>
                            {t("pool.removeShort")}
                          </button>
                        </Form>
                      ) : null}
                    </li>
                  ))}
                </ul>
                {poolable.length ? (
                  <Form method="post" className="toolbar">
                    <label htmlFor="pool-unit">{t("pool.add")}</label>
                    <select id="pool-unit" name="orgUnitId" defaultValue="">
                      <option value="" disabled>
                        —
                      </option>
                      {poolable.map((o) => (
                        <option key={o.id} value={o.id}>
                          {o.label}
                        </option>
                      ))}
                    </select>
                    <button type="submit" name="intent" value="addUnit" className="button secondary" disabled={busy}>
                      {t("pool.addButton")}
                    </button>
                  </Form>
                ) : null}
              </section>
            ) : null}
          </div>
        </div>
      )}
    </div>
  );
}

type TraineeRecordView = NonNullable<SerializeFrom<typeof loader>["record"]>;

/** A trainee's progress, submissions with their grades, and certificates, for the admin. */
function TraineeRecordCard({ record }: { record: TraineeRecordView }) {
  const t = useT();
  return (
    <section className="card" aria-labelledby="record-title">
      <h2 id="record-title" className="card-title">
        {t("users.record.title")}
      </h2>
      <p>{t("users.record.progress", { modules: record.modulesRead, tasks: record.tasksPassed })}</p>
      <h3>{t("users.record.submissions")}</h3>
      {record.submissions.length === 0 ? (
        <p className="muted">{t("users.record.noSubmissions")}</p>
      ) : (
        <div className="table-wrap">
          <table className="data responsive">
            <thead>
              <tr>
                <th scope="col">{t("users.record.col.task")}</th>
                <th scope="col">{t("users.record.col.status")}</th>
                <th scope="col">{t("users.record.col.grades")}</th>
                <th scope="col">{t("users.record.col.submitted")}</th>
              </tr>
            </thead>
            <tbody>
              {record.submissions.map((s) => (
                <tr key={s.id}>
                  <td data-label={t("users.record.col.task")}>
                    <Link to={`/mentor/submissions/${s.id}`}>{s.title}</Link>
                  </td>
                  <td data-label={t("users.record.col.status")}>
                    {t(`sub.status.${s.status}` as MessageKey)}
                    {s.score !== null ? ` · ${t("users.record.score", { score: s.score })}` : ""}
                  </td>
                  <td data-label={t("users.record.col.grades")}>
                    {s.grades.length === 0
                      ? "—"
                      : s.grades.map((g) => t("users.record.grade", { round: g.round, total: g.total, decision: t(`grading.decision.${g.decision}`) })).join("；")}
                  </td>
                  <td data-label={t("users.record.col.submitted")}>{s.submittedAt ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>{t("users.record.certificates")}</h3>
      {record.certificates.length === 0 ? (
        <p className="muted">{t("users.record.noCertificates")}</p>
      ) : (
        <ul>
          {record.certificates.map((c) => (
            <li key={c.id}>
              <Link to={`/verify/${encodeURIComponent(c.number)}`}>{c.number}</Link> {t(`track.${c.track}`)} · {t(`grading.tier.${c.tier}` as MessageKey)} ·{" "}
              {t(`certs.status.${c.status}` as MessageKey)} · {c.issuedAt}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
