// The notification centre (/notifications) and the bell in the site header.
import type { Messages } from "../types";

export const notificationMessages = {
  "notif.title": { zh: "通知", en: "Notifications" },
  "notif.lead": {
    zh: "评阅结果、退回修改、证书颁发与撤销、活动报名与候补递补等消息会在这里提醒你。",
    en: "Grades, work returned for revision, certificates issued or revoked, and session places and waitlist moves are announced here.",
  },
  // The bell's accessible name starts with its visible text ("通知" and the count), as WCAG 2.5.3 asks.
  "notif.nav.label": { zh: "通知：{count} 条未读", en: "Notifications: {count} unread" },
  "notif.nav.labelMany": { zh: "通知：99 条以上未读", en: "Notifications: 99+ unread" },
  "notif.unreadSummary": { zh: "当前有 {count} 条未读。", en: "{count} unread." },
  "notif.allReadSummary": { zh: "没有未读通知。", en: "Nothing unread." },
  "notif.unread": { zh: "未读", en: "Unread" },
  "notif.markRead": { zh: "标为已读", en: "Mark as read" },
  "notif.markAll": { zh: "全部标为已读", en: "Mark all as read" },
  "notif.markedAll": { zh: "已将 {count} 条通知标为已读。", en: "{count} notifications marked as read." },
  "notif.empty": {
    zh: "暂时没有通知。提交的作业评阅完成、被退回修改，或证书颁发、撤销时，会在这里提醒你。",
    en: "No notifications yet. You will be told here when your work is graded or returned, and when a certificate is issued or revoked.",
  },
  "notif.list": { zh: "通知列表", en: "Notification list" },
  "notif.error.notFound": { zh: "找不到这条通知。", en: "That notification was not found." },
  "notif.error.unknown": { zh: "无法识别的操作，请刷新页面后重试。", en: "Unknown action; reload the page and try again." },

  "notif.kind.submission.passed": { zh: "你提交的「{task}」已通过评阅，得分 {score}。", en: "Your work “{task}” passed, with {score} points." },
  "notif.kind.submission.not_passed": {
    zh: "你提交的「{task}」未通过评阅，得分 {score}。",
    en: "Your work “{task}” did not pass ({score} points).",
  },
  "notif.kind.submission.returned": {
    zh: "你提交的「{task}」被退回修改，请根据导师意见修改后重新提交。",
    en: "Your work “{task}” was returned for revision: revise it as the mentor suggests and submit it again.",
  },
  "notif.kind.certificate.issued": {
    zh: "你的「{certificate}」证书（{track} · {tier}）已颁发，编号 {number}。",
    en: "Your “{certificate}” certificate ({track}, {tier}) has been issued, number {number}.",
  },
  "notif.kind.certificate.reissued": {
    zh: "你的「{certificate}」证书（{track} · {tier}）已重新颁发，新编号 {number}；原证书 {previousNumber} 已被取代。",
    en: "Your “{certificate}” certificate ({track}, {tier}) was reissued as {number}; {previousNumber} is superseded.",
  },
  "notif.kind.certificate.revoked": {
    zh: "你的「{certificate}」证书（{track} · {tier}，编号 {number}）已被撤销。",
    en: "Your “{certificate}” certificate ({track}, {tier}, number {number}) has been revoked.",
  },
  "notif.kind.submission.resubmitted": { zh: "「{task}」已按意见修改并重新提交（第 {round} 轮），请再次评阅。", en: "“{task}” was revised and resubmitted (round {round}); please grade it again." },
  "notif.kind.assignment.new": { zh: "新的评阅任务：「{task}」已分配给你。", en: "New work to grade: “{task}” has been assigned to you." },
  "notif.kind.draft.files_expiring": {
    zh: "你的「{task}」草稿已超过 {days} 天没有更新，其中上传的材料将于 {date} 清除。如需保留，请在此之前打开草稿并保存一次。",
    en: "Your draft “{task}” has not been touched for over {days} days; its uploaded files will be cleared on {date}. To keep them, open the draft and save it before then.",
  },
  "notif.kind.cohort.message": { zh: "期次“{cohort}”的通知：{title}", en: "From the cohort “{cohort}”: {title}" },
  // Session events (issue 17).
  "notif.kind.session.enrolled": { zh: "你已报名「{title}」（{when}），请准时参加。", en: "You have a place at “{title}” ({when}). Please be on time." },
  "notif.kind.session.waitlisted": {
    zh: "「{title}」（{when}）名额已满，你已进入候补名单；有人取消时会按先后顺序自动补上并通知你。",
    en: "“{title}” ({when}) is full; you are on the waiting list. When someone cancels, places go in order and you will be told.",
  },
  "notif.kind.session.promoted": {
    zh: "有人取消了报名，你已从候补转为正式报名：「{title}」（{when}）。如不能参加，请及时取消，把名额让给他人。",
    en: "A place opened up: you are now enrolled in “{title}” ({when}). If you cannot come, please cancel so someone else can go.",
  },
  "notif.kind.session.cancelled": { zh: "你在「{title}」（{when}）的报名已取消。", en: "Your place at “{title}” ({when}) has been cancelled." },
  "notif.kind.unknown": { zh: "一条系统通知。", en: "A system notice." },

  "notif.quote.submission.returned": { zh: "导师意见：", en: "Mentor’s note: " },
  "notif.quote.certificate.revoked": { zh: "撤销原因：", en: "Reason: " },
  "notif.quote.cohort.message": { zh: "内容：", en: "Message: " },

  "notif.link.task": { zh: "查看任务", en: "View the task" },
  "notif.link.certificate": { zh: "查看并下载证书", en: "View and download" },
  "notif.link.verify": { zh: "查看验证页", en: "See the verification page" },
  "notif.link.grade": { zh: "去评阅", en: "Grade it" },
  "notif.link.cohorts": { zh: "查看我的期次", en: "See my cohorts" },
  "notif.link.session": { zh: "查看活动", en: "View the session" },
} satisfies Messages;
