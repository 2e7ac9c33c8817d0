import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { FilterSelect } from "~/components/filter-select";
import { KeysetPagination } from "~/components/pagination";
import { requirePageRequest } from "~/models/keyset.server";
import { db } from "~/db.server";
import { inReach } from "~/domain/reach";
import { requireReach } from "~/guards.server";
import { translate, useT, type MessageKey } from "~/i18n";
import { auditListKey, auditTargetNames, listAuditEvents, type AuditAction, type AuditTargetNames } from "~/models/audit.server";
import { isRole, type Role } from "~/domain/roles";
import { isReminderKind, type ReminderKind } from "~/domain/reminders";

export const meta: MetaFunction = () => [{ title: "审计日志 · 百城学堂" }];
const pageSize = 50;
/** Filter groups: an event's action starts with the group's prefix. */
const groups = ["login", "password", "user", "users.imported", "org", "mentor_units", "certificate", "showcase", "assignments", "outcomes", "exports", "queue", "reach", "cohort", "session", "attendance", "delivery", "reminders"] as const;

const sentenceOf = {
  "login.succeeded": "audit.e.login.succeeded",
  "login.failed": "audit.e.login.failed",
  "login.rate_limited": "audit.e.login.rate_limited",
  "login.code_failed": "audit.e.login.code_failed",
  "login.code_rate_limited": "audit.e.login.code_rate_limited",
  "login.invite_by_code": "audit.e.login.invite_by_code",
  logout: "audit.e.logout",
  "logout.all": "audit.e.logout.all",
  "password.changed": "audit.e.password.changed",
  "password.set_by_link": "audit.e.password.set_by_link",
  "password.rate_limited": "audit.e.password.rate_limited",
  "user.sign_in_unlocked": "audit.e.user.sign_in_unlocked",
  "user.created": "audit.e.user.created",
  "user.updated": "audit.e.user.updated",
  "user.roles_changed": "audit.e.user.roles_changed",
  "user.deactivated": "audit.e.user.deactivated",
  "user.reactivated": "audit.e.user.reactivated",
  "user.link_issued": "audit.e.user.link_issued",
  "users.imported": "audit.e.users.imported",
  "users.links_issued": "audit.e.users.links_issued",
  "users.links_downloaded": "audit.e.users.links_downloaded",
  "org.created": "audit.e.org.created",
  "org.renamed": "audit.e.org.renamed",
  "org.moved": "audit.e.org.moved",
  "org.archived": "audit.e.org.archived",
  "outcomes.target_set": "audit.e.outcomes.target_set",
  "outcomes.milestone_marked": "audit.e.outcomes.milestone_marked",
  "exports.created": "audit.e.exports.created",
  "showcase.approved": "audit.e.showcase.approved",
  "showcase.rejected": "audit.e.showcase.rejected",
  "certificate.issued": "audit.e.certificate.issued",
  "certificate.revoked": "audit.e.certificate.revoked",
  "certificate.reissued": "audit.e.certificate.reissued",
  "certificates.batch_issued": "audit.e.certificates.batch_issued",
  "assignments.reassigned": "audit.e.assignments.reassigned",
  "queue.retried": "audit.e.queue.retried",
  "queue.promoted": "audit.e.queue.promoted",
  "reach.refused": "audit.e.reach.refused",
  "mentor_units.changed": "audit.e.mentor_units.changed",
  "cohort.created": "audit.e.cohort.created",
  "cohort.updated": "audit.e.cohort.updated",
  "cohort.member_added": "audit.e.cohort.member_added",
  "cohort.member_removed": "audit.e.cohort.member_removed",
  "cohort.code_created": "audit.e.cohort.code_created",
  "cohort.code_revoked": "audit.e.cohort.code_revoked",
  "cohort.join_requested": "audit.e.cohort.join_requested",
  "cohort.join_approved": "audit.e.cohort.join_approved",
  "cohort.join_declined": "audit.e.cohort.join_declined",
  "cohort.messaged": "audit.e.cohort.messaged",
  "session.created": "audit.e.session.created",
  "session.signed_up": "audit.e.session.signed_up",
  "session.enrolled": "audit.e.session.enrolled",
  "session.cancelled_place": "audit.e.session.cancelled_place",
  "session.promoted": "audit.e.session.promoted",
  "attendance.marked": "audit.e.attendance.marked",
  "attendance.checked_in": "audit.e.attendance.checked_in",
  "attendance.sheet_uploaded": "audit.e.attendance.sheet_uploaded",
  "attendance.sheet_removed": "audit.e.attendance.sheet_removed",
  "delivery.resent": "audit.e.delivery.resent",
  "messages.unsubscribed": "audit.e.messages.unsubscribed",
  "reminders.switched_off": "audit.e.reminders.switched_off",
  "reminders.switched_on": "audit.e.reminders.switched_on",
} as const satisfies Record<AuditAction, MessageKey>;

function isAuditAction(action: string): action is AuditAction {
  return Object.hasOwn(sentenceOf, action);
}

/** The sentence of one event: its message and the names and facts it mentions. */
function describe(
  event: { action: string; target_type: string | null; target_id: string | null; details: Record<string, unknown>; actor_name: string | null },
  names: AuditTargetNames,
  zh: (key: MessageKey) => string,
): { key: MessageKey | null; params: Record<string, string | number> } {
  const d = event.details ?? {};
  const text = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : "");
  const roleList = (v: unknown) => (Array.isArray(v) ? v.map((r) => (isRole(String(r)) ? zh(`role.${String(r) as Role}`) : String(r))).join("、") || "—" : "—");
  const id = event.target_id ?? "";
  const certificate = names.certificates.get(id);
  const submission = names.submissions.get(id);
  const target =
    names.users.get(id) ?? names.orgUnits.get(id) ?? certificate?.number ?? (submission ? `${submission.taskTitle}（${submission.trainee}）` : text(d.name) || zh("audit.someone"));
  const params: Record<string, string | number> = {
    actor: event.actor_name ?? zh("common.system"),
    target,
    account: text(d.account),
    from: event.action === "user.roles_changed" ? roleList(d.from) : text(d.from),
    to: event.action === "user.roles_changed" ? roleList(d.to) : text(d.to),
    purpose: d.purpose === "reset" ? zh("audit.purpose.reset") : zh("audit.purpose.invite"),
    file: text(d.fileName),
    imported: text(d.imported),
    rejected: text(d.rejected),
    value: text(d.target),
    milestone: d.milestone === "distinctive" ? zh("audit.milestone.distinctive") : zh("audit.milestone.standardised"),
    holder: certificate?.holder ?? zh("audit.someone"),
    number: certificate?.number ?? text(d.number),
    trainee: submission?.trainee ?? zh("audit.someone"),
    task: submission?.taskTitle ?? zh("audit.someone"),
    count: text(d.total ?? d.count),
    attempted: text(d.attempted),
    cohort: text(d.cohort),
    title: text(d.title),
    session: text(d.session),
    status: text(d.status),
    format: d.format === "sheet" ? zh("audit.format.sheet") : zh("audit.format.csv"),
    reminder: isReminderKind(text(d.kind)) ? zh(`channels.kind.${text(d.kind) as ReminderKind}`) : text(d.kind),
  };
  return { key: isAuditAction(event.action) ? sentenceOf[event.action] : null, params };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "audit.view");
  const url = new URL(request.url);
  const asked = url.searchParams.get("action") ?? "";
  const action = (groups as readonly string[]).includes(asked) ? asked : "";
  const page = requirePageRequest(url, auditListKey, { size: pageSize });
  const { rows, next, prev } = await listAuditEvents(db(), { action: action || undefined, scopePath: me.reach.path, page });
  const names = await auditTargetNames(db(), rows);
  const zh = (key: MessageKey) => translate("zh-CN", key);
  return json({
    // An address is shown only for actors inside the reader's own reach (not a superior's sign-ins).
    events: rows.map(({ actor_path, ip, ...r }) => ({
      ...r,
      sentence: describe(r, names, zh),
      ip: r.actor_name === null || inReach(me.reach, actor_path) ? ip : null,
      at: new Date(r.at).toISOString(),
    })),
    next,
    prev,
    action,
  });
}

const time = new Intl.DateTimeFormat("zh-CN", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Shanghai" });
const noWrap = { whiteSpace: "nowrap" } as const;

export default function AuditLog() {
  const { events, next, prev, action } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{t("admin.audit")}</h1>
      <p className="lead">{t("admin.audit.lead")}</p>
      <Form method="get" className="toolbar card">
        <FilterSelect
          name="action"
          label={t("audit.col.action")}
          value={action}
          options={groups.map((g) => ({ value: g, label: t(`audit.group.${g}`) }))}
        />
        <button type="submit" className="button">
          {t("users.filter.apply")}
        </button>
      </Form>
      <DataTable
        rows={events}
        rowKey={(e) => e.id}
        empty={t("audit.empty")}
        columns={[
          { label: t("audit.col.at"), cell: (e) => time.format(new Date(e.at)), cellStyle: noWrap, headerStyle: noWrap },
          { label: t("audit.col.actor"), cell: (e) => e.actor_name ?? t("common.system"), cellStyle: { ...noWrap, minWidth: "5em" }, headerStyle: noWrap },
          {
            label: t("audit.col.action"),
            cell: (e) => (
              <>
                {e.sentence.key ? t(e.sentence.key, e.sentence.params) : e.action}
                <details className="raw">
                  <summary>{t("audit.raw")}</summary>
                  <pre>{JSON.stringify({ action: e.action, target: e.target_type ? `${e.target_type}:${e.target_id}` : null, details: e.details }, null, 2)}</pre>
                </details>
              </>
            ),
          },
          { label: t("audit.col.ip"), cell: (e) => e.ip ?? "—", cellStyle: noWrap },
        ]}
      />
      <KeysetPagination next={next} prev={prev} />
    </>
  );
}
