// Signed credentials as others check them: the issuer profile, achievements, the holder's
// download, every answer /verify gives to a pasted credential, names a certificate cannot print,
// and the public/internal parts of a revocation reason.
import type { Messages } from "../types";

export const credentialMessages = {
  "issuer.title": { zh: "证书颁发单位", en: "Certificate issuer" },
  "issuer.description": {
    zh: "心关爱·进百城人才培养项目的证书颁发单位。每张证书附有按 Open Badges 3.0 标准签名的电子凭证，任何人都可以核验其真伪与撤销状态。",
    en: "The issuing body of the Xin Guan Ai · Jin Bai Cheng training programme's certificates. Each certificate comes with a digital credential signed to the Open Badges 3.0 standard that anyone can check for authenticity and revocation.",
  },
  "issuer.id": { zh: "颁发单位标识", en: "Issuer id" },
  "issuer.keys": { zh: "签名公钥（JWKS）", en: "Signing keys (JWKS)" },
  "issuer.metadata": { zh: "签发方元数据", en: "Issuer metadata" },
  "issuer.verify": { zh: "查验一张证书", en: "Verify a certificate" },
  "issuer.keyNotFound": { zh: "没有这个签名密钥。", en: "No such signing key." },
  "issuer.metadataNotFound": { zh: "没有这个签发方。", en: "No such issuer." },
  "achievement.title": { zh: "证书类别", en: "Achievement" },
  "achievement.notFound": { zh: "没有这类证书。", en: "No such achievement." },
  "achievement.imageAlt": { zh: "{name}徽章", en: "{name} badge" },
  "achievement.trackTier": { zh: "项目与层级", en: "Track and tier" },
  "achievement.criteria": { zh: "获得条件", en: "Criteria" },
  "achievement.issuer": { zh: "颁发单位", en: "Issuer" },

  "credential.holder.download": { zh: "下载电子凭证", en: "Download digital credential" },
  "credential.holder.explain": {
    zh: "电子凭证是颁发单位签名的证书数据（Open Badges 3.0 标准，.jwt 文件），可存入数字钱包或发给用人单位。对方打开证书查验页（{verifyUrl}），在“验证电子凭证”中粘贴文件内容，即可确认凭证真实、未被改动、没有撤销。",
    en: "The digital credential is the certificate's data signed by the issuer (Open Badges 3.0, a .jwt file) that you can keep in a digital wallet or send to an employer. They open the certificate's verification page ({verifyUrl}) and paste the file's contents under “Verify the digital credential” to confirm it is genuine, unchanged and not revoked.",
  },
  "credential.holder.json": { zh: "未签名的数据（JSON，仅供查看）", en: "Unsigned data (JSON, for reading only)" },

  "verify.credential.tooLarge": {
    zh: "粘贴的内容太长（超过 {max} 个字符），不是本平台签发的电子凭证。请只粘贴 .jwt 文件里的那一行内容。",
    en: "What you pasted is too long (over {max} characters) to be one of our credentials. Paste only the single line inside the .jwt file.",
  },
  "verify.credential.unsigned": {
    zh: "这份凭证没有签名（可能是 JSON 数据或未签名的令牌），无法证明其真实性。请粘贴下载的已签名电子凭证（.jwt 文件的内容）。",
    en: "This credential carries no signature (perhaps JSON data or an unsigned token), so nothing proves it genuine. Paste the signed credential you downloaded (the contents of the .jwt file).",
  },
  "verify.credential.foreignKey": {
    zh: "这份凭证声明由其他签发方的密钥签名，不是百城学堂签发的，本页无法为其作证。",
    en: "This credential says it was signed with another issuer's key: it was not issued by this site, and this page cannot vouch for it.",
  },
  "verify.credential.wrongType": {
    zh: "签名有效，但这不是一份证书凭证（例如是撤销状态列表）。请粘贴证书的电子凭证。",
    en: "The signature is valid, but this is not a certificate credential (a revocation status list, for example). Paste the certificate's credential.",
  },

  "certs.col.printable": { zh: "姓名打印", en: "Name on certificate" },
  "certs.glyph.missing": { zh: "姓名中的「{chars}」无法打印", en: "The name's “{chars}” cannot be printed" },
  "certs.glyph.ok": { zh: "可以打印", en: "Prints" },
  "certs.glyph.confirm": { zh: "仍按此姓名发证（缺字处将显示为方框）", en: "Issue with this name anyway (missing characters print as boxes)" },
  "certs.glyph.help": {
    zh: "证书字体缺少姓名中的个别生僻字。请先在用户管理中核对姓名，或勾选“仍按此姓名发证”。",
    en: "The certificate fonts lack a rare character of the name. Check the name in Users first, or tick “Issue with this name anyway”.",
  },
  "certs.glyph.refused": {
    zh: "以下学员的姓名含有无法打印的字，本次未发证：",
    en: "These trainees' names hold characters that cannot be printed; no certificate was issued to them:",
  },
  "certs.glyph.refusedRow": { zh: "{name}：姓名中的「{chars}」无法打印", en: "{name}: the name's “{chars}” cannot be printed" },
  "certs.skipped.unprintable": { zh: "{count} 人因姓名含无法打印的字未发证。", en: "{count} skipped because their names hold characters that cannot be printed." },

  "certs.revoke.publicReason": { zh: "公开原因（将显示在公开查验页）", en: "Public reason (shown on the public verification page)" },
  "certs.revoke.publicHint": {
    zh: "请只写可以公开的简短说明，如“信息有误”“不符合发证条件”。不要写电话、健康等个人信息。",
    en: "Write only a short reason that may be public, such as “details were wrong” or “requirements not met”. No phone numbers, health or other personal details.",
  },
  "certs.revoke.internalNote": { zh: "内部备注（仅管理员可见，可不填）", en: "Internal note (admins only, optional)" },
  "certs.error.noteLong": { zh: "内部备注不能超过 {max} 个字。", en: "The internal note can be at most {max} characters." },
  "certs.revokedNote": { zh: "内部备注：{note}", en: "Internal note: {note}" },
  "verify.status.revoked.neutral": { zh: "撤销原因：颁发单位已撤销此证书。", en: "Reason: the issuer has revoked this certificate." },
} satisfies Messages;
