import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { ChoiceField, Field, FormMessage, useRevealError } from "~/components/form";
import { db } from "~/db.server";
import { cohortTiers, cohortTracks, programmeYears, type CohortFieldError } from "~/domain/cohorts";
import { listingPrefix } from "~/domain/reach";
import { cohortCreateForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { auditRefusal, requireReach } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { listCohorts } from "~/models/cohorts.server";
import { orgOptions } from "~/models/org-options.server";
import { createCohort } from "~/services/cohorts.server";
import { MoreLinks } from "~/components/pagination";

export const meta: MetaFunction = () => [{ title: "期次与班级 · 百城学堂" }];
const pageSize = 25;
const cursorPattern = /^(\d{4}-\d{2}-\d{2})_([0-9a-f-]{36})$/i;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const url = new URL(request.url);
  // Keyset paging on (start date, id): ?after=<startsOn>_<id>.
  const cursor = cursorPattern.exec(url.searchParams.get("after") ?? "");
  const after = cursor ? { startsOn: cursor[1]!, id: cursor[2]! } : null;
  const [{ rows, next }, orgs] = await Promise.all([
    listCohorts(db(), { regionPath: listingPrefix(me.reach), after, limit: pageSize }),
    orgOptions(db(), { within: me.reach.path }),
  ]);
  return json({
    cohorts: rows.map((c) => ({
      id: c.id,
      name: c.name,
      unit: c.unit_name,
      track: c.track,
      tier: c.tier,
      year: c.programme_year,
      startsOn: c.starts_on,
      endsOn: c.ends_on,
      members: c.member_count,
    })),
    next: next ? `${next.startsOn}_${next.id}` : null,
    paged: after !== null,
    orgs: orgs.map(({ id, label }) => ({ id, label })),
  });
}

type Values = { name: string; orgUnitId: string; track: string; tier: string; programmeYear: string; startsOn: string; endsOn: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const input = fieldsOf(await readForm(request), cohortCreateForm);
  const values: Values = { ...input };
  const units = await orgOptions(db(), {});
  const unit = units.find((u) => u.id === input.orgUnitId);
  const result = await createCohort(db(), { id: me.id, reach: me.reach, ip: context.ip }, { ...input, dueDates: {} }, unit);
  if (!result.ok && "outside" in result) {
    if (unit) await auditRefusal(context, { attempted: "cohort.create", targetType: "org_unit", targetId: unit.id });
    return json({ values, errors: { orgUnitId: "cohorts.error.unit" } as Record<string, MessageKey> }, { status: 400 });
  }
  if (!result.ok) {
    const errors = Object.fromEntries(Object.entries(result.errors).map(([k, v]: [string, CohortFieldError]) => [k, `cohorts.error.${v}` as MessageKey]));
    return json({ values, errors }, { status: 400 });
  }
  return redirect(`/admin/cohorts/${result.id}?created=1`);
}

export default function Cohorts() {
  const { cohorts, next, paged, orgs } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const errors = Object.fromEntries(Object.entries(data?.errors ?? {}).map(([k, v]) => [k, t(v)]));
  const values = data?.values;
  const form = useRevealError<HTMLFormElement>(data ?? null);
  return (
    <div className="stack">
      <div className="page-header">
        <h1>{t("cohorts.title")}</h1>
      </div>
      <p className="muted">{t("cohorts.lead")}</p>
      <DataTable
        rows={cohorts}
        rowKey={(c) => c.id}
        empty={t("cohorts.empty")}
        columns={[
          { label: t("cohorts.col.name"), rowHeader: true, cell: (c) => <Link to={`/admin/cohorts/${c.id}`}>{c.name}</Link> },
          { label: t("cohorts.col.unit"), cell: (c) => c.unit },
          { label: t("cohorts.col.trackTier"), cell: (c) => `${t(`track.${c.track}`)} · ${t(`grading.tier.${c.tier}`)}` },
          { label: t("cohorts.col.year"), cell: (c) => t("cohorts.year", { year: c.year }) },
          { label: t("cohorts.col.dates"), cell: (c) => t("cohorts.dates", { start: c.startsOn, end: c.endsOn }) },
          { label: t("cohorts.col.members"), cell: (c) => c.members },
        ]}
      />
      <MoreLinks next={next} paged={paged} label={t("cohorts.title")} firstLabel={t("cohorts.first")} moreLabel={t("cohorts.more")} />

      <section className="card narrow" aria-labelledby="create-title">
        <h2 id="create-title" className="card-title">
          {t("cohorts.create.title")}
        </h2>
        <Form method="post" noValidate ref={form}>
          {data?.errors ? <FormMessage kind="error">{t("form.errorSummary")}</FormMessage> : null}
          <Field label={t("cohorts.field.name")} name="name" hint={t("cohorts.field.nameHint")} defaultValue={values?.name ?? ""} error={errors.name} maxLength={100} required />
          <ChoiceField
            label={t("cohorts.field.unit")}
            name="orgUnitId"
            hint={t("cohorts.field.unitHint")}
            defaultValue={values?.orgUnitId ?? ""}
            error={errors.orgUnitId}
            placeholder={t("cohorts.choose")}
            options={orgs.map((o) => ({ value: o.id, label: o.label }))}
          />
          <ChoiceField
            label={t("cohorts.field.track")}
            name="track"
            defaultValue={values?.track ?? ""}
            error={errors.track}
            placeholder={t("cohorts.choose")}
            options={cohortTracks.map((v) => ({ value: v, label: t(`track.${v}`) }))}
          />
          <ChoiceField
            label={t("cohorts.field.tier")}
            name="tier"
            defaultValue={values?.tier ?? ""}
            error={errors.tier}
            placeholder={t("cohorts.choose")}
            options={cohortTiers.map((v) => ({ value: v, label: t(`grading.tier.${v}`) }))}
          />
          <ChoiceField
            label={t("cohorts.field.year")}
            name="programmeYear"
            defaultValue={values?.programmeYear ?? ""}
            error={errors.programmeYear}
            placeholder={t("cohorts.choose")}
            options={programmeYears.map((y) => ({ value: String(y), label: t("cohorts.year", { year: y }) }))}
          />
          <Field label={t("cohorts.field.startsOn")} name="startsOn" type="date" defaultValue={values?.startsOn ?? ""} error={errors.startsOn} required />
          <Field label={t("cohorts.field.endsOn")} name="endsOn" type="date" defaultValue={values?.endsOn ?? ""} error={errors.endsOn} required />
          <button type="submit" className="button wide" disabled={busy}>
            {t("cohorts.create.submit")}
          </button>
        </Form>
      </section>
    </div>
  );
}
