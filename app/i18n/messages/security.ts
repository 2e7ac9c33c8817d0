// The request edge (refused requests), sign-in throttling and the hygiene of names.
import type { Messages } from "../types";

export const securityMessages = {
  "edge.tooLarge": {
    zh: "提交的内容过大（上限 {limit}），请求已被拒绝。",
    en: "The request body is too large (limit {limit}) and was refused.",
  },
  "edge.timeout": {
    zh: "提交内容的上传时间过长，请求已中止，请检查网络后重试。",
    en: "The request body took too long to arrive; check your connection and try again.",
  },
  "edge.unsupportedType": {
    zh: "请通过页面上的表单提交（application/x-www-form-urlencoded 或 multipart/form-data）。",
    en: "Submit through the page's form (application/x-www-form-urlencoded or multipart/form-data).",
  },
  "edge.badForm": {
    zh: "提交的表单内容无法读取，请刷新页面后重试。",
    en: "The submitted form could not be read; reload the page and try again.",
  },
  "edge.crossOrigin": {
    zh: "跨站请求已被拒绝。",
    en: "Cross-origin request refused.",
  },
  "edge.serverError": {
    zh: "抱歉，服务器出错了，请稍后再试。",
    en: "Sorry, something went wrong on our side. Please try again later.",
  },
  "login.error.slowDown": {
    zh: "登录失败次数较多，请 {seconds} 秒后再试。",
    en: "Several sign-ins failed; try again in {seconds} seconds.",
  },
  "login.error.accountCeiling": {
    zh: "该账号近期有大量失败的登录尝试，已暂停新设备登录。请在以前登录过的设备上登录，或请管理员解除登录限制。",
    en: "This account has had many failed sign-ins lately, so sign-ins from new devices are paused. Sign in on a device you used before, or ask an administrator to lift the limit.",
  },
  "login.error.network": {
    zh: "该网络的登录失败次数过多，请 {minutes} 分钟后再试。",
    en: "Too many failed sign-ins from this network; try again in {minutes} minutes.",
  },
  "password.error.slowDown": {
    zh: "当前密码输错次数较多，请 {seconds} 秒后再试。",
    en: "The current password was wrong several times; try again in {seconds} seconds.",
  },
  "users.signIn.title": { zh: "登录限制", en: "Sign-in limits" },
  "users.signIn.clear": { zh: "该账号目前没有登录限制。", en: "This account has no sign-in limits at the moment." },
  "users.signIn.throttled": {
    zh: "最近一小时有 {failures} 次失败的登录尝试，可能有人在猜测密码。",
    en: "{failures} failed sign-ins in the last hour; someone may be guessing the password.",
  },
  "users.signIn.help": {
    zh: "确认是本人后，可解除限制：清除所有失败计数，本人可立即重新登录。",
    en: "Once you know it is the owner, lift the limits: every failure count is cleared and they can sign in at once.",
  },
  "users.signIn.unlock": { zh: "解除登录限制", en: "Lift sign-in limits" },
  "users.signIn.unlocked": { zh: "已解除登录限制。", en: "Sign-in limits lifted." },
  "name.error.invisible": {
    zh: "姓名必须包含可见的文字。",
    en: "The name must contain visible characters.",
  },
  "name.error.controlCharacters": {
    zh: "姓名不能包含不可见的控制字符（如文字方向控制符、零宽字符），请重新输入。",
    en: "The name must not contain invisible control characters (direction overrides, zero-width characters); type it again.",
  },
  "import.row.nameInvisible": {
    zh: "姓名没有可见的文字。",
    en: "The name has no visible characters.",
  },
  "import.row.nameControlCharacters": {
    zh: "姓名含有不可见的控制字符（如文字方向控制符、零宽字符）。",
    en: "The name contains invisible control characters (direction overrides, zero-width characters).",
  },
} satisfies Messages;
