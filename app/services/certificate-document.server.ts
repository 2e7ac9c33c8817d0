import { randomBytes, randomInt } from "node:crypto";
import { catalog } from "~/catalog/catalog.server";
import type { TierId, TrackId } from "~/catalog/schema";
import { getConfig } from "~/config.server";
import { translate } from "~/i18n";
import { logger } from "~/logger.server";
import {
  type CertificateDocument,
  findCertificateDocument,
  findCertificateDocumentByNumber,
  lockCertificateForRendering,
  saveRenderError,
  saveRenderedCertificate,
} from "~/models/certificate-documents.server";
import type { Db } from "~/models/types";
import type { LimitRule } from "~/rate-limit.server";
import { assertStorageKey, storage } from "~/services/storage.server";
import { issuerKey } from "~/runtime/issuer-key.server";
import { certificateDate, renderCertificatePdf, type CertificatePdfInput } from "./certificate-pdf";
import {
  buildOpenBadgeCredential,
  checkCredentialStatus,
  publishIssuerKey,
  signCredential,
  storedCredentialOf,
  verifyCredentialJws,
  type CredentialProblem,
  type StoredCredential,
} from "./credentials.server";

export { certificateDate, renderCertificatePdf, type CertificatePdfInput } from "./certificate-pdf";

// The certificate as a document: its number, the A4 PDF with a QR code of the public
// verification page, and the signed credential stored beside it.

/** Crockford base32 without I, L, O, U: nothing to misread when typed from paper. */
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const numberPattern = /^BC-(\d{4})-([0-9A-HJKMNP-TV-Z]{4})-([0-9A-HJKMNP-TV-Z]{4})$/;

/** A fresh number, BC-<year>-XXXX-XXXX: 40 random bits, so neighbours cannot be guessed. */
export function certificateNumber(issuedAt = new Date()): string {
  const chars = Array.from({ length: 8 }, () => crockford[randomInt(32)]).join("");
  return `BC-${issuedAt.getUTCFullYear()}-${chars.slice(0, 4)}-${chars.slice(4)}`;
}

/**
 * The canonical number for what someone typed or scanned, or null when it cannot be one.
 * Case, spaces and missing dashes are forgiven; O/I/L read as 0/1/1, as Crockford intends.
 */
export function normalizeCertificateNumber(input: string): string | null {
  if (input.length > 64) return null;
  const compact = input.toUpperCase().replace(/[\s\-–—_]/g, "");
  const match = /^BC(\d{4})([0-9A-Z]{8})$/.exec(compact);
  if (!match) return null;
  const body = match[2]!.replace(/O/g, "0").replace(/[IL]/g, "1");
  const canonical = `BC-${match[1]}-${body.slice(0, 4)}-${body.slice(4)}`;
  return numberPattern.test(canonical) ? canonical : null;
}

/**
 * The public origin for every absolute URL (links, QR codes, credentials, status lists): APP_URL,
 * never the request's Host, which anyone can forge. The parameter is ignored, kept so callers compile.
 */
export function publicOrigin(_request?: Request): string {
  return getConfig().APP_URL;
}

export function verificationUrl(origin: string, number: string): string {
  return `${origin.replace(/\/+$/, "")}/verify/${encodeURIComponent(number)}`;
}

/** A fresh key for a certificate PDF: cert/<yyyy>/<mm>/<128-bit random hex>.pdf. */
export function newCertificateKey(now = new Date()): string {
  const month = String(now.getUTCMonth() + 1).padStart(2, "0");
  const key = `cert/${now.getUTCFullYear()}/${month}/${randomBytes(16).toString("hex")}.pdf`;
  assertStorageKey(key);
  return key;
}

function titlesFor(track: TrackId, tier: TierId) {
  const program = catalog().program;
  const trackEntry = program.tracks.find((t) => t.id === track);
  const tierEntry = program.tiers.find((t) => t.id === tier);
  if (!trackEntry || !tierEntry) throw new Error(`no track ${track} or tier ${tier} in content/program.yaml`);
  return { track: trackEntry.title, tier: tierEntry.title, certificate: tierEntry.certificateTitle };
}

/** The file name a holder's download gets, e.g. BC-2026-7K3M-Q9TX-心理健康骨干证书.pdf. */
export function certificateFileName(number: string, tier: TierId): string {
  const certificateTitle = catalog().program.tiers.find((t) => t.id === tier)?.certificateTitle.zh ?? "";
  return translate("zh-CN", "certificate.pdf.fileName", { number, certificateTitle });
}

/** Draws a certificate's PDF (with the given renderer: this thread or the pool) and signs its credential. */
export async function certificateFiles(
  db: Db,
  certificate: CertificateDocument,
  origin: string,
  renderPdf: (input: CertificatePdfInput) => Promise<Uint8Array>,
): Promise<{ pdfBytes: Uint8Array; signed: StoredCredential }> {
  const verifyUrl = verificationUrl(origin, certificate.number);
  const titles = titlesFor(certificate.track, certificate.tier);
  const issuer = translate("zh-CN", "certificate.issuer");
  const pdfBytes = await renderPdf({
    name: certificate.name_on_certificate,
    certificateTitle: titles.certificate.zh,
    trackTitle: titles.track.zh,
    tierTitle: titles.tier.zh,
    english: { certificateTitle: titles.certificate.en, trackTitle: titles.track.en, tierTitle: titles.tier.en },
    issuedAt: certificate.issued_at,
    validUntil: certificate.valid_until,
    issuer,
    number: certificate.number,
    verifyUrl,
    art: catalog().program.certificateArt,
  });
  const params = { trackTitle: titles.track.zh, tierTitle: titles.tier.zh };
  const key = issuerKey();
  await publishIssuerKey(db, key);
  const signed = signCredential(
    key,
    origin,
    buildOpenBadgeCredential({
      verifyUrl,
      origin,
      issuerName: issuer,
      holderId: certificate.user_id,
      holderName: certificate.name_on_certificate,
      holderEmail: certificate.holder_email,
      holderPhone: certificate.holder_phone,
      credentialName: titles.certificate.zh,
      track: certificate.track,
      tier: certificate.tier,
      achievementName: titles.certificate.zh,
      achievementDescription: translate("zh-CN", "certificate.credential.description", params),
      criteria: translate("zh-CN", "certificate.credential.criteria"),
      issuedAt: certificate.issued_at,
      validUntil: certificate.valid_until,
      statusNumber: certificate.status_number,
    }),
  );
  return { pdfBytes, signed };
}

/**
 * Renders the PDF and signs the credential of a certificate, then stores both. Idempotent: a
 * certificate already rendered under its current number is left alone, so retried jobs are safe.
 * A failure is written to render_error and rethrown for the caller's retry.
 */
export async function renderAndStoreCertificate(db: Db, certificateId: string, origin: string): Promise<{ rendered: boolean }> {
  const certificate = await findCertificateDocument(db, certificateId);
  if (!certificate) throw new Error(`certificate ${certificateId} not found`);
  if (isRenderedFor(certificate, certificate.number)) return { rendered: false };

  try {
    const { pdfBytes, signed } = await certificateFiles(db, certificate, origin, renderCertificatePdf);
    const pdfKey = newCertificateKey(certificate.issued_at);
    await storage().put(pdfKey, pdfBytes, "application/pdf");
    const outcome = await transactionOf(db, async (tx) => {
      const locked = await lockCertificateForRendering(tx, certificateId);
      if (!locked) return { saved: false, previousKey: null };
      // Another renderer finished first while we worked: keep its result, drop ours.
      if (locked.number === certificate.number && isRenderedFor(locked, locked.number)) {
        return { saved: false, previousKey: null };
      }
      await saveRenderedCertificate(tx, certificateId, { pdfKey, credential: { ...signed }, renderedAt: new Date() });
      return { saved: true, previousKey: locked.pdf_key };
    });
    if (!outcome.saved) await storage().delete(pdfKey);
    else if (outcome.previousKey && outcome.previousKey !== pdfKey) await storage().delete(outcome.previousKey);
    return { rendered: outcome.saved };
  } catch (error) {
    logger.error({ err: error, certificateId }, "certificate rendering failed");
    await saveRenderError(db, certificateId, error instanceof Error ? error.message : String(error)).catch(() => undefined);
    throw error;
  }
}

export function isRenderedFor(certificate: { rendered_at: Date | null; pdf_key: string | null; credential: unknown }, number: string): boolean {
  const stored = storedCredentialOf(certificate.credential);
  return Boolean(certificate.rendered_at && certificate.pdf_key && stored?.credential.id.endsWith(`/verify/${encodeURIComponent(number)}`));
}

/** Runs fn in a transaction, or inside the caller's when db already is one. */
async function transactionOf<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/** Verification look-ups per IP: 60 a minute, enough for a desk checking a pile of certificates. */
export function verificationRules(ip: string | null): LimitRule[] {
  return [{ key: `verify:ip:${ip ?? "unknown"}`, limit: 60, windowSeconds: 60 }];
}

export type CredentialVerdict = "ok" | "mismatch" | "none" | CredentialProblem | "revoked" | "expired";

/**
 * Checks a credential as an outside verifier would: its signature, that it belongs to this
 * certificate number, its revocation bit in the status list it names, and its validUntil.
 */
export async function checkCredentialFor(db: Db, number: string, jws: string | null, now = new Date()): Promise<{ verdict: CredentialVerdict; kid: string | null }> {
  if (!jws) return { verdict: "none", kid: null };
  const check = await verifyCredentialJws(db, jws, publicOrigin());
  if (!check.valid) return { verdict: check.reason, kid: null };
  if (!check.credential.id.endsWith(`/verify/${encodeURIComponent(number)}`)) return { verdict: "mismatch", kid: check.kid };
  if ((await checkCredentialStatus(db, check.credential)) === "revoked") return { verdict: "revoked", kid: check.kid };
  const validUntil = check.credential.validUntil ? Date.parse(check.credential.validUntil) : NaN;
  if (Number.isFinite(validUntil) && validUntil <= now.getTime()) return { verdict: "expired", kid: check.kid };
  return { verdict: "ok", kid: check.kid };
}

export type VerificationState = "valid" | "revoked" | "superseded" | "expired";

/** What the public verification page shows: only name, certificate, tier, dates and issuer. */
export async function publicCertificateView(db: Db, number: string, now = new Date()) {
  const certificate = await findCertificateDocumentByNumber(db, number);
  if (!certificate) return null;
  const titles = titlesFor(certificate.track, certificate.tier);
  const state: VerificationState =
    certificate.status === "revoked"
      ? "revoked"
      : certificate.status === "superseded"
        ? "superseded"
        : certificate.valid_until && certificate.valid_until.getTime() <= now.getTime()
          ? "expired"
          : "valid";
  const stored = storedCredentialOf(certificate.credential);
  const credential = await checkCredentialFor(db, certificate.number, stored?.jws ?? null);
  return {
    number: certificate.number,
    state,
    name: certificate.name_on_certificate,
    certificateTitle: titles.certificate.zh,
    trackTitle: titles.track.zh,
    tierTitle: titles.tier.zh,
    issuedOn: certificateDate(certificate.issued_at),
    validUntil: certificate.valid_until ? certificateDate(certificate.valid_until) : null,
    issuer: translate("zh-CN", "certificate.issuer"),
    revokedOn: certificate.revoked_at ? certificateDate(certificate.revoked_at) : null,
    // Only the public part: the internal note never leaves the admin pages.
    revokedReason: certificate.revoked_reason,
    supersededByNumber: certificate.superseded_by_number,
    credential: { ...credential, jws: stored?.jws ?? null },
  };
}
