import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { Field, FormMessage, useRevealError } from "~/components/form";
import { db } from "~/db.server";
import { cohortJoinForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { requirePermission } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { formatDate, formatDateTime } from "~/i18n/dates";
import { cohortHistoryOf, joinRequestsOfUser } from "~/models/cohorts.server";
import { requestToJoin } from "~/services/cohorts.server";

export const meta: MetaFunction = () => [{ title: "我的期次 · 百城学堂" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requirePermission(request, context, "learn");
  const [history, requests] = await Promise.all([cohortHistoryOf(db(), me.id), joinRequestsOfUser(db(), me.id)]);
  return json({
    history: history.map((h) => ({
      id: `${h.id}-${new Date(h.joined_at).toISOString()}`,
      name: h.name,
      track: h.track,
      tier: h.tier,
      year: h.programme_year,
      dates: { start: formatDate(h.starts_on), end: formatDate(h.ends_on) },
      joinedOn: formatDate(h.joined_at),
      leftOn: h.left_at ? formatDate(h.left_at) : null,
    })),
    requests: requests.map((r) => ({ id: r.id, name: r.name, status: r.status, at: formatDateTime(r.requested_at) })),
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = requirePermission(request, context, "learn");
  const input = fieldsOf(await readForm(request), cohortJoinForm);
  const result = await requestToJoin(db(), { id: me.id, ip: context.ip }, input.code);
  if (!result.ok) return json({ ok: false as const, message: `cohorts.join.${result.problem}` as MessageKey, code: input.code, cohort: "", doneAt: "" }, { status: 400 });
  return json({ ok: true as const, message: "cohorts.join.sent" as MessageKey, code: "", cohort: result.cohortName, doneAt: new Date().toISOString() });
}

export default function MyCohorts() {
  const { history, requests } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const form = useRevealError<HTMLFormElement>(result && !result.ok ? result : null);
  return (
    <div className="stack">
      <h1>{t("cohorts.join.title")}</h1>
      <p className="muted">{t("cohorts.join.lead")}</p>
      <section className="card narrow" aria-labelledby="join-title">
        <h2 id="join-title" className="card-title">
          {t("cohorts.join.submit")}
        </h2>
        <Form method="post" noValidate ref={form} key={result?.ok ? result.doneAt : "join"}>
          {result?.ok ? <FormMessage kind="success">{t(result.message, { cohort: result.cohort })}</FormMessage> : null}
          <Field
            label={t("cohorts.join.code")}
            name="code"
            autoComplete="off"
            autoCapitalize="characters"
            maxLength={20}
            defaultValue={result && !result.ok ? result.code : ""}
            error={result && !result.ok ? t(result.message) : undefined}
            required
          />
          <button type="submit" className="button wide" disabled={busy}>
            {t("cohorts.join.submit")}
          </button>
        </Form>
      </section>
      {requests.length ? (
        <section aria-labelledby="requests-title" className="stack">
          <h2 id="requests-title">{t("cohorts.join.requests")}</h2>
          <DataTable
            rows={requests}
            rowKey={(r) => r.id}
            columns={[
              { label: t("cohorts.col.name"), rowHeader: true, cell: (r) => r.name },
              { label: t("cohorts.join.requests"), cell: (r) => r.at },
              { label: t("cohorts.col.action"), cell: (r) => <span className="badge">{t(`cohorts.request.${r.status}`)}</span> },
            ]}
          />
        </section>
      ) : null}
      <section aria-labelledby="history-title" className="stack">
        <h2 id="history-title">{t("cohorts.join.history")}</h2>
        <DataTable
          rows={history}
          rowKey={(h) => h.id}
          empty={t("cohorts.join.none")}
          columns={[
            { label: t("cohorts.col.name"), rowHeader: true, cell: (h) => h.name },
            { label: t("cohorts.col.trackTier"), cell: (h) => `${t(`track.${h.track}`)} · ${t(`grading.tier.${h.tier}`)} · ${t("cohorts.year", { year: h.year })}` },
            { label: t("cohorts.col.dates"), cell: (h) => t("cohorts.dates", h.dates) },
            {
              label: t("cohorts.join.history"),
              cell: (h) => (h.leftOn ? t("cohorts.members.left", { date: h.leftOn }) : <span className="badge">{t("cohorts.join.current")}</span>),
            },
          ]}
        />
      </section>
    </div>
  );
}
