// Regional administration: what an admin may do where (docs/decisions/008-reach.md).
import type { Messages } from "../types";

export const reachMessages = {
  "reach.error.outsideReach": { zh: "所选单位不在您负责的范围内，请选择本地区的单位。", en: "That unit is outside your region; choose one in your own region." },
  "reach.error.roleAboveOwn": { zh: "您不能授予高于自己的角色。", en: "You cannot grant a role above your own." },
  "reach.error.adminAtOrAbove": {
    zh: "只能为您所在单位的下级单位设置管理员；同级或上级管理员须由上级管理员设置。",
    en: "You can make administrators only for units below your own; peers and superiors are set by a higher administrator.",
  },
  "reach.error.self": { zh: "不能在此修改自己的账号，请到“个人资料”页面修改。", en: "You cannot change your own account here; use your profile page." },
  "reach.error.atOrAbove": {
    zh: "该用户是与您同级或更高级别的管理员，只能由上级管理员修改。",
    en: "This person is an administrator at your level or above; only a higher administrator can change them.",
  },
  "reach.error.ownUnit": {
    zh: "不能重命名、移动或归档您自己所在的单位，请联系上级管理员。",
    en: "You cannot rename, move or archive your own unit; ask a higher administrator.",
  },
  "reach.error.adminNeedsUnit": { zh: "管理员必须归属一个单位，其管理范围就是该单位及其下级。", en: "An administrator must belong to a unit: their reach is that unit and everything below it." },
  "reach.readOnly": { zh: "只读：{reason}", en: "Read only: {reason}" },
  "reach.scope": { zh: "管理范围：{unit}", en: "Your region: {unit}" },
  "import.row.outsideReach": { zh: "单位“{value}”不在您负责的范围内", en: "Unit “{value}” is outside your region" },
  "import.row.roleNotAllowed": { zh: "您不能在“{value}”设置管理员（只能设置在下级单位）", en: "You cannot make an administrator at “{value}” (only below your own unit)" },
  "users.link.inactive": { zh: "账号已停用，不能生成链接。请先重新启用。", en: "The account is deactivated; reactivate it before creating a link." },
  "pool.title": { zh: "导师服务范围", en: "Units this mentor serves" },
  "pool.help": {
    zh: "这些单位（及其下级）提交的作业会分配给该导师。一位导师可以服务多个单位，例如一个市的导师库。",
    en: "Work from these units (and below) is routed to this mentor. A mentor may serve several units, such as a city's pool.",
  },
  "pool.empty": { zh: "尚未设置服务单位，系统不会给该导师分配作业。", en: "No units yet: no work will be routed to this mentor." },
  "pool.add": { zh: "添加服务单位", en: "Add a unit" },
  "pool.addButton": { zh: "添加", en: "Add" },
  "pool.remove": { zh: "移除服务单位 {unit}", en: "Remove {unit}" },
  "pool.removeShort": { zh: "移除", en: "Remove" },
  "pool.added": { zh: "已添加服务单位。", en: "Unit added." },
  "pool.removed": { zh: "已移除服务单位。", en: "Unit removed." },
  "pool.unchanged": { zh: "没有变化。", en: "Nothing changed." },
  "pool.error.notMentor": { zh: "该用户不是导师。", en: "This person is not a mentor." },
  "certs.error.outsideReach": { zh: "所选学员中有人不在您负责的范围内，本次未颁发任何证书。", en: "Some of the chosen trainees are outside your region; nothing was issued." },
  "showcase.admin.badIntent": { zh: "未知的操作，请刷新页面后重试。", en: "Unknown action; reload the page and try again." },
  "assignments.error.notInPool": {
    zh: "{mentor}的服务范围不包括《{task}》（{trainee}）所在的单位。请先在该导师的用户页添加服务单位。未做任何修改。",
    en: "{mentor} does not serve the unit of “{task}” ({trainee}). Add the unit to the mentor's pool first. Nothing was changed.",
  },
  "assignments.error.notSignedUp": {
    zh: "{mentor}还没有激活账号（从未设置密码），改派后作业会一直无人评阅。请先发送邀请链接。",
    en: "{mentor} has never activated their account (no password set); the work would wait unread. Send them an invitation first.",
  },
  "assignments.mentorOptionInactive": { zh: "{name}（{track}，未激活账号）", en: "{name} ({track}, account not activated)" },
} satisfies Messages;
