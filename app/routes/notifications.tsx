import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { catalog } from "~/catalog/catalog.server";
import { FormMessage } from "~/components/form";
import { Pagination, pageFromUrl } from "~/components/pagination";
import { db } from "~/db.server";
import { notificationsForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { describeNotification, type DisplayNames } from "~/domain/notifications";
import { requireUser } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { formatDateTime } from "~/i18n/dates";
import { listNotifications, markAllNotificationsRead, markNotificationRead } from "~/models/notifications.server";
import { useUnreadNotifications } from "~/root";

export const meta: MetaFunction = () => [{ title: "通知 · 百城学堂" }];

const pageSize = 20;
const maxIdLength = 200;

function displayNames(): DisplayNames {
  const { program } = catalog();
  return {
    track: (id) => program.tracks.find((t) => t.id === id)?.title.zh ?? id,
    tier: (id) => program.tiers.find((t) => t.id === id)?.title.zh ?? id,
    certificate: (id) => program.tiers.find((t) => t.id === id)?.certificateTitle.zh ?? id,
  };
}

const formatTime = formatDateTime;

// Any signed-in user; only their own notifications, newest first.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireUser(request, context);
  const url = new URL(request.url);
  const page = pageFromUrl(url);
  const { rows, total } = await listNotifications(db(), me.id, { page, pageSize });
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (page > pages) throw redirect(pages > 1 ? `/notifications?page=${pages}` : "/notifications");
  const names = displayNames();
  return json({
    page,
    pageSize,
    total,
    /** "Mark all as read" marks what was there when the page was shown, not what arrived since. */
    seenAt: new Date().toISOString(),
    items: rows.map((r) => ({
      id: r.id,
      read: r.read_at !== null,
      createdAt: r.created_at.toISOString(),
      time: formatTime(r.created_at),
      view: describeNotification(r.kind, r.payload, names),
    })),
  });
}

interface ActionResult {
  intent: "read" | "readAll" | "unknown";
  ok: boolean;
  error?: MessageKey;
  marked?: number;
  id?: string;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = requireUser(request, context);
  const input = fieldsOf(await readForm(request), notificationsForm);
  const { intent } = input;
  const reply = (result: ActionResult, status = 200) => json<ActionResult>(result, { status });

  if (input.intent === "read") {
    const { id } = input;
    // Someone else's notification answers exactly like one that does not exist.
    if (!id || id.length > maxIdLength || !(await markNotificationRead(db(), { userId: me.id, id }))) {
      return reply({ intent, ok: false, error: "notif.error.notFound", id }, 404);
    }
    return reply({ intent, ok: true, id });
  }
  if (intent === "readAll") {
    const now = new Date();
    const given = new Date(input.intent === "readAll" ? input.seenAt : "");
    const seenAt = Number.isNaN(given.getTime()) || given > now ? now : given;
    const marked = await markAllNotificationsRead(db(), { userId: me.id, seenAt });
    return reply({ intent, ok: true, marked });
  }
  return reply({ intent: "unknown", ok: false, error: "notif.error.unknown" }, 400);
}

type Item = ReturnType<typeof useLoaderData<typeof loader>>["items"][number];

function NotificationItem({ item }: { item: Item }) {
  const t = useT();
  const fetcher = useFetcher<typeof action>();
  const linkRef = useRef<HTMLAnchorElement>(null);
  const textId = `notif-${item.id}`;
  const marking = fetcher.state !== "idle";
  const read = item.read || (marking && fetcher.formData?.get("intent") === "read");
  const failed = fetcher.state === "idle" && fetcher.data && !fetcher.data.ok ? fetcher.data.error : undefined;
  // The button goes away once the item is read: keep keyboard focus in the same item.
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) linkRef.current?.focus();
  }, [fetcher.state, fetcher.data]);
  const view = item.view;
  return (
    <li className={`card notification${read ? "" : " unread"}`}>
      <p className="notification-meta">
        {read ? null : <span className="badge warn">{t("notif.unread")}</span>}
        <time dateTime={item.createdAt} className="muted">
          {item.time}
        </time>
      </p>
      <p id={textId} className="notification-text">
        {view ? t(view.titleKey, view.params) : t("notif.kind.unknown")}
      </p>
      {view?.quote ? (
        <p className="feedback">
          {t(view.kind === "certificate.revoked" ? "notif.quote.certificate.revoked" : view.kind === "cohort.message" ? "notif.quote.cohort.message" : "notif.quote.submission.returned")}
          {view.quote}
        </p>
      ) : null}
      <div className="actions">
        {view ? (
          <Link ref={linkRef} to={view.href} aria-describedby={textId}>
            {t(view.linkKey)}
          </Link>
        ) : null}
        {read ? null : (
          <fetcher.Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="read" />
            <input type="hidden" name="id" value={item.id} />
            <button type="submit" className="button secondary" aria-describedby={textId} disabled={marking}>
              {t("notif.markRead")}
            </button>
          </fetcher.Form>
        )}
      </div>
      {failed ? <FormMessage kind="error">{t(failed)}</FormMessage> : null}
    </li>
  );
}

export default function Notifications() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const unread = useUnreadNotifications();
  const statusRef = useRef<HTMLDivElement>(null);
  const markingAll = navigation.state === "submitting" && navigation.formData?.get("intent") === "readAll";
  useEffect(() => {
    if (result?.intent === "readAll" && result.ok) statusRef.current?.focus();
  }, [result]);

  return (
    <div className="stack">
      <div className="page-header">
        <h1>{t("notif.title")}</h1>
        {unread > 0 ? (
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="readAll" />
            <input type="hidden" name="seenAt" value={data.seenAt} />
            <button type="submit" className="button secondary" disabled={markingAll}>
              {t("notif.markAll")}
            </button>
          </Form>
        ) : null}
      </div>
      <p className="muted">
        {t("notif.lead")}
        {unread > 0 ? t("notif.unreadSummary", { count: unread >= 100 ? "99+" : unread }) : t("notif.allReadSummary")}
      </p>
      <div ref={statusRef} tabIndex={-1}>
        {result?.intent === "readAll" && result.ok ? <FormMessage kind="success">{t("notif.markedAll", { count: result.marked ?? 0 })}</FormMessage> : null}
        {result && !result.ok && result.error ? <FormMessage kind="error">{t(result.error)}</FormMessage> : null}
      </div>
      {data.items.length === 0 ? (
        <p className="empty card">{t("notif.empty")}</p>
      ) : (
        <ol className="notification-list" aria-label={t("notif.list")}>
          {data.items.map((item) => (
            <NotificationItem key={item.id} item={item} />
          ))}
        </ol>
      )}
      <Pagination page={data.page} pageSize={data.pageSize} total={data.total} />
    </div>
  );
}
