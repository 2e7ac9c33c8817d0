import { randomBytes, randomInt } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { PassThrough } from "node:stream";
import { create as createFont, type Font } from "fontkit";
import { PDFDocument, rgb, type PDFFont, type PDFPage } from "pdf-lib";
import QRCode from "qrcode";
import { catalog } from "~/catalog/catalog.server";
import type { CertificateArt, TierId, TrackId } from "~/catalog/schema";
import { getConfig } from "~/config.server";
import { translate, type Locale } from "~/i18n";
import { logger } from "~/logger.server";
import {
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
import { certificateFonts, fontRuns, postscriptName, subsetTag, type FontRun } from "./certificate-fonts.server";
import {
  buildOpenBadgeCredential,
  checkCredentialStatus,
  publishIssuerKey,
  signCredential,
  storedCredentialOf,
  verifyCredentialJws,
  type CredentialProblem,
} from "./credentials.server";

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

/** A calendar date as shown on certificates, in China's time zone. */
export function certificateDate(date: Date, locale: Locale = "zh-CN"): string {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", year: "numeric", month: "numeric", day: "numeric" }).formatToParts(date);
  const part = (type: string) => String(Number(parts.find((p) => p.type === type)?.value ?? 0));
  return translate(locale, "certificate.pdf.date", { year: part("year"), month: part("month"), day: part("day") });
}

export interface CertificatePdfInput {
  name: string;
  certificateTitle: string;
  trackTitle: string;
  tierTitle: string;
  /** The English titles for the one-line English subtitle. */
  english: { certificateTitle: string; trackTitle: string; tierTitle: string };
  issuedAt: Date;
  validUntil: Date | null;
  issuer: string;
  number: string;
  verifyUrl: string;
  /** Seal and signature images from content/program.yaml, each printed only when configured. */
  art?: CertificateArt;
  /** Where the art's paths start (content/ of the working directory by default). */
  contentDir?: string;
}

/**
 * Upstream fontkit in the shape pdf-lib calls: pdf-lib reads a subset through the fontkit 1
 * `encodeStream()` API, which fontkit 2 replaced with `encode()`.
 */
const fontkitForPdfLib = {
  create(bytes: Uint8Array) {
    const font = createFont(Buffer.from(bytes)) as Font;
    const createSubset = font.createSubset.bind(font);
    font.createSubset = () => {
      const subset = createSubset();
      return Object.assign(subset, {
        encodeStream() {
          const stream = new PassThrough();
          // Deferred: pdf-lib attaches its listeners after the call returns.
          setImmediate(() => {
            try {
              stream.end(Buffer.from(subset.encode()));
            } catch (error) {
              stream.destroy(error as Error);
            }
          });
          return stream;
        },
      });
    };
    return font;
  },
  // pdf-lib types its own copy of the fontkit 1 interfaces; the runtime shape above is what it uses.
} as unknown as Parameters<PDFDocument["registerFontkit"]>[0];

const ink = rgb(0.13, 0.16, 0.15);
const muted = rgb(0.38, 0.42, 0.4);
const green = rgb(0.09, 0.37, 0.3);
const gold = rgb(0.72, 0.58, 0.3);

function drawCentered(page: PDFPage, text: string, y: number, font: PDFFont, size: number, color = ink, maxWidth = 680) {
  let fitted = size;
  while (fitted > 8 && font.widthOfTextAtSize(text, fitted) > maxWidth) fitted -= 1;
  const width = font.widthOfTextAtSize(text, fitted);
  page.drawText(text, { x: (page.getWidth() - width) / 2, y, size: fitted, font, color });
}

/** Draws runs of text, each in its own font, centred as one line; shrinks to fit maxWidth. */
function drawCenteredRuns(page: PDFPage, runs: Array<FontRun & { pdfFont: PDFFont }>, y: number, size: number, color = ink, maxWidth = 680) {
  const widthAt = (s: number) => runs.reduce((sum, r) => sum + r.pdfFont.widthOfTextAtSize(r.text, s), 0);
  let fitted = size;
  while (fitted > 8 && widthAt(fitted) > maxWidth) fitted -= 1;
  let x = (page.getWidth() - widthAt(fitted)) / 2;
  for (const run of runs) {
    page.drawText(run.text, { x, y, size: fitted, font: run.pdfFont, color });
    x += run.pdfFont.widthOfTextAtSize(run.text, fitted);
  }
}

/** Reads a configured image under content/ and embeds it (PNG or JPEG by its bytes). */
async function embedContentImage(pdf: PDFDocument, contentDir: string, file: string) {
  const bytes = await readFile(path.join(contentDir, file));
  return bytes[0] === 0x89 && bytes[1] === 0x50 ? pdf.embedPng(bytes) : pdf.embedJpg(bytes);
}

/** The QR code as vector squares: sharp at any zoom, and no image library needed. */
function drawQrCode(page: PDFPage, text: string, x: number, y: number, size: number) {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const quiet = 2;
  const cell = size / (modules.size + quiet * 2);
  page.drawRectangle({ x, y, width: size, height: size, color: rgb(1, 1, 1) });
  for (let row = 0; row < modules.size; row += 1) {
    let run = 0;
    for (let col = 0; col <= modules.size; col += 1) {
      const dark = col < modules.size && modules.get(row, col);
      if (dark) run += 1;
      else if (run > 0) {
        // One rectangle per run of dark cells; a hair wider so neighbours leave no seams.
        page.drawRectangle({
          x: x + (quiet + col - run) * cell,
          y: y + size - (quiet + row + 1) * cell,
          width: run * cell + 0.05,
          height: cell + 0.05,
          color: rgb(0, 0, 0),
        });
        run = 0;
      }
    }
  }
}

export async function renderCertificatePdf(input: CertificatePdfInput): Promise<Uint8Array> {
  const zh = (key: Parameters<typeof translate>[1], params?: Record<string, string>) => translate("zh-CN", key, params);
  const fonts = await certificateFonts();
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkitForPdfLib);
  // Subset fonts carry a tag of six capitals (ISO 32000-1 §9.6.4), so readers know they are partial.
  const regular = await pdf.embedFont(fonts.regular, { subset: true, customName: subsetTag() + postscriptName(fonts.regularFace, "NotoSerifSC-Regular") });
  const bold = await pdf.embedFont(fonts.bold, { subset: true, customName: subsetTag() + postscriptName(fonts.boldFace, "NotoSerifSC-Bold") });
  const nameRuns = fontRuns(
    input.name,
    (cp) => fonts.boldFace.hasGlyphForCodePoint(cp),
    (cp) => fonts.fallbackFace?.hasGlyphForCodePoint(cp) ?? false,
  );
  // The fallback is embedded only for a name that needs it: most certificates never carry it.
  const fallback =
    fonts.fallback && fonts.fallbackFace && nameRuns.some((r) => r.font === "fallback")
      ? await pdf.embedFont(fonts.fallback, { subset: true, customName: subsetTag() + postscriptName(fonts.fallbackFace, "HanaMinB") })
      : null;
  const heading = zh("certificate.pdf.heading");
  pdf.setTitle(`${heading} ${input.number}`);
  pdf.setAuthor(input.issuer);
  pdf.setSubject(`${input.certificateTitle} · ${input.name}`);
  pdf.setCreator(translate("zh-CN", "certificate.pdf.programme"));
  pdf.setProducer("Baicheng LMS");
  pdf.setLanguage("zh-CN");
  pdf.setCreationDate(input.issuedAt);
  pdf.setModificationDate(input.issuedAt);

  const page = pdf.addPage([841.89, 595.28]);
  const { width, height } = page.getSize();
  page.drawRectangle({ x: 0, y: 0, width, height, color: rgb(0.995, 0.99, 0.975) });
  page.drawRectangle({ x: 22, y: 22, width: width - 44, height: height - 44, borderColor: green, borderWidth: 4 });
  page.drawRectangle({ x: 32, y: 32, width: width - 64, height: height - 64, borderColor: gold, borderWidth: 1 });

  drawCentered(page, translate("zh-CN", "certificate.pdf.programme"), 512, regular, 14, green);
  drawCentered(page, heading, 458, bold, 42, green);
  const english = translate("en", "certificate.pdf.subtitle", input.english);
  drawCentered(page, english, 432, regular, 11, muted);
  page.drawLine({ start: { x: width / 2 - 90, y: 418 }, end: { x: width / 2 + 90, y: 418 }, thickness: 1, color: gold });

  drawCentered(page, zh("certificate.pdf.certifies"), 380, regular, 16);
  drawCenteredRuns(
    page,
    nameRuns.map((run) => ({ ...run, pdfFont: run.font === "fallback" && fallback ? fallback : bold })),
    322,
    38,
    ink,
    520,
  );
  page.drawLine({ start: { x: width / 2 - 150, y: 312 }, end: { x: width / 2 + 150, y: 312 }, thickness: 0.75, color: muted });
  drawCentered(page, zh("certificate.pdf.body", { trackTitle: input.trackTitle, tierTitle: input.tierTitle }), 272, regular, 15);
  drawCentered(page, zh("certificate.pdf.awarded", { certificateTitle: input.certificateTitle }), 236, bold, 20, green);

  const lines = [
    zh("certificate.pdf.issuer", { issuer: input.issuer }),
    zh("certificate.pdf.issuedOn", { date: certificateDate(input.issuedAt) }),
    ...(input.validUntil ? [zh("certificate.pdf.validUntil", { date: certificateDate(input.validUntil) })] : []),
    zh("certificate.pdf.number", { number: input.number }),
  ];
  lines.forEach((line, i) => page.drawText(line, { x: 72, y: 150 - i * 22, size: 12, font: regular, color: ink }));

  if (input.art?.seal) {
    // Beside the issuer line, as a seal is stamped over the issuing body's name.
    const seal = await embedContentImage(pdf, input.contentDir ?? path.join(process.cwd(), "content"), input.art.seal);
    const scaled = seal.scaleToFit(110, 110);
    page.drawImage(seal, { x: 250, y: 150 - scaled.height / 2, width: scaled.width, height: scaled.height, opacity: 0.9 });
  }
  if (input.art?.signature) {
    const signature = await embedContentImage(pdf, input.contentDir ?? path.join(process.cwd(), "content"), input.art.signature.image);
    const scaled = signature.scaleToFit(150, 56);
    const centre = width / 2 + 120;
    page.drawImage(signature, { x: centre - scaled.width / 2, y: 96, width: scaled.width, height: scaled.height });
    page.drawLine({ start: { x: centre - 80, y: 92 }, end: { x: centre + 80, y: 92 }, thickness: 0.5, color: muted });
    const caption = input.art.signature.caption.zh;
    page.drawText(caption, { x: centre - regular.widthOfTextAtSize(caption, 10) / 2, y: 78, size: 10, font: regular, color: muted });
  }

  const qrSize = 104;
  const qrX = width - 72 - qrSize;
  const qrY = 84;
  drawQrCode(page, input.verifyUrl, qrX, qrY, qrSize);
  const scan = zh("certificate.pdf.scan");
  page.drawText(scan, { x: qrX + (qrSize - regular.widthOfTextAtSize(scan, 9)) / 2, y: qrY - 13, size: 9, font: regular, color: muted });
  // The address in print, for whoever cannot scan: right-aligned under the code, inside the border.
  let urlSize = 8;
  while (urlSize > 5 && regular.widthOfTextAtSize(input.verifyUrl, urlSize) > 330) urlSize -= 0.5;
  const urlWidth = regular.widthOfTextAtSize(input.verifyUrl, urlSize);
  page.drawText(input.verifyUrl, { x: qrX + qrSize - urlWidth, y: qrY - 26, size: urlSize, font: regular, color: ink });

  return pdf.save();
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

/**
 * Renders the PDF and signs the credential of a certificate, then stores both. Idempotent: a
 * certificate already rendered under its current number is left alone, so retried jobs are safe.
 * A failure is written to render_error and rethrown for the caller's retry.
 */
export async function renderAndStoreCertificate(db: Db, certificateId: string, origin: string): Promise<{ rendered: boolean }> {
  const certificate = await findCertificateDocument(db, certificateId);
  if (!certificate) throw new Error(`certificate ${certificateId} not found`);
  const verifyUrl = verificationUrl(origin, certificate.number);
  if (isRenderedFor(certificate, certificate.number)) return { rendered: false };

  try {
    const titles = titlesFor(certificate.track, certificate.tier);
    const issuer = translate("zh-CN", "certificate.issuer");
    const pdfBytes = await renderCertificatePdf({
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

function isRenderedFor(certificate: { rendered_at: Date | null; pdf_key: string | null; credential: unknown }, number: string): boolean {
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
