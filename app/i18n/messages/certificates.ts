// The certificate document (PDF and signed credential), its download and the public verification pages.
import type { Messages } from "../types";

export const certificateMessages = {
  "certificate.pdf.heading": { zh: "结业证书", en: "Certificate of Completion" },
  "certificate.pdf.programme": { zh: "心关爱·进百城 人才培养项目", en: "Xin Guan Ai · Jin Bai Cheng Training Programme" },
  "certificate.pdf.subtitle": {
    zh: "结业证书 · {certificateTitle} · {trackTitle}{tierTitle}",
    en: "Certificate of Completion · {certificateTitle} · {trackTitle} track, {tierTitle} tier",
  },
  "certificate.pdf.certifies": { zh: "兹证明", en: "This certifies that" },
  "certificate.pdf.body": {
    zh: "完成「心关爱·进百城」人才培养项目{trackTitle} · {tierTitle}阶段的学习与实践，经考核合格，特发此证。",
    en: "has completed the {trackTitle} track, {tierTitle} tier of the programme.",
  },
  "certificate.pdf.awarded": { zh: "证书名称：{certificateTitle}", en: "Certificate: {certificateTitle}" },
  "certificate.pdf.issuer": { zh: "颁发单位：{issuer}", en: "Issued by: {issuer}" },
  "certificate.pdf.issuedOn": { zh: "颁发日期：{date}", en: "Date of issue: {date}" },
  "certificate.pdf.validUntil": { zh: "有效期至：{date}", en: "Valid until: {date}" },
  "certificate.pdf.number": { zh: "证书编号：{number}", en: "Certificate number: {number}" },
  "certificate.pdf.scan": { zh: "扫码验证真伪", en: "Scan to verify" },
  "certificate.pdf.date": { zh: "{year}年{month}月{day}日", en: "{day}/{month}/{year}" },
  "certificate.pdf.fileName": { zh: "{number}-{certificateTitle}证书.pdf", en: "{number}-certificate.pdf" },
  "certificate.issuer": { zh: "心关爱·进百城 项目办公室", en: "Xin Guan Ai · Jin Bai Cheng Programme Office" },
  "certificate.credential.description": {
    zh: "完成「心关爱·进百城」人才培养项目{trackTitle}{tierTitle}阶段的学习与实践。",
    en: "Completed the {trackTitle} track, {tierTitle} tier of the Xin Guan Ai · Jin Bai Cheng training programme.",
  },
  "certificate.credential.criteria": {
    zh: "完成本阶段全部必修任务并达到及格分，完成规定的实践活动，经项目办公室审核颁发。",
    en: "All required tasks of the tier passed, the required field work done, and approved by the programme office.",
  },

  "verify.title": { zh: "证书验证", en: "Verify a certificate" },
  "verify.lead": {
    zh: "输入证书上的编号（如 BC-2026-7K3M-Q9TX），或扫描证书右下角的二维码，即可查验证书是否真实有效。",
    en: "Type the number printed on the certificate (such as BC-2026-7K3M-Q9TX), or scan the QR code on it, to check that it is genuine and valid.",
  },
  "verify.number": { zh: "证书编号", en: "Certificate number" },
  "verify.submit": { zh: "查验", en: "Verify" },
  "verify.error.empty": { zh: "请输入证书编号。", en: "Please enter a certificate number." },
  "verify.error.malformed": {
    zh: "证书编号格式不正确。编号形如 BC-2026-7K3M-Q9TX，请核对后重新输入。",
    en: "That is not a valid certificate number. Numbers look like BC-2026-7K3M-Q9TX; please check and try again.",
  },
  "verify.error.notFound": {
    zh: "未找到编号为 {number} 的证书。请核对编号；如有疑问，请联系项目办公室。",
    en: "No certificate with the number {number} was found. Please check the number, or contact the programme office.",
  },
  "verify.error.rateLimited": {
    zh: "查询过于频繁，请 {seconds} 秒后再试。",
    en: "Too many look-ups. Please try again in {seconds} seconds.",
  },
  "verify.again": { zh: "查验其他证书", en: "Verify another certificate" },
  "verify.status.valid": { zh: "证书有效", en: "Valid certificate" },
  "verify.status.valid.body": { zh: "此证书由项目办公室颁发，真实有效。", en: "This certificate was issued by the programme office and is valid." },
  "verify.status.revoked": { zh: "证书已撤销", en: "Certificate revoked" },
  "verify.status.revoked.body": { zh: "此证书已于 {date} 被撤销，不再有效。", en: "This certificate was revoked on {date} and is no longer valid." },
  "verify.status.revoked.reason": { zh: "撤销原因：{reason}", en: "Reason: {reason}" },
  "verify.status.superseded": { zh: "证书已被替换", en: "Certificate replaced" },
  "verify.status.superseded.body": {
    zh: "此证书已被新证书替换，不再有效。",
    en: "This certificate has been replaced by a new one and is no longer valid.",
  },
  "verify.status.superseded.link": { zh: "查看新证书 {number}", en: "See the new certificate {number}" },
  "verify.status.expired": { zh: "证书已过期", en: "Certificate expired" },
  "verify.status.expired.body": { zh: "此证书的有效期已于 {date} 届满。", en: "This certificate expired on {date}." },
  "verify.field.number": { zh: "证书编号", en: "Number" },
  "verify.field.name": { zh: "持证人", en: "Holder" },
  "verify.field.certificate": { zh: "证书名称", en: "Certificate" },
  "verify.field.trackTier": { zh: "项目与层级", en: "Track and tier" },
  "verify.field.trackTierValue": { zh: "{trackTitle} · {tierTitle}", en: "{trackTitle} · {tierTitle}" },
  "verify.field.issuedAt": { zh: "颁发日期", en: "Issued on" },
  "verify.field.validUntil": { zh: "有效期至", en: "Valid until" },
  "verify.field.issuer": { zh: "颁发单位", en: "Issued by" },
  "verify.credential.title": { zh: "验证电子凭证", en: "Verify the digital credential" },
  "verify.credential.lead": {
    zh: "每张证书都附有一份按 Open Badges 3.0 标准签名的电子凭证（JWS，Ed25519）。公钥发布在 {jwksUrl}；撤销情况发布在凭证所指的公开状态列表中。核验时会同时检查签名、撤销状态和有效期。",
    en: "Each certificate comes with a digital credential signed to the Open Badges 3.0 standard (JWS, Ed25519). The public keys are published at {jwksUrl}; revocations are published in the public status list the credential names. A check covers the signature, the revocation status and the validity date.",
  },
  "verify.credential.none": { zh: "此证书的电子凭证尚未生成。", en: "This certificate's digital credential has not been produced yet." },
  "verify.credential.ok": { zh: "签名有效：凭证由密钥 {kid} 签发，内容未被改动。", en: "Signature valid: signed with key {kid}, content unchanged." },
  "verify.credential.mismatch": {
    zh: "签名有效，但这份凭证属于另一张证书，与本证书不符。",
    en: "The signature is valid, but this credential belongs to a different certificate.",
  },
  "verify.credential.malformed": { zh: "这不是一份格式正确的电子凭证。", en: "This is not a well-formed credential." },
  "verify.credential.unknownKey": { zh: "凭证的签名密钥不是本平台发布的密钥。", en: "The credential was not signed with a key this site publishes." },
  "verify.credential.badSignature": {
    zh: "签名无效：凭证内容已被改动，或并非本平台签发。",
    en: "Invalid signature: the credential has been altered or was not issued by this site.",
  },
  "credentialStatus.notFound": { zh: "没有这个状态列表。", en: "No such status list." },
  "credential.download.missing": { zh: "电子凭证尚在生成中，请稍后再试。", en: "The digital credential is still being produced. Please try again shortly." },
  "verify.credential.revoked": {
    zh: "签名有效（密钥 {kid}），但该凭证已在公开的撤销状态列表中标记为撤销，不再有效。",
    en: "Signature valid (key {kid}), but the public revocation status list marks this credential as revoked: it is no longer valid.",
  },
  "verify.credential.expired": {
    zh: "签名有效（密钥 {kid}），但该凭证已超过有效期。",
    en: "Signature valid (key {kid}), but the credential is past its validity date.",
  },
  "verify.credential.jws": { zh: "已签名的电子凭证（JWS）", en: "Signed credential (JWS)" },
  "verify.credential.paste": { zh: "核验您手中的电子凭证：粘贴凭证（JWS）", en: "Check a credential you hold: paste the credential (JWS)" },
  "verify.credential.check": { zh: "核验凭证", en: "Check credential" },
  "verify.credential.empty": { zh: "请粘贴电子凭证。", en: "Please paste a credential." },
  "verify.credential.result": { zh: "核验结果：{message}", en: "Result: {message}" },

  "certificate.download.missing": {
    zh: "证书文件正在生成，请稍后再试。",
    en: "The certificate file is still being produced; please try again shortly.",
  },
  "certificate.download.unavailable": {
    zh: "证书文件暂时无法读取，请稍后再试。",
    en: "The certificate file cannot be read right now; please try again later.",
  },
} satisfies Messages;
