import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { ChoiceField, Field, FormMessage, useRevealError } from "~/components/form";
import { db } from "~/db.server";
import { listingPrefix } from "~/domain/reach";
import { checkSession, sessionKinds, type SessionFieldError } from "~/domain/sessions";
import { sessionCreateForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { auditRefusal, requireReach } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { formatSessionTime } from "~/i18n/session-format";
import { listCohorts } from "~/models/cohorts.server";
import { orgOptions } from "~/models/org-options.server";
import { listSessionsForAdmin } from "~/models/training-sessions.server";
import { createSession } from "~/services/training-sessions.server";
import { MoreLinks } from "~/components/pagination";

export const meta: MetaFunction = () => [{ title: "线下活动与考勤 · 百城学堂" }];
const pageSize = 25;
const cursorPattern = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)_([0-9a-f-]{36})$/i;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const url = new URL(request.url);
  const cursor = cursorPattern.exec(url.searchParams.get("after") ?? "");
  const after = cursor ? { startsAt: cursor[1]!, id: cursor[2]! } : null;
  const regionPath = listingPrefix(me.reach);
  const [{ rows, next }, cohorts, units] = await Promise.all([
    listSessionsForAdmin(db(), { regionPath, after, limit: pageSize, from: new Date(Date.now() - 24 * 3_600_000) }),
    listCohorts(db(), { regionPath, limit: 200 }),
    orgOptions(db(), { within: me.reach.path }),
  ]);
  return json({
    sessions: rows.map((s) => ({
      id: s.id,
      title: s.title,
      kind: s.kind,
      when: formatSessionTime(s.starts_at, s.ends_at),
      where: s.place ?? "",
      online: !!s.online_url,
      forCohort: s.cohort_name,
      forUnit: s.unit_name,
      capacity: s.capacity,
      enrolled: s.enrolled,
      waiting: s.waiting,
    })),
    next: next ? `${next.startsAt}_${next.id}` : null,
    paged: after !== null,
    forOptions: [...cohorts.rows.map((c) => ({ value: `cohort:${c.id}`, kind: "cohort" as const, name: c.name })), ...units.map((u) => ({ value: `unit:${u.id}`, kind: "region" as const, name: u.label }))],
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const input = fieldsOf(await readForm(request), sessionCreateForm);
  const values = { ...input };
  const checked = checkSession(input, new Date());
  const errors: Record<string, MessageKey> = checked.ok ? {} : Object.fromEntries(Object.entries(checked.errors).map(([k, v]: [string, SessionFieldError]) => [k, `sessions.error.${v}` as MessageKey]));
  const [kind, id] = input.for.split(":");
  const uuid = /^[0-9a-f-]{36}$/i.test(id ?? "");
  if (!uuid || (kind !== "cohort" && kind !== "unit")) errors.for = "sessions.error.for";
  if (!checked.ok || Object.keys(errors).length) return json({ values, errors }, { status: 400 });
  const where = kind === "cohort" ? { cohortId: id! } : { orgUnit: (await orgOptions(db(), {})).find((u) => u.id === id) };
  const result = await createSession(db(), { id: me.id, reach: me.reach, ip: context.ip }, checked.session, where);
  if (!result.ok) {
    await auditRefusal(context, { attempted: "session.create", targetType: kind === "cohort" ? "cohort" : "org_unit", targetId: id });
    return json({ values, errors: { for: "sessions.error.for" } as Record<string, MessageKey> }, { status: 400 });
  }
  return redirect(`/admin/sessions/${result.id}`);
}

export default function AdminSessions() {
  const { sessions, next, paged, forOptions } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const form = useRevealError<HTMLFormElement>(data ?? null);
  const errors = Object.fromEntries(Object.entries(data?.errors ?? {}).map(([k, v]) => [k, t(v)]));
  const v = data?.values;
  return (
    <div className="stack">
      <div className="page-header">
        <h1>{t("sessions.admin.title")}</h1>
      </div>
      <p className="muted">{t("sessions.admin.lead")}</p>
      <DataTable
        rows={sessions}
        rowKey={(s) => s.id}
        empty={t("sessions.admin.empty")}
        columns={[
          {
            label: t("sessions.col.title"),
            rowHeader: true,
            cell: (s) => (
              <>
                <Link to={`/admin/sessions/${s.id}`}>{s.title}</Link> <span className="badge">{t(`sessions.kind.${s.kind}`)}</span>
              </>
            ),
          },
          { label: t("sessions.col.when"), cell: (s) => s.when },
          { label: t("sessions.col.where"), cell: (s) => [s.where, s.online ? t("sessions.online") : ""].filter(Boolean).join(" · ") },
          { label: t("sessions.col.for"), cell: (s) => (s.forCohort ? t("sessions.for.cohort", { name: s.forCohort }) : t("sessions.for.region", { name: s.forUnit })) },
          { label: t("sessions.col.places"), cell: (s) => t("sessions.places", { enrolled: s.enrolled, capacity: s.capacity, waiting: s.waiting }) },
        ]}
      />
      <MoreLinks next={next} paged={paged} label={t("sessions.admin.title")} firstLabel={t("sessions.first")} moreLabel={t("sessions.more")} />
      <section className="card narrow" aria-labelledby="create-title">
        <h2 id="create-title" className="card-title">
          {t("sessions.create.title")}
        </h2>
        <Form method="post" noValidate ref={form}>
          {data?.errors ? <FormMessage kind="error">{t("form.errorSummary")}</FormMessage> : null}
          <Field label={t("sessions.field.title")} name="title" defaultValue={v?.title ?? ""} error={errors.title} maxLength={100} required />
          <ChoiceField
            label={t("sessions.field.kind")}
            name="kind"
            defaultValue={v?.kind ?? ""}
            error={errors.kind}
            placeholder={t("cohorts.choose")}
            options={sessionKinds.map((k) => ({ value: k, label: t(`sessions.kind.${k}`) }))}
          />
          <ChoiceField
            label={t("sessions.field.for")}
            name="for"
            hint={t("sessions.field.forHint")}
            defaultValue={v?.for ?? ""}
            error={errors.for}
            placeholder={t("cohorts.choose")}
            options={forOptions.map((o) => ({ value: o.value, label: o.kind === "cohort" ? t("sessions.for.cohort", { name: o.name }) : t("sessions.for.region", { name: o.name }) }))}
          />
          <Field label={t("sessions.field.date")} name="date" type="date" defaultValue={v?.date ?? ""} error={errors.date} required />
          <Field label={t("sessions.field.start")} name="start" type="time" defaultValue={v?.start ?? ""} error={errors.start} required />
          <Field label={t("sessions.field.end")} name="end" type="time" defaultValue={v?.end ?? ""} error={errors.end} required />
          <Field label={t("sessions.field.place")} name="place" hint={t("sessions.field.whereHint")} defaultValue={v?.place ?? ""} error={errors.place} maxLength={200} />
          <Field label={t("sessions.field.onlineUrl")} name="onlineUrl" type="url" defaultValue={v?.onlineUrl ?? ""} error={errors.onlineUrl} />
          <Field label={t("sessions.field.capacity")} name="capacity" type="number" min={1} defaultValue={v?.capacity ?? "30"} error={errors.capacity} required />
          <Field label={t("sessions.field.hours")} name="hours" inputMode="decimal" defaultValue={v?.hours ?? ""} error={errors.hours} />
          <Field label={t("sessions.field.cancelHours")} name="cancelHours" type="number" min={0} defaultValue={v?.cancelHours ?? "24"} error={errors.cancelHours} />
          <Field label={t("sessions.field.lateMinutes")} name="lateMinutes" type="number" min={0} defaultValue={v?.lateMinutes ?? "10"} error={errors.lateMinutes} />
          <button type="submit" className="button wide" disabled={busy}>
            {t("sessions.create.submit")}
          </button>
        </Form>
      </section>
    </div>
  );
}
