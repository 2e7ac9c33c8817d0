import { catalog } from "~/catalog/catalog.server";
import { smsParam } from "~/domain/channels";
import { describeNotification, type DisplayNames } from "~/domain/notifications";
import { translate, type MessageKey } from "~/i18n";
import type { EmailContent, SmsContent } from "./types";

// What a message says by e-mail and by SMS, from the same facts the in-app notification shows.

function displayNames(): DisplayNames {
  const { program } = catalog();
  return {
    track: (id) => program.tracks.find((t) => t.id === id)?.title.zh ?? id,
    tier: (id) => program.tiers.find((t) => t.id === id)?.title.zh ?? id,
    certificate: (id) => program.tiers.find((t) => t.id === id)?.certificateTitle.zh ?? id,
  };
}

const zh = (key: MessageKey, params?: Record<string, string | number>) => translate("zh-CN", key, params);

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** A reminder or other message that is not an in-app notification kind carries its own text and link. */
interface PlainPayload {
  text?: unknown;
  href?: unknown;
}

export interface ComposedMessage {
  email: EmailContent;
  sms: SmsContent;
}

function smsFor(kind: string, params: Record<string, string | number>, fallbackText: string): SmsContent {
  const task = smsParam(String(params.task ?? ""));
  switch (kind) {
    case "submission.passed":
      return { template: "decision", params: { task, result: "通过" } };
    case "submission.not_passed":
      return { template: "decision", params: { task, result: "未通过" } };
    case "submission.returned":
      return { template: "returned", params: { task } };
    case "certificate.issued":
      return { template: "certificate", params: { number: String(params.number ?? ""), event: "已颁发" } };
    case "certificate.reissued":
      return { template: "certificate", params: { number: String(params.number ?? ""), event: "已重新颁发" } };
    case "certificate.revoked":
      return { template: "certificate", params: { number: String(params.number ?? ""), event: "已被撤销" } };
    case "assignment.new":
    case "submission.resubmitted":
      return { template: "mentoring", params: { task } };
    default: {
      const generic: SmsContent = { template: "reminder", params: { text: smsParam(fallbackText, 35) } };
      const own = reminderSms(kind, params);
      return own ? { ...own, fallback: generic } : generic;
    }
  }
}

/** A scheduled reminder's own SMS template (decision 027), from the facts the notification shows. */
function reminderSms(kind: string, params: Record<string, string | number>): Omit<SmsContent, "fallback"> | null {
  const p = (name: string, max = 20) => smsParam(String(params[name] ?? ""), max);
  switch (kind) {
    case "reminder.draft_idle":
      return { template: "reminderDraft", params: { task: p("task"), days: p("days") } };
    case "reminder.returned_idle":
      return { template: "reminderReturned", params: { task: p("task"), days: p("days") } };
    case "reminder.cohort_due":
      return { template: "reminderDue", params: { task: p("task"), date: p("date") } };
    case "reminder.session_tomorrow":
      return { template: "reminderSession", params: { title: p("title"), time: p("time") } };
    case "reminder.certificate_expiring":
      return { template: "reminderCertificate", params: { number: p("number"), date: p("date") } };
    case "reminder.assignment_digest":
      return { template: "reminderDigest", params: { date: p("date"), count: p("count") } };
    case "reminder.mentor_waiting":
      return { template: "reminderWaiting", params: { task: p("task"), days: p("days") } };
    case "reminder.coordinator_waiting":
      return { template: "reminderEscalation", params: { unit: p("unit"), task: p("task"), days: p("days") } };
    default:
      return null;
  }
}

/**
 * The e-mail and SMS of one message, or null when there is nothing to say (a payload this version
 * cannot read). Links are absolute, from APP_URL; the unsubscribe link is added by the sender.
 */
export function composeMessage(kind: string, payload: Record<string, unknown>, appUrl: string, unsubscribeUrl: string): ComposedMessage | null {
  const view = describeNotification(kind, payload, displayNames());
  let text: string;
  let href: string;
  let params: Record<string, string | number> = {};
  let quote: string | null = null;
  let linkText: string;
  if (view) {
    text = zh(view.titleKey, view.params);
    href = view.href;
    params = view.params;
    quote = view.quote;
    linkText = zh(view.linkKey);
  } else {
    const plain = payload as PlainPayload;
    if (typeof plain.text !== "string" || !plain.text) return null;
    text = plain.text;
    href = typeof plain.href === "string" && plain.href.startsWith("/") ? plain.href : "/";
    linkText = zh("channels.email.open");
  }
  const link = `${appUrl}${href}`;
  const subject = `【百城学堂】${[...text].length > 60 ? `${[...text].slice(0, 59).join("")}…` : text}`;
  const footer = zh("channels.email.footer");
  const stop = zh("channels.email.unsubscribe");
  const email: EmailContent = {
    subject,
    text: [text, quote ? `\n“${quote}”` : "", `\n${linkText}：${link}`, `\n\n—\n${footer}\n${stop}：${unsubscribeUrl}`].join(""),
    html: [
      `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><body style="font-family:sans-serif;line-height:1.6;color:#1f2933">`,
      `<p>${escapeHtml(text)}</p>`,
      quote ? `<blockquote style="margin:0 0 1em;padding-left:1em;border-left:3px solid #cbd2d9">${escapeHtml(quote)}</blockquote>` : "",
      `<p><a href="${escapeHtml(link)}">${escapeHtml(linkText)}</a></p>`,
      `<hr><p style="font-size:13px;color:#52606d">${escapeHtml(footer)}<br><a href="${escapeHtml(unsubscribeUrl)}">${escapeHtml(stop)}</a></p>`,
      `</body></html>`,
    ].join(""),
  };
  return { email, sms: smsFor(kind, params, text) };
}

/** A one-time code by e-mail or SMS (SMS: the provider's approved "code" template). */
export function codeMessage(code: string, purpose: "verify" | "signIn"): ComposedMessage {
  const what = purpose === "verify" ? zh("channels.code.verifyPurpose") : zh("channels.code.signInPurpose");
  const text = zh("channels.code.text", { code, purpose: what });
  return {
    email: {
      subject: `【百城学堂】${zh("channels.code.subject", { purpose: what })}`,
      text: `${text}\n\n—\n${zh("channels.email.footer")}`,
      html: `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><body style="font-family:sans-serif;line-height:1.6"><p>${escapeHtml(text)}</p><p style="font-size:28px;letter-spacing:4px"><strong>${escapeHtml(code)}</strong></p></body></html>`,
    },
    sms: { template: "code", params: { code } },
  };
}
