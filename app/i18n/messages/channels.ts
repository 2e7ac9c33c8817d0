// Messages outside the app: e-mail text, the delivery log, people's choices, unsubscribe.
import type { Messages } from "../types";

export const channelMessages = {
  "channels.email.open": { zh: "打开百城学堂", en: "Open Baicheng" },
  "channels.email.footer": {
    zh: "这封邮件由百城学堂自动发送，请勿直接回复。可在“个人资料 › 消息提醒”中选择接收哪些消息。",
    en: "Sent automatically by Baicheng; please do not reply. Choose which messages you receive under Profile › Messages.",
  },
  "channels.email.unsubscribe": { zh: "不再通过邮件接收此类消息", en: "Stop e-mails of this kind" },
  "channel.email": { zh: "电子邮件", en: "E-mail" },
  "channel.sms": { zh: "短信", en: "SMS" },

  "deliveries.title": { zh: "短信与邮件发送记录", en: "SMS and e-mail deliveries" },
  "deliveries.lead": {
    zh: "每一条发出的短信和邮件都记录在这里：发给谁、通过什么渠道、是否送出。发送失败的可以重新发送。",
    en: "Every SMS and e-mail is logged here: to whom, by which channel, and whether it went. Failed ones can be sent again.",
  },
  "deliveries.filter.status": { zh: "状态", en: "Status" },
  "deliveries.status.queued": { zh: "排队中", en: "Queued" },
  "deliveries.status.retrying": { zh: "重试中", en: "Retrying" },
  "deliveries.status.sending": { zh: "发送中", en: "Sending" },
  "deliveries.status.sent": { zh: "已发送", en: "Sent" },
  "deliveries.status.failed": { zh: "发送失败", en: "Failed" },
  "deliveries.status.skipped": { zh: "未发送", en: "Skipped" },
  "deliveries.col.at": { zh: "时间", en: "Time" },
  "deliveries.col.person": { zh: "接收人", en: "Recipient" },
  "deliveries.col.channel": { zh: "渠道", en: "Channel" },
  "deliveries.col.template": { zh: "消息", en: "Message" },
  "deliveries.col.status": { zh: "状态", en: "Status" },
  "deliveries.col.detail": { zh: "详情", en: "Details" },
  "deliveries.attempts": { zh: "尝试 {count} 次", en: "{count} attempt(s)" },
  "deliveries.notBefore": { zh: "免打扰，{time} 后发送", en: "Quiet hours: after {time}" },
  "deliveries.providerId": { zh: "回执号 {id}", en: "Receipt {id}" },
  "deliveries.resend": { zh: "重新发送", en: "Send again" },
  "deliveries.resent": { zh: "已重新加入发送队列。", en: "Queued to be sent again." },
  "deliveries.error.notFailed": { zh: "这条消息不是发送失败状态，无需重新发送。", en: "This message has not failed; there is nothing to resend." },
  "deliveries.empty": { zh: "没有符合条件的发送记录。", en: "No deliveries match." },
  "deliveries.more": { zh: "更早的记录", en: "Older" },
  "deliveries.first": { zh: "回到最新", en: "Newest" },
  "deliveries.channelsOff": {
    zh: "尚未配置短信或邮件渠道，消息只在站内通知中显示。配置方法见 README 的“配置”一节。",
    en: "No SMS or e-mail channel is configured; messages appear in the app only. See Configuration in the README.",
  },
} satisfies Messages;
