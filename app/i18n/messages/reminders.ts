// Scheduled reminders (docs/decisions/027-reminders.md): what each says in the notification centre,
// its name where people choose channels, and the admin page that switches kinds off per region.
import type { Messages } from "../types";

export const reminderMessages = {
  // The notification centre (and the e-mail's text, which is the same sentence).
  "notif.kind.reminder.draft_idle": {
    zh: "你的「{task}」草稿已 {days} 天没有更新，记得继续完成并提交。",
    en: "Your draft of “{task}” has not been touched for {days} days; remember to finish and submit it.",
  },
  "notif.kind.reminder.returned_idle": {
    zh: "「{task}」退回修改已 {days} 天，还没有重新提交。请根据导师意见修改后提交。",
    en: "“{task}” was returned for revision {days} days ago and has not been resubmitted; revise it as the mentor suggests and submit it.",
  },
  "notif.kind.reminder.mentor_waiting": {
    zh: "「{task}」已等待你评阅 {days} 天，请尽快处理。",
    en: "“{task}” has been waiting for your grading for {days} days; please grade it soon.",
  },
  "notif.kind.reminder.coordinator_waiting": {
    zh: "{unit}学员{trainee}提交的「{task}」已等待评阅 {days} 天，请协调导师尽快处理。",
    en: "“{task}” by {trainee} ({unit}) has been waiting {days} days for a mentor; please see that it is graded.",
  },
  "notif.kind.reminder.certificate_expiring": {
    zh: "你的「{certificate}」证书（{track} · {tier}，编号 {number}）将于 {date} 到期，还有 {days} 天。请联系所在地区的管理员办理续期。",
    en: "Your “{certificate}” certificate ({track}, {tier}; number {number}) expires on {date}, in {days} days. Ask your region’s administrator to renew it.",
  },
  "notif.kind.reminder.assignment_digest": {
    zh: "{date}有 {count} 份作业分配给你评阅：{tasks}。",
    en: "{count} pieces of work were assigned to you for grading on {date}: {tasks}.",
  },
  "notif.kind.reminder.session_tomorrow": {
    zh: "你报名的「{title}」将于明天（{date}）{time} 开始，请准时参加。",
    en: "“{title}”, which you signed up for, starts tomorrow ({date}) at {time}. Please be on time.",
  },
  "notif.kind.reminder.cohort_due": {
    zh: "「{task}」将于 {date} 截止，还有 {days} 天，你还没有提交。",
    en: "“{task}” is due on {date}, in {days} days, and you have not submitted it yet.",
  },
  "notif.link.renew": { zh: "查看证书与续期说明", en: "See the certificate and how to renew" },
  "notif.link.session": { zh: "查看活动安排", en: "See the session" },
  "notif.link.queue": { zh: "查看作业", en: "See the work" },

  // Where people choose what reaches them (/profile) and the delivery log.
  "channels.kind.reminder.draft_idle": { zh: "草稿 7 天未更新", en: "Draft untouched for 7 days" },
  "channels.kind.reminder.returned_idle": { zh: "退回作业 7 天未重新提交", en: "Returned work not resubmitted after 7 days" },
  "channels.kind.reminder.cohort_due": { zh: "期次任务 3 天后截止", en: "Cohort task due in 3 days" },
  "channels.kind.reminder.session_tomorrow": { zh: "明天的培训活动", en: "A session tomorrow" },
  "channels.kind.reminder.certificate_expiring": { zh: "证书即将到期（提前 90、30、7 天）", en: "Certificate expiring (90, 30 and 7 days ahead)" },
  "channels.kind.reminder.assignment_digest": { zh: "新评阅任务每日汇总", en: "Daily digest of new work to grade" },
  "channels.kind.reminder.mentor_waiting": { zh: "作业等待评阅 5 天", en: "Work waiting 5 days for grading" },
  "channels.kind.reminder.coordinator_waiting": { zh: "本地区作业等待评阅 10 天（协调员）", en: "Work in your region waiting 10 days (coordinators)" },

  // /admin/reminders
  "reminders.title": { zh: "定时提醒", en: "Scheduled reminders" },
  "reminders.lead": {
    zh: "系统按北京时间自动发送以下提醒（站内通知，并按各人的选择发送短信或邮件，21:00–08:00 不发）。可按单位关闭某类提醒：关闭后对该单位及其下级单位的所有人生效。",
    en: "These reminders go out by themselves, timed in Beijing time (in the app, and by SMS or e-mail as each person chooses; never 21:00–08:00). A kind switched off for a unit is off for everyone in that unit and below it.",
  },
  "reminders.unit": { zh: "单位", en: "Unit" },
  "reminders.unitHint": { zh: "只能设置您负责的单位及其下级单位。", en: "Only your own unit and the units below it." },
  "reminders.show": { zh: "查看", en: "Show" },
  "reminders.col.kind": { zh: "提醒", en: "Reminder" },
  "reminders.col.who": { zh: "发给", en: "Sent to" },
  "reminders.col.when": { zh: "时间", en: "When" },
  "reminders.col.state": { zh: "状态", en: "State" },
  "reminders.col.action": { zh: "操作", en: "Change" },
  "reminders.state.on": { zh: "开启", en: "On" },
  "reminders.state.off": { zh: "已关闭", en: "Off" },
  "reminders.state.offAbove": { zh: "已由上级单位“{unit}”关闭", en: "Off: switched off by “{unit}” above" },
  "reminders.turnOff": { zh: "关闭", en: "Switch off" },
  "reminders.turnOn": { zh: "开启", en: "Switch on" },
  "reminders.turnOffLabel": { zh: "在{unit}关闭“{kind}”", en: "Switch “{kind}” off for {unit}" },
  "reminders.turnOnLabel": { zh: "在{unit}开启“{kind}”", en: "Switch “{kind}” on for {unit}" },
  "reminders.saved.off": { zh: "已在“{unit}”关闭“{kind}”。", en: "“{kind}” is now off for “{unit}”." },
  "reminders.saved.on": { zh: "已在“{unit}”开启“{kind}”。", en: "“{kind}” is now on for “{unit}”." },
  "reminders.below": { zh: "下级单位的设置", en: "Switched off below" },
  "reminders.belowLead": { zh: "以下下级单位关闭了部分提醒，只对各自单位及其下级生效。", en: "These units below switched some reminders off, for themselves and the units below them." },
  "reminders.belowEmpty": { zh: "下级单位没有关闭任何提醒。", en: "No unit below has switched anything off." },
  "reminders.col.unit": { zh: "单位", en: "Unit" },
  "reminders.col.by": { zh: "操作人", en: "By" },
  "reminders.error.kind": { zh: "无法识别的提醒类型，请刷新页面后重试。", en: "Unknown reminder; reload the page and try again." },
  "reminders.error.ancestor": {
    zh: "该提醒已由上级单位“{unit}”关闭，只能由上级单位的管理员重新开启。",
    en: "This reminder was switched off by “{unit}” above; only that unit’s administrators can switch it on again.",
  },
  "reminders.who.trainee": { zh: "学员", en: "Trainees" },
  "reminders.who.mentor": { zh: "导师", en: "Mentors" },
  "reminders.who.coordinator": { zh: "地区协调员（最近一级的管理员）", en: "Coordinators (the nearest unit’s administrators)" },
  "reminders.when.reminder.draft_idle": { zh: "最后一次保存或上传附件后第 7 天；再次修改后重新计算", en: "On the 7th day after the last save or upload; a new edit starts again" },
  "reminders.when.reminder.returned_idle": { zh: "退回后第 7 天仍未重新提交；每次退回一次", en: "On the 7th day after a return, if not resubmitted; once per return" },
  "reminders.when.reminder.cohort_due": { zh: "截止日前 3 天起，发给尚未提交或未通过的在册成员；每个截止日一次", en: "From 3 days before the due date, to current members who have not submitted or passed it; once per date" },
  "reminders.when.reminder.session_tomorrow": { zh: "活动前一天，发给已报名者（不含候补和已取消）", en: "The day before, to those enrolled (not waitlisted or cancelled)" },
  "reminders.when.reminder.certificate_expiring": { zh: "到期前 90、30、7 天各一次，附续期说明", en: "90, 30 and 7 days before, each once, with how to renew" },
  "reminders.when.reminder.assignment_digest": { zh: "每天一次，汇总前一天新分配的作业，代替逐份的短信和邮件", en: "Once a day: the work assigned the day before, instead of a message per assignment" },
  "reminders.when.reminder.mentor_waiting": { zh: "提交（或改派给该导师）后第 5 天仍未评阅；每轮一次", en: "On the 5th day after hand-in (or reassignment) if still ungraded; once per round" },
  "reminders.when.reminder.coordinator_waiting": { zh: "提交后第 10 天仍未评定，发给最近一级单位的管理员", en: "On the 10th day after hand-in if still undecided, to the nearest unit’s administrators" },
  "admin.reminders.lead": { zh: "按单位开启或关闭草稿、退回、评阅、证书到期、培训活动和截止日期提醒。", en: "Switch the reminders of drafts, returns, grading, certificates, sessions and due dates on or off per unit." },

  // The audit log and the queue board.
  "audit.group.reminders": { zh: "定时提醒", en: "Reminders" },
  "audit.e.reminders.switched_off": { zh: "{actor}在“{target}”关闭了提醒“{reminder}”", en: "{actor} switched the reminder “{reminder}” off for “{target}”" },
  "audit.e.reminders.switched_on": { zh: "{actor}在“{target}”重新开启了提醒“{reminder}”", en: "{actor} switched the reminder “{reminder}” on again for “{target}”" },
  "queues.name.reminders": { zh: "定时提醒", en: "Reminders" },
  "queues.description.reminders": {
    zh: "每小时（北京时间整点）检查一次：草稿、退回、待评阅、证书到期、培训活动和截止日期提醒，每人每期只发一次",
    en: "Every hour on the hour (Beijing time): drafts, returns, waiting work, expiring certificates, sessions and due dates, once per person and period",
  },
} satisfies Messages;
