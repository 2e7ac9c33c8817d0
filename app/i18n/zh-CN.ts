// Simplified Chinese: the primary language of the UI.
export const zhCN = {
  "app.name": "百城学堂",
  "app.tagline": "心关爱·进百城 人才培养平台",
  "nav.home": "首页",
  "nav.main": "主导航",
  "nav.skip": "跳到主要内容",
  "footer.text": "心关爱·进百城 公益项目 · 人才培养平台（网校）",
  "home.title": "百城学堂：让每一位心理工作者在短时间内具备心理服务能力",
  "home.lead":
    "百城学堂是“心关爱·进百城”公益项目的人才培养平台。我们以工作内容为教学任务，以工作成果监管培养效果：学员在学校和社区开展真实的心理健康服务，提交实践证据，由专家导师依据评分量规评阅，逐级获得证书。",
  "home.tracks": "两条线",
  "home.tiers": "四级人才培养",
  "home.tiers.lead": "从普及到督导，每一级以一张证书结业。",
  "home.targets": "百千万目标",
  "home.targets.lead": "每个地区、每条线、每个项目年度的目标，由经过审核的实践成果自动计算。",
  "home.themes": "四大服务主题",
  "home.year": "第 {year} 年",
  "home.certificate": "结业证书：{title}",
  "theme.promotion": "心理健康促进",
  "theme.crisis": "危机干预",
  "theme.career": "职业生涯规划",
  "theme.family": "家庭教育",
  "error.notFound.title": "页面不存在",
  "error.notFound.body": "您访问的页面不存在或已被移动。",
  "error.forbidden.title": "没有访问权限",
  "error.generic.title": "抱歉，出了点问题",
  "error.generic.body": "系统暂时无法完成您的请求。请稍后再试；如果问题持续，请联系项目管理员。",
  "error.backHome": "返回首页",
} as const;

export type MessageKey = keyof typeof zhCN;
