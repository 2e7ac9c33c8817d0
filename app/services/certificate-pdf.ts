import { readFile } from "node:fs/promises";
import path from "node:path";
import { PassThrough } from "node:stream";
import { create as createFont, type Font } from "fontkit";
import { PDFDocument, fill, popGraphicsState, pushGraphicsState, rectangle, rgb, setFillingRgbColor, type PDFFont, type PDFPage } from "pdf-lib";
import QRCode from "qrcode";
import type { CertificateArt } from "../catalog/schema";
import { translate, type Locale } from "../i18n";
import { certificateFonts, fontRuns, postscriptName, subsetTag, type FontRun } from "./certificate-fonts.server";

// The certificate PDF itself: from the facts printed on it to the bytes of an A4 page. No database,
// queue or configuration here, so a worker thread (certificate-pdf-pool.server.ts) can run it.

/** A calendar date as shown on certificates, in China's time zone. */
const chinaCalendar = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", year: "numeric", month: "numeric", day: "numeric" });

export function certificateDate(date: Date, locale: Locale = "zh-CN"): string {
  const parts = chinaCalendar.formatToParts(date);
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

/** Shaped lines kept per font (a certificate has about twenty). */
const maxKeptRuns = 2000;

/**
 * Upstream fontkit in the shape pdf-lib calls: pdf-lib reads a subset through the fontkit 1
 * `encodeStream()` API, which fontkit 2 replaced with `encode()`. And shaped lines kept (below).
 */
function adaptForPdfLib(font: Font): Font {
  // Shaping a line of CJK text (OpenType lookups) was a seventh of drawing a certificate, and most lines are
  // the same on every certificate; pdf-lib shapes each line again for its width and for its glyphs. A run
  // is only read (pdf-lib takes its glyphs), so one is kept per text, a bounded number of them.
  const layout = font.layout.bind(font);
  const runs = new Map<string, ReturnType<Font["layout"]>>();
  font.layout = ((text: string, ...rest: unknown[]) => {
    if (rest.some((arg) => arg !== undefined)) return (layout as (...args: unknown[]) => ReturnType<Font["layout"]>)(text, ...rest);
    let run = runs.get(text);
    if (!run) {
      if (runs.size >= maxKeptRuns) runs.clear();
      run = layout(text);
      runs.set(text, run);
    }
    return run;
  }) as Font["layout"];
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
}

/**
 * Parsed fonts by their bytes. pdf-lib asks fontkit to parse the font file on every embed (a 15 MB
 * copy and parse, then the glyph-location table again for each subset): the certificate fonts are
 * always the same arrays, so each is parsed once per process (or worker thread) and reused. A subset
 * is still made fresh for every PDF, from the glyphs that PDF prints.
 */
const parsedFonts = new WeakMap<Uint8Array, Font>();

/** Registers an already parsed font for its bytes (certificateFonts() parses them for coverage anyway). */
export function rememberParsedFont(bytes: Uint8Array, font: Font): void {
  if (!parsedFonts.has(bytes)) parsedFonts.set(bytes, adaptForPdfLib(font));
}

/** The parsed font for these bytes: parsed on first use, the same object after. */
export function parsedFont(bytes: Uint8Array): Font {
  let font = parsedFonts.get(bytes);
  if (!font) {
    font = adaptForPdfLib(createFont(Buffer.from(bytes)) as Font);
    parsedFonts.set(bytes, font);
  }
  return font;
}

const fontkitForPdfLib = {
  create: parsedFont,
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

/** Coordinates to a thousandth of a point (0.0004 mm): short numbers in the content stream. */
const pt = (n: number) => Math.round(n * 1000) / 1000;

/**
 * The QR code as vector squares: sharp at any zoom, and no image library needed. One path of `re`
 * operators filled once: drawn a rectangle at a time (pdf-lib's drawRectangle, a dozen operators and
 * thirty numbers each), the code was a third of a certificate's drawing time and most of its content stream.
 */
function drawQrCode(page: PDFPage, text: string, x: number, y: number, size: number) {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const quiet = 2;
  const cell = size / (modules.size + quiet * 2);
  page.drawRectangle({ x, y, width: size, height: size, color: rgb(1, 1, 1) });
  const operators = [pushGraphicsState(), setFillingRgbColor(0, 0, 0)];
  for (let row = 0; row < modules.size; row += 1) {
    let run = 0;
    for (let col = 0; col <= modules.size; col += 1) {
      const dark = col < modules.size && modules.get(row, col);
      if (dark) run += 1;
      else if (run > 0) {
        // One rectangle per run of dark cells; a hair wider so neighbours leave no seams.
        operators.push(rectangle(pt(x + (quiet + col - run) * cell), pt(y + size - (quiet + row + 1) * cell), pt(run * cell + 0.05), pt(cell + 0.05)));
        run = 0;
      }
    }
  }
  operators.push(fill(), popGraphicsState());
  page.pushOperators(...operators);
}

export async function renderCertificatePdf(input: CertificatePdfInput): Promise<Uint8Array> {
  const zh = (key: Parameters<typeof translate>[1], params?: Record<string, string>) => translate("zh-CN", key, params);
  const fonts = await certificateFonts();
  rememberParsedFont(fonts.regular, fonts.regularFace);
  rememberParsedFont(fonts.bold, fonts.boldFace);
  if (fonts.fallback && fonts.fallbackFace) rememberParsedFont(fonts.fallback, fonts.fallbackFace);
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

