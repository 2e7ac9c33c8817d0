// The queue board (/admin/queues): its card on the admin home, its link from the assignments page,
// and the answers its guard gives outside Remix.
import type { Messages } from "../types";

export const queueMessages = {
  "queues.title": { zh: "任务队列", en: "Job queues" },
  "queues.lead": {
    zh: "后台任务的实时状态：等待、进行中、已完成和失败的任务，失败的任务可以重试。",
    en: "Live state of the background jobs: waiting, active, completed and failed; failed jobs can be retried.",
  },
  "queues.boardTitle": { zh: "百城学堂 · 任务队列", en: "Baicheng · Job queues" },
  "queues.backToAdmin": { zh: "返回管理后台", en: "Back to administration" },
  "queues.openBoard": { zh: "在任务队列面板中查看全部任务并重试", en: "See every job and retry on the queue board" },
  "queues.forbidden": { zh: "您没有权限查看任务队列。", en: "You do not have permission to view the job queues." },
  "queues.home": { zh: "返回首页", en: "Back to the home page" },
  "queues.actionRefused": {
    zh: "任务队列面板只能重试失败的任务或提前执行延迟的任务。后台工作由数据库记录决定：要取消或修改，请在对应的管理页面操作。",
    en: "The queue board only retries failed jobs and runs delayed jobs now. The database decides what work exists: cancel or change it from its admin page.",
  },
  "queues.description.scoring": { zh: "自动评分：测验判分、完整性检查和任务分数", en: "Auto-scoring: quizzes, completeness checks and task scores" },
  "queues.description.routing": { zh: "为提交的作业分配导师", en: "Assigns a mentor to submitted work" },
  "queues.description.eligibility": { zh: "每次评分后重新判断证书资格", en: "Re-evaluates certificate eligibility after every grade" },
  "queues.description.certificates": { zh: "生成证书 PDF 和签名凭证", en: "Renders certificate PDFs and signed credentials" },
  "queues.description.notifications": { zh: "站内通知", en: "In-app notifications" },
  "queues.description.maintenance": {
    zh: "每分钟把数据库中待办、但 Redis 中丢失的任务重新排队",
    en: "Every minute, re-queues work the database says is pending but Redis has lost",
  },
  "queues.description.exports": { zh: "生成 CSV 导出文件", en: "Builds CSV exports" },
  "queues.icon.redis": { zh: "Redis 服务器信息", en: "Redis server details" },
  "queues.icon.fullscreen": { zh: "切换全屏", en: "Toggle full screen" },
  "queues.icon.settings": { zh: "设置", en: "Settings" },
  "queues.icon.menu": { zh: "菜单", en: "Menu" },
  "queues.icon.moreActions": { zh: "更多操作", en: "More actions" },
  "queues.icon.duplicateJob": { zh: "复制为新作业", en: "Duplicate job" },
  "queues.icon.removeJob": { zh: "清理作业", en: "Remove job" },
  "queues.icon.copy": { zh: "复制到剪贴板", en: "Copy to clipboard" },
} satisfies Messages;
