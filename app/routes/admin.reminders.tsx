import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { ChoiceField, FormMessage, useRevealError } from "~/components/form";
import { db } from "~/db.server";
import { inReach } from "~/domain/reach";
import { reminderAudience, reminderKinds, switchedOffBy, type ReminderKind } from "~/domain/reminders";
import { reminderSwitchForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { refuseOutsideReach, requireReach } from "~/guards.server";
import { formatDateTime } from "~/i18n/dates";
import { useT, type MessageKey } from "~/i18n";
import { orgOptions } from "~/models/org-options.server";
import { getOrgUnit } from "~/models/orgs.server";
import { reminderSwitches } from "~/models/reminders.server";
import { setReminderSwitch } from "~/services/reminders.server";

// Scheduled reminders per region (docs/decisions/027-reminders.md): the kinds, and for one unit of the
// admin's reach (their own by default) which are on, off there, or off by a unit above. Switching a kind
// off applies to the unit's whole subtree; a regional admin can change only units inside their own.

export const meta: MetaFunction = () => [{ title: "定时提醒 · 百城学堂" }];

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Regions are provinces, cities and districts: the picker stops there (a deeper unit can still be opened by its id). */
const pickerLevels = 4;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "reminders.manage");
  const asked = new URL(request.url).searchParams.get("unit") ?? "";
  const unitId = asked || me.reach.unitId;
  const unit = uuid.test(unitId) ? await getOrgUnit(db(), unitId) : undefined;
  if (!unit || unit.archived_at || !inReach(me.reach, unit.path)) {
    return refuseOutsideReach(context, { attempted: "reminders.view", targetType: "org_unit", targetId: unitId.slice(0, 100) });
  }
  const [options, switches] = await Promise.all([orgOptions(db(), { within: me.reach.path, maxLevel: pickerLevels }), reminderSwitches(db())]);
  const here = (kind: string) => switches.find((s) => s.unitId === unit.id && s.kind === kind);
  const kinds = reminderKinds.map((kind) => {
    const own = here(kind);
    const above = switchedOffBy(kind, unit.path, switches.filter((s) => s.unitId !== unit.id));
    return {
      kind,
      audience: reminderAudience[kind],
      state: own ? ("off" as const) : above ? ("offAbove" as const) : ("on" as const),
      aboveUnit: above?.unitName ?? null,
      by: own?.byName ?? null,
      at: own ? formatDateTime(own.at) : null,
    };
  });
  const labelOf = new Map(options.map((o) => [o.id, o.label]));
  // Units below this one that switched something off: theirs, not this page's to change here.
  const below = switches
    .filter((s) => s.path !== unit.path && s.path.startsWith(unit.path))
    .map((s) => ({ key: `${s.unitId}|${s.kind}`, unitId: s.unitId, unit: labelOf.get(s.unitId) ?? s.unitName, kind: s.kind, by: s.byName, at: formatDateTime(s.at) }));
  return json({
    unit: { id: unit.id, name: unit.name },
    options: (labelOf.has(unit.id) ? options : [...options, { id: unit.id, label: unit.name, path: unit.path }]).map(({ id, label }) => ({ id, label })),
    kinds,
    below,
  });
}

type Result = { ok: true; to: "on" | "off"; kind: ReminderKind; unit: string } | { ok: false; error: MessageKey; params?: Record<string, string> };

export async function action({ request, context }: ActionFunctionArgs) {
  const me = requireReach(request, context, "reminders.manage");
  const input = fieldsOf(await readForm(request), reminderSwitchForm);
  const outcome = await setReminderSwitch(db(), { actorId: me.id, reach: me.reach, unitId: input.orgUnitId, kind: input.kind, on: input.to === "on", ip: context.ip });
  if (!outcome.ok && outcome.problem === "notFound") {
    return refuseOutsideReach(context, { attempted: "reminders.switch", targetType: "org_unit", targetId: input.orgUnitId.slice(0, 100), details: { kind: input.kind.slice(0, 100), to: input.to } });
  }
  if (!outcome.ok && outcome.problem === "kind") return json<Result>({ ok: false, error: "reminders.error.kind" }, { status: 400 });
  if (!outcome.ok) return json<Result>({ ok: false, error: "reminders.error.ancestor", params: { unit: outcome.problem === "ancestor" ? outcome.unitName : "" } }, { status: 409 });
  return json<Result>({ ok: true, to: input.to, kind: input.kind as ReminderKind, unit: outcome.unit.name });
}

const stateClass = { on: "tone-positive", off: "tone-warning", offAbove: "tone-neutral" } as const;

export default function Reminders() {
  const { unit, options, kinds, below } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const reveal = useRevealError<HTMLDivElement>(result && !result.ok ? result : null);
  const kindName = (kind: string) => t(`channels.kind.${kind as ReminderKind}`);
  return (
    <div className="stack" ref={reveal}>
      <h1>{t("reminders.title")}</h1>
      <p className="lead">{t("reminders.lead")}</p>
      {result?.ok ? <FormMessage kind="success">{t(result.to === "on" ? "reminders.saved.on" : "reminders.saved.off", { unit: result.unit, kind: kindName(result.kind) })}</FormMessage> : null}
      {result && !result.ok ? <FormMessage kind="error">{t(result.error, result.params)}</FormMessage> : null}
      <Form method="get" className="toolbar card">
        <ChoiceField label={t("reminders.unit")} name="unit" id="reminders-unit" hint={t("reminders.unitHint")} defaultValue={unit.id} options={options.map((o) => ({ value: o.id, label: o.label }))} />
        <button type="submit" className="button">
          {t("reminders.show")}
        </button>
      </Form>
      <h2>{unit.name}</h2>
      <DataTable
        rows={kinds}
        rowKey={(k) => k.kind}
        caption={t("reminders.title")}
        columns={[
          {
            label: t("reminders.col.kind"),
            rowHeader: true,
            cell: (k) => (
              <>
                <strong>{kindName(k.kind)}</strong>
                <div className="hint">{t(`reminders.when.${k.kind}`)}</div>
              </>
            ),
          },
          { label: t("reminders.col.who"), cell: (k) => t(`reminders.who.${k.audience}`) },
          {
            label: t("reminders.col.state"),
            // Inline, so a phone reads "状态：开启" on one line.
            cell: (k) => (
              <>
                <span className={`badge ${stateClass[k.state]}`} data-state={k.state}>
                  {k.state === "offAbove" ? t("reminders.state.offAbove", { unit: k.aboveUnit ?? "" }) : t(k.state === "on" ? "reminders.state.on" : "reminders.state.off")}
                </span>
                {k.state === "off" && k.by ? (
                  <span className="hint">
                    {k.by} · {k.at}
                  </span>
                ) : null}
              </>
            ),
          },
          {
            label: t("reminders.col.action"),
            cell: (k) =>
              k.state === "offAbove" ? (
                <span className="hint">—</span>
              ) : (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="orgUnitId" value={unit.id} />
                  <input type="hidden" name="kind" value={k.kind} />
                  <input type="hidden" name="to" value={k.state === "on" ? "off" : "on"} />
                  <button
                    type="submit"
                    name="intent"
                    value="set"
                    className={k.state === "on" ? "button secondary" : "button"}
                    disabled={busy}
                    aria-label={t(k.state === "on" ? "reminders.turnOffLabel" : "reminders.turnOnLabel", { unit: unit.name, kind: kindName(k.kind) })}
                  >
                    {t(k.state === "on" ? "reminders.turnOff" : "reminders.turnOn")}
                  </button>
                </Form>
              ),
          },
        ]}
      />
      <section className="stack" aria-labelledby="below-title">
        <h2 id="below-title">{t("reminders.below")}</h2>
        {below.length ? <p className="hint">{t("reminders.belowLead")}</p> : null}
        <DataTable
          rows={below}
          rowKey={(b) => b.key}
          empty={t("reminders.belowEmpty")}
          caption={t("reminders.below")}
          columns={[
            { label: t("reminders.col.unit"), rowHeader: true, cell: (b) => <Link to={`/admin/reminders?unit=${b.unitId}`}>{b.unit}</Link> },
            { label: t("reminders.col.kind"), cell: (b) => kindName(b.kind) },
            { label: t("reminders.col.by"), cell: (b) => (b.by ? `${b.by} · ${b.at}` : b.at) },
          ]}
        />
      </section>
    </div>
  );
}
