// 万件优秀成果展示: the public showcase and its admin approval.
import type { Messages } from "../types";

export const showcaseMessages = {
  "nav.showcase": { zh: "成果展示", en: "Showcase" },
  "showcase.title": { zh: "万件优秀成果展示", en: "Showcase of excellent outcomes" },
  "showcase.lead": {
    zh: "由导师推荐、管理员审核的优秀实践成果。所有内容均经作者同意公开，不含服务对象的个人信息。",
    en: "Excellent work nominated by mentors and approved by administrators, published with the authors' consent and without any beneficiary's personal data.",
  },
  "showcase.filter.theme": { zh: "主题", en: "Theme" },
  "showcase.empty": { zh: "这里还没有展示的成果。", en: "Nothing is shown here yet." },
  "showcase.more": { zh: "更多", en: "More" },
  "showcase.author": { zh: "作者：{name}", en: "By {name}" },
  "showcase.people": { zh: "服务 {people} 人", en: "{people} people reached" },
  "showcase.read": { zh: "阅读全文", en: "Read" },
  "showcase.back": { zh: "返回成果展示", en: "Back to the showcase" },
  "showcase.section.plan": { zh: "活动方案", en: "Plan" },
  "showcase.section.reflection": { zh: "反思与改进", en: "Reflection" },
  "showcase.section.text": { zh: "成果正文", en: "The work" },
  "showcase.admin.title": { zh: "优秀成果审核", en: "Showcase approval" },
  "showcase.admin.lead": { zh: "导师推荐的成果，经审核后公开展示。只有作者同意公开的成果才能通过。", en: "Work nominated by mentors; approved items are published. Only work whose author consented can be approved." },
  "showcase.admin.approve": { zh: "通过并公开", en: "Approve and publish" },
  "showcase.admin.reject": { zh: "不通过", en: "Reject" },
  "showcase.admin.empty": { zh: "暂无推荐。", en: "No nominations." },
  "showcase.admin.noConsent": { zh: "作者没有同意公开，不能通过。", en: "The author did not consent; it cannot be approved." },
  "showcase.admin.notOpen": { zh: "这条推荐已经处理过了。", en: "This nomination was already decided." },
  "showcase.admin.done": { zh: "已处理。", en: "Done." },
  "showcase.status.nominated": { zh: "待审核", en: "Nominated" },
  "showcase.status.approved": { zh: "已公开", en: "Published" },
  "showcase.status.rejected": { zh: "未通过", en: "Rejected" },
  "showcase.admin.by": { zh: "{mentor} 推荐", en: "Nominated by {mentor}" },
} satisfies Messages;
