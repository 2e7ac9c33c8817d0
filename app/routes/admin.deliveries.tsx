import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { FilterSelect } from "~/components/filter-select";
import { FormMessage, useRevealError } from "~/components/form";
import { getConfig } from "~/config.server";
import { db } from "~/db.server";
import { isProgrammeWide } from "~/domain/reach";
import { reminderKinds } from "~/domain/reminders";
import { deliveriesForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { refuseOutsideReach, requireReach } from "~/guards.server";
import { formatDateTime } from "~/i18n/dates";
import { useT, type MessageKey } from "~/i18n";
import { listDeliveries, type DeliveryCursor } from "~/models/deliveries.server";
import { resendFailedDelivery } from "~/services/deliveries.server";
import { dispatchAfterCommit } from "~/services/dispatch.server";
import type { DeliveryStatus } from "../../db/schema";
import { MoreLinks } from "~/components/pagination";

export const meta: MetaFunction = () => [{ title: "短信与邮件发送记录 · 百城学堂" }];

const pageSize = 50;
const knownKinds = ["submission.passed", "submission.not_passed", "submission.returned", "certificate.issued", "certificate.reissued", "certificate.revoked", "assignment.new", "submission.resubmitted", "draft.files_expiring", ...reminderKinds] as const;
function isKnownKind(kind: string): kind is (typeof knownKinds)[number] {
  return (knownKinds as readonly string[]).includes(kind);
}
const statuses = ["failed", "retrying", "queued", "sending", "sent", "skipped"] as const satisfies readonly DeliveryStatus[];

function isStatus(value: string): value is DeliveryStatus {
  return (statuses as readonly string[]).includes(value);
}

/** "<ISO time>_<uuid>": the last row of the previous page. Anything else is the first page. */
function readCursor(value: string | null): DeliveryCursor | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)_([0-9a-f-]{36})$/.exec(value ?? "");
  if (!match || Number.isNaN(Date.parse(match[1]!))) return undefined;
  return { createdAt: match[1]!, id: match[2]! };
}

// Admins; a regional admin sees the deliveries of people inside their own subtree only.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "deliveries.manage");
  const url = new URL(request.url);
  const asked = url.searchParams.get("status") ?? "";
  const status = isStatus(asked) ? asked : undefined;
  const before = readCursor(url.searchParams.get("before"));
  const rows = await listDeliveries(db(), { scopePath: me.reach.path, programmeWide: isProgrammeWide(me.reach), status, before, limit: pageSize + 1 });
  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  const channels = getConfig().channels;
  return json({
    rows: page.map((r) => ({
      ...r,
      created_at: new Date(r.created_at).toISOString(),
      not_before: r.not_before ? new Date(r.not_before).toISOString() : null,
      sent_at: r.sent_at ? new Date(r.sent_at).toISOString() : null,
    })),
    status: status ?? "",
    next: rows.length > pageSize && last ? `${new Date(last.created_at).toISOString()}_${last.id}` : null,
    paged: before !== undefined,
    channelsOn: Boolean(channels.email || channels.sms),
  });
}

type Result = { ok: true } | { ok: false; error: MessageKey };

export async function action({ request, context }: ActionFunctionArgs) {
  const me = requireReach(request, context, "deliveries.manage");
  const input = fieldsOf(await readForm(request), deliveriesForm);
  const result = await resendFailedDelivery(db(), { actorId: me.id, reach: me.reach, id: input.id, ip: context.ip, now: new Date() });
  if (result.outcome === "notFound") return refuseOutsideReach(context, { attempted: "delivery.resend", targetType: "delivery", targetId: input.id.slice(0, 100) });
  if (result.outcome === "notFailed") return json<Result>({ ok: false, error: "deliveries.error.notFailed" }, { status: 409 });
  await dispatchAfterCommit(result.jobs);
  return json<Result>({ ok: true });
}

const statusClass: Record<DeliveryStatus, string> = { sent: "tone-positive", failed: "tone-danger", retrying: "tone-warning", queued: "tone-pending", sending: "tone-pending", skipped: "tone-neutral" };

export default function Deliveries() {
  const { rows, status, next, paged, channelsOn } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const reveal = useRevealError<HTMLDivElement>(result && !result.ok ? result : null);
  return (
    <div className="stack" ref={reveal}>
      <h1>{t("deliveries.title")}</h1>
      <p className="lead">{t("deliveries.lead")}</p>
      {channelsOn ? null : <FormMessage kind="info">{t("deliveries.channelsOff")}</FormMessage>}
      {result?.ok ? <FormMessage kind="success">{t("deliveries.resent")}</FormMessage> : null}
      {result && !result.ok ? <FormMessage kind="error">{t(result.error)}</FormMessage> : null}
      <Form method="get" className="toolbar card">
        <FilterSelect name="status" label={t("deliveries.filter.status")} value={status} options={statuses.map((s) => ({ value: s, label: t(`deliveries.status.${s}`) }))} />
        <button type="submit" className="button">
          {t("users.filter.apply")}
        </button>
      </Form>
      <DataTable
        rows={rows}
        rowKey={(r) => r.id}
        empty={t("deliveries.empty")}
        caption={t("deliveries.title")}
        columns={[
          { label: t("deliveries.col.at"), cell: (r) => formatDateTime(r.created_at), cellStyle: { whiteSpace: "nowrap" } },
          { label: t("deliveries.col.person"), rowHeader: true, cell: (r) => <Link to={`/admin/users/${r.user_id}`}>{r.user_name}</Link> },
          { label: t("deliveries.col.channel"), cell: (r) => t(r.channel === "sms" ? "channel.sms" : "channel.email") },
          { label: t("deliveries.col.template"), cell: (r) => (isKnownKind(r.template) ? t(`channels.kind.${r.template}`) : r.template) },
          {
            label: t("deliveries.col.status"),
            cell: (r) => (
              <span className={`badge ${statusClass[r.status]}`} data-status={r.status}>
                {t(`deliveries.status.${r.status}`)}
              </span>
            ),
          },
          {
            label: t("deliveries.col.detail"),
            cell: (r) => (
              <div className="stack">
                <div className="hint">{t("deliveries.attempts", { count: r.attempts })}</div>
                {r.not_before && r.status === "queued" ? <div className="hint">{t("deliveries.notBefore", { time: formatDateTime(r.not_before) })}</div> : null}
                {r.provider_id ? <div className="hint">{t("deliveries.providerId", { id: r.provider_id })}</div> : null}
                {r.error ? <div className="hint">{r.error}</div> : null}
                {r.status === "failed" ? (
                  <Form method="post">
                    <input type="hidden" name="id" value={r.id} />
                    <button type="submit" name="intent" value="resend" className="button secondary" disabled={busy}>
                      {t("deliveries.resend")}
                    </button>
                  </Form>
                ) : null}
              </div>
            ),
          },
        ]}
      />
      <MoreLinks next={next} paged={paged} param="before" label={t("deliveries.title")} firstLabel={t("deliveries.first")} moreLabel={t("deliveries.more")} />
    </div>
  );
}
