// A coordinator's home (/admin): what needs doing in their region, and the filters its figures open.
import type { Messages } from "../types";

export const coordinatorMessages = {
  "attention.title": { zh: "待办事项", en: "What needs doing" },
  "attention.lead": { zh: "{region}及下级单位的情况，每个数字都可以点开查看名单。", en: "In {region} and the units below it; each figure opens its list." },
  "attention.open": { zh: "查看名单", en: "Open the list" },
  "attention.waiting": { zh: "等待导师超过 {days} 天的作业", en: "Work waiting for a mentor over {days} days" },
  "attention.waiting.hint": { zh: "已提交或重新提交、尚未评定，提交已超过 {days} 天。", en: "Handed in or resubmitted, not yet decided, more than {days} days ago." },
  "attention.invited": { zh: "已邀请但从未登录", en: "Invited but never signed in" },
  "attention.invited.hint": { zh: "账号正常，从未登录过，已发放邀请链接或尚未设置密码。", en: "Active accounts never signed in to that were given an invitation link or have no password yet." },
  "attention.stalled": { zh: "{days} 天无学习进展的学员", en: "Trainees stalled for {days} days" },
  "attention.stalled.hint": {
    zh: "登录过、账号已满 {days} 天的学员，{days} 天内没有阅读模块、保存或提交作业、参加测验。",
    en: "Trainees who have signed in, with accounts older than {days} days, who in the last {days} days read no module, saved or handed in no work and took no quiz.",
  },
  "attention.eligible": { zh: "符合条件、尚未发证", en: "Eligible, certificate not yet issued" },
  "attention.eligible.hint": { zh: "已满足某一级别的发证条件，但还没有有效证书。", en: "Meet a tier's certificate rule but hold no valid certificate for it." },
  "attention.expiring": { zh: "{days} 天内到期的证书", en: "Certificates expiring within {days} days" },
  "attention.expiring.hint": { zh: "目前有效，有效期在 {days} 天内结束。", en: "Valid now, with validity ending within {days} days." },
  "attention.sections": { zh: "管理功能", en: "Administration" },
  "filter.active": { zh: "当前筛选：{label}", en: "Filtered: {label}" },
  "filter.clear": { zh: "清除筛选", en: "Clear the filter" },
  "users.attention.invited": { zh: "已邀请但从未登录", en: "Invited but never signed in" },
  "users.attention.stalled": { zh: "{days} 天无学习进展的学员", en: "Trainees stalled for {days} days" },
  "assignments.filter.overdue": { zh: "等待超过 {days} 天", en: "Waiting over {days} days" },
  "certs.status.expiring": { zh: "{days} 天内到期", en: "Expiring within {days} days" },
} satisfies Messages;
