// UI text for the site shell, home page and error pages: zh-CN first, English second.
import type { Messages } from "../types";

export const shellMessages = {
  "app.name": {
    zh: "百城学堂",
    en: "Baicheng LMS",
  },
  "app.tagline": {
    zh: "心关爱·进百城 人才培养平台",
    en: "Heart Care · into a Hundred Cities — talent-training platform",
  },
  "nav.home": {
    zh: "首页",
    en: "Home",
  },
  "nav.main": {
    zh: "主导航",
    en: "Main navigation",
  },
  "nav.menu": {
    zh: "菜单",
    en: "Menu",
  },
  "nav.skip": {
    zh: "跳到主要内容",
    en: "Skip to main content",
  },
  "footer.text": {
    zh: "心关爱·进百城 公益项目 · 人才培养平台（网校）",
    en: "Heart Care · into a Hundred Cities public-welfare programme · talent-training platform",
  },
  "home.cta.start": { zh: "登录开始学习", en: "Sign in to start learning" },
  "home.cta.learn": { zh: "进入我的学习", en: "Go to my learning" },
  "home.cta.verify": { zh: "查验证书真伪", en: "Verify a certificate" },
  "home.cta.showcase": { zh: "看优秀成果", en: "See outstanding work" },
  "home.figures.title": { zh: "第{year}年进展（全项目，截至{date}）", en: "Year {year} so far (whole programme, as of {date})" },
  "home.figures.lead": { zh: "数字来自审核通过的实践与颁发的证书，每五分钟更新一次。", en: "Figures come from approved field work and issued certificates, refreshed every five minutes." },
  "home.figures.value": { zh: "已完成 {figure} / 目标 {target}", en: "{figure} of {target} so far" },
  "home.figures.label": { zh: "{title}：已完成 {figure}，目标 {target}", en: "{title}: {figure} of {target}" },
  "home.title": {
    zh: "百城学堂：让每一位心理工作者在短时间内具备心理服务能力",
    en: "Baicheng LMS: service ability for every mental-health worker, quickly",
  },
  "home.lead": {
    zh: "百城学堂是“心关爱·进百城”公益项目的人才培养平台。我们以工作内容为教学任务，以工作成果监管培养效果：学员在学校和社区开展真实的心理健康服务，提交实践证据，由专家导师依据评分量规评阅，逐级获得证书。",
    en: "Baicheng LMS is the talent-training platform of the Heart Care programme. Real work is the coursework: trainees run mental-health activities in schools and communities, submit evidence, expert mentors grade it against rubrics, and each tier ends in a certificate.",
  },
  "home.tracks": {
    zh: "两条线",
    en: "Two tracks",
  },
  "home.tiers": {
    zh: "四级人才培养",
    en: "Four training tiers",
  },
  "home.tiers.lead": {
    zh: "从普及到督导，每一级以一张证书结业。",
    en: "From foundation to supervision, each tier ends in a certificate.",
  },
  "home.targets": {
    zh: "百千万目标",
    en: "The 100/1,000/10,000 targets",
  },
  "home.targets.lead": {
    zh: "每个地区、每条线、每个项目年度的目标，由经过审核的实践成果自动计算。",
    en: "Targets per region, track and programme year, computed from approved field work.",
  },
  "home.themes": {
    zh: "四大服务主题",
    en: "Four service themes",
  },
  "home.year": {
    zh: "第 {year} 年",
    en: "Year {year}",
  },
  "home.certificate": {
    zh: "结业证书：{title}",
    en: "Certificate: {title}",
  },
  "theme.promotion": {
    zh: "心理健康促进",
    en: "Mental-health promotion",
  },
  "theme.crisis": {
    zh: "危机干预",
    en: "Crisis intervention",
  },
  "theme.career": {
    zh: "职业生涯规划",
    en: "Career planning",
  },
  "theme.family": {
    zh: "家庭教育",
    en: "Family education",
  },
  "error.notFound.title": {
    zh: "页面不存在",
    en: "Page not found",
  },
  "error.notFound.body": {
    zh: "您访问的页面不存在或已被移动。",
    en: "The page you asked for does not exist or has moved.",
  },
  "error.forbidden.title": {
    zh: "没有访问权限",
    en: "Access denied",
  },
  "error.generic.title": {
    zh: "抱歉，出了点问题",
    en: "Sorry, something went wrong",
  },
  "error.generic.body": {
    zh: "系统暂时无法完成您的请求。请稍后再试；如果问题持续，请联系项目管理员。",
    en: "We could not complete your request. Please try again later; if it persists, contact the programme administrator.",
  },
  "error.backHome": {
    zh: "返回首页",
    en: "Back to home",
  },
} satisfies Messages;
