import { randomBytes } from "node:crypto";
import { deflateSync } from "node:zlib";
import { decodePDFRawStream, PDFContext, PDFDocument, PDFName, PDFRawStream, StandardFonts } from "pdf-lib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { decodeAscii85, decodeAsciiHex, decodeLzw, decodeRunLength, DecodeBudgetExceeded, undoPredictor } from "~/domain/pdf-filters";
import { inspectPdf, pdfLimits } from "~/domain/pdf-inspection";
import { boundedInflate } from "~/services/evidence-processing";

// The PDF judge, file by file: what a desktop reader would run or open is refused wherever it hides;
// an ordinary document passes; nothing a file does makes the judge slow or greedy.

type Part = string | Uint8Array;
const bytes = (...parts: Part[]) => new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p)))));
const judge = (pdf: Uint8Array) => inspectPdf(pdf, boundedInflate);

/** A one-object PDF whose catalog carries `extra`. */
const catalogWith = (extra: string) => bytes(`%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R ${extra} >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`);

/** A PDF with a catalog plus one stream object holding `data` behind `dict`. */
const withStream = (dict: string, data: Uint8Array | string) => {
  const raw = typeof data === "string" ? bytes(data) : data;
  return bytes("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", `4 0 obj\n<< ${dict} /Length ${raw.length} >>\nstream\n`, raw, "\nendstream\nendobj\n%%EOF\n");
};

/** An object stream (N objects: number, offset pairs, then the objects) as a reader expects it. */
function objectStreamBody(objects: string[]) {
  let offset = 0;
  const pairs: string[] = [];
  for (const [i, o] of objects.entries()) {
    pairs.push(`${10 + i} ${offset}`);
    offset += o.length + 1;
  }
  const head = `${pairs.join(" ")}\n`;
  return { body: head + objects.join("\n") + "\n", first: head.length, n: objects.length };
}

const openActionJs = "<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>";

// Encoders for the tests only; pdf-lib's decoders (from pdf.js) check them independently.
function lzwEncode(input: Uint8Array): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  let width = 9;
  const emit = (code: number) => {
    acc = (acc << width) | code;
    bits += width;
    while (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    acc &= (1 << bits) - 1;
  };
  const dict = new Map<string, number>();
  let next = 258;
  emit(256);
  let w = "";
  for (const byte of input) {
    const wc = w + String.fromCharCode(byte);
    if (w === "" || dict.has(wc)) {
      w = wc;
      continue;
    }
    emit(w.length === 1 ? w.charCodeAt(0) : dict.get(w)!);
    if (next < 4095) dict.set(wc, next++);
    else {
      emit(256);
      dict.clear();
      next = 258;
      width = 9;
    }
    width = next >= 2048 ? 12 : next >= 1024 ? 11 : next >= 512 ? 10 : 9;
    w = String.fromCharCode(byte);
  }
  if (w) emit(w.length === 1 ? w.charCodeAt(0) : dict.get(w)!);
  emit(257);
  if (bits > 0) out.push((acc << (8 - bits)) & 0xff);
  return new Uint8Array(out);
}

function ascii85Encode(input: Uint8Array): string {
  let out = "";
  for (let i = 0; i < input.length; i += 4) {
    const chunk = input.subarray(i, i + 4);
    const padded = new Uint8Array(4);
    padded.set(chunk);
    let value = ((padded[0]! << 24) | (padded[1]! << 16) | (padded[2]! << 8) | padded[3]!) >>> 0;
    if (value === 0 && chunk.length === 4) {
      out += "z";
      continue;
    }
    const digits: string[] = [];
    for (let k = 0; k < 5; k++) {
      digits.unshift(String.fromCharCode((value % 85) + 33));
      value = Math.floor(value / 85);
    }
    out += digits.slice(0, chunk.length + 1).join("");
  }
  return `${out}~>`;
}

function runLengthEncode(input: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < input.length; ) {
    let run = 1;
    while (i + run < input.length && input[i + run] === input[i] && run < 128) run++;
    if (run > 1) {
      out.push(257 - run, input[i]!);
      i += run;
    } else {
      const start = i;
      while (i < input.length && i - start < 128 && !(input[i + 1] === input[i] && input[i + 2] === input[i])) i++;
      out.push(i - start - 1, ...input.subarray(start, i));
    }
  }
  out.push(128);
  return new Uint8Array(out);
}

/** PNG "Paeth"/"Up"/"Sub" rows (predictor 12 family), the way an encoder might pick per row. */
function pngPredict(input: Uint8Array, columns: number): Uint8Array {
  const rows = Math.ceil(input.length / columns);
  const padded = new Uint8Array(rows * columns);
  padded.set(input);
  const out = new Uint8Array(rows * (columns + 1));
  for (let r = 0; r < rows; r++) {
    const type = (r % 4) + 1;
    out[r * (columns + 1)] = type;
    for (let i = 0; i < columns; i++) {
      const x = padded[r * columns + i]!;
      const left = i > 0 ? padded[r * columns + i - 1]! : 0;
      const up = r > 0 ? padded[(r - 1) * columns + i]! : 0;
      const upLeft = r > 0 && i > 0 ? padded[(r - 1) * columns + i - 1]! : 0;
      const p = left + up - upLeft;
      const paeth = Math.abs(p - left) <= Math.abs(p - up) && Math.abs(p - left) <= Math.abs(p - upLeft) ? left : Math.abs(p - up) <= Math.abs(p - upLeft) ? up : upLeft;
      const predicted = type === 1 ? left : type === 2 ? up : type === 3 ? (left + up) >> 1 : paeth;
      out[r * (columns + 1) + 1 + i] = (x - predicted) & 0xff;
    }
  }
  return out;
}

function pdfLibDecode(filter: string, data: Uint8Array): Uint8Array {
  const context = PDFContext.create();
  return decodePDFRawStream(PDFRawStream.of(context.obj({ Filter: PDFName.of(filter) }), data)).decode();
}

describe("the filters a reader applies", () => {
  const sample = new Uint8Array(Buffer.from(`${"<< /S /JavaScript /JS (app.alert(1)) >> ".repeat(300)}${randomBytes(3000).toString("base64")}`, "latin1"));

  it("LZW: the ISO 32000 example, and long input across every code width", () => {
    expect(Array.from(decodeLzw(new Uint8Array([0x80, 0x0b, 0x60, 0x50, 0x22, 0x0c, 0x0c, 0x85, 0x01]), 1000)!)).toEqual([
      0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x41, 0x2d, 0x2d, 0x2d, 0x42,
    ]);
    const encoded = lzwEncode(sample);
    expect(pdfLibDecode("LZWDecode", encoded)).toEqual(sample);
    expect(decodeLzw(encoded, 10 * sample.length)).toEqual(sample);
  });

  it("ASCII85, ASCIIHex and RunLength give back what was encoded", () => {
    const a85 = new Uint8Array(Buffer.from(ascii85Encode(sample), "latin1"));
    expect(pdfLibDecode("ASCII85Decode", a85)).toEqual(sample);
    expect(decodeAscii85(a85, sample.length)).toEqual(sample);
    expect(decodeAsciiHex(new Uint8Array(Buffer.from(`${Buffer.from(sample).toString("hex")}>`, "latin1")), sample.length)).toEqual(sample);
    expect(decodeAsciiHex(new Uint8Array(Buffer.from("4 1\n4>", "latin1")), 10)).toEqual(new Uint8Array([0x41, 0x40]));
    const rle = runLengthEncode(sample);
    expect(pdfLibDecode("RunLengthDecode", rle)).toEqual(sample);
    expect(decodeRunLength(rle, sample.length)).toEqual(sample);
  });

  it("undoes PNG predictors row by row", () => {
    expect(undoPredictor(pngPredict(sample, 37), { predictor: 12, columns: 37 })!.subarray(0, sample.length)).toEqual(sample);
  });

  it("stops at the budget instead of growing without end", () => {
    const runsOf128Zeros = new Uint8Array(2000).map((_, i) => (i % 2 === 0 ? 0x81 : 0));
    expect(() => decodeRunLength(runsOf128Zeros, 10_000)).toThrow(DecodeBudgetExceeded);
    expect(boundedInflate(deflateSync(Buffer.alloc(1024 * 1024)), 1000)).toBe("tooLarge");
    expect(boundedInflate(new Uint8Array([1, 2, 3, 4]), 1000)).toBeNull();
  });
});

describe("inspectPdf passes ordinary documents", () => {
  it("a catalog with links and words that only look like script names", () => {
    expect(judge(catalogWith("/OpenAction [3 0 R /FitH null] /URI (https://example.org/sign-in)"))).toEqual({ ok: true });
    expect(judge(catalogWith("/Title (JS and JavaScript in a string are only words) /Note <2F4A53>"))).toEqual({ ok: true });
    expect(judge(catalogWith("/JSON 1 /JavaScripts 2 /Launcher 3 /Effort 4"))).toEqual({ ok: true });
  });

  it("a real document written by pdf-lib, with and without object streams", async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([595, 842]);
    page.drawText("Sign-in sheet, 2026-11-29", { x: 50, y: 780, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#3366aa" } }).png().toBuffer();
    page.drawImage(await doc.embedPng(png), { x: 50, y: 600, width: 128, height: 96 });
    expect(judge(await doc.save({ useObjectStreams: true }))).toEqual({ ok: true });
    expect(judge(await doc.save({ useObjectStreams: false }))).toEqual({ ok: true });
  });

  it("a page stream behind [/AHx /Fl], the abbreviated names readers accept", () => {
    const content = "BT /F1 12 Tf (Sign here) Tj ET";
    const data = bytes(Buffer.from(deflateSync(Buffer.from(content))).toString("hex"), ">");
    expect(judge(withStream("/Filter [/AHx /Fl]", data))).toEqual({ ok: true });
  });
});

describe("inspectPdf refuses active content wherever it hides", () => {
  const refused = (name: string) => ({ ok: false, reason: "activeContent", name });

  it("in a plain dictionary: JavaScript, JS, Launch, embedded files, forms that send data, rich media", () => {
    expect(judge(catalogWith("/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"))).toEqual(refused("JavaScript"));
    expect(judge(catalogWith("/AA << /O << /JS<6170702e616c657274283129> >> >>"))).toEqual(refused("JS"));
    expect(judge(catalogWith("/OpenAction << /S /Launch /F (cmd.exe) >>"))).toEqual(refused("Launch"));
    expect(judge(catalogWith("/Names << /EmbeddedFiles 5 0 R >>"))).toEqual(refused("EmbeddedFiles"));
    expect(judge(catalogWith("/X << /Type /EmbeddedFile >>"))).toEqual(refused("EmbeddedFile"));
    expect(judge(catalogWith("/OpenAction << /S /SubmitForm /F (https://evil.example/) >>"))).toEqual(refused("SubmitForm"));
    expect(judge(catalogWith("/OpenAction << /S /ImportData /F (data.fdf) >>"))).toEqual(refused("ImportData"));
    expect(judge(catalogWith("/Annots [<< /Subtype /RichMedia /RichMediaContent 6 0 R >>]"))).toEqual(refused("RichMedia"));
    expect(judge(catalogWith("/AcroForm << /XFA 7 0 R >>"))).toEqual(refused("XFA"));
  });

  it("spelled with #xx escapes, in any case", () => {
    expect(judge(catalogWith("/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"))).toEqual(refused("JavaScript"));
    expect(judge(catalogWith("/OpenAction << /S /#4Caunch >>"))).toEqual(refused("Launch"));
    expect(judge(catalogWith("/Names << /#45mbedded#46iles 5 0 R >>"))).toEqual(refused("EmbeddedFiles"));
    expect(judge(catalogWith("/OpenAction << /S /#53ubmit#46orm >>"))).toEqual(refused("SubmitForm"));
    expect(judge(catalogWith("/Annots [<< /Subtype /R#69chMedia >>]"))).toEqual(refused("RichMedia"));
    expect(judge(catalogWith("/OpenAction << /S /javascript >>"))).toEqual(refused("javascript"));
  });

  it("ended by NUL, form feed, a comment or a delimiter instead of a space", () => {
    expect(judge(catalogWith("/OpenAction << /S /JavaScript\x00/JS\x00(app.alert(1)) >>"))).toEqual(refused("JavaScript"));
    expect(judge(catalogWith("/OpenAction<</S/Launch\x0c/F(calc)>>"))).toEqual(refused("Launch"));
    expect(judge(catalogWith("/OpenAction << /S /JavaScript%x\n/JS(1) >>"))).toEqual(refused("JavaScript"));
  });

  it("inside an object stream behind [/ASCIIHexDecode /FlateDecode]", () => {
    const { body, first, n } = objectStreamBody([openActionJs]);
    const hex = `${Buffer.from(deflateSync(Buffer.from(body))).toString("hex")}>`;
    expect(judge(withStream(`/Type /ObjStm /N ${n} /First ${first} /Filter [/ASCIIHexDecode /FlateDecode]`, hex))).toEqual(refused("JavaScript"));
  });

  it("inside object streams behind ASCII85, LZW, RunLength, a PNG predictor, or with no /Type", () => {
    const { body, first, n } = objectStreamBody(["<< /Type /Catalog >>", openActionJs]);
    const plain = new Uint8Array(Buffer.from(body, "latin1"));
    const head = `/N ${n} /First ${first}`;
    expect(judge(withStream(`/Type /ObjStm ${head} /Filter /ASCII85Decode`, ascii85Encode(plain)))).toEqual(refused("JavaScript"));
    expect(judge(withStream(`/Type /ObjStm ${head} /Filter /LZWDecode`, lzwEncode(plain)))).toEqual(refused("JavaScript"));
    expect(judge(withStream(`/Type /ObjStm ${head} /Filter /RunLengthDecode`, runLengthEncode(plain)))).toEqual(refused("JavaScript"));
    const predicted = deflateSync(pngPredict(plain, 16));
    expect(judge(withStream(`/Type /ObjStm ${head} /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 16 >>`, predicted))).toEqual(refused("JavaScript"));
    expect(judge(withStream(`${head} /Filter /FlateDecode`, deflateSync(plain)))).toEqual(refused("JavaScript"));
  });

  it("in an object hidden in another stream's data, or reached only through a stream whose /Length disagrees", () => {
    const hidden = "junk\n9 0 obj\n<< /S /JavaScript /JS (app.alert(1)) >>\nendobj\n";
    expect(judge(withStream("", hidden))).toEqual(refused("JavaScript"));
    // "endstream" inside hex-encoded data, and a /Length that does not end at the real "endstream".
    // Cut at the first, the object stream is harmless; a reader that trusts /Length also decodes
    // the object after it (ASCIIHex skips the letters of "endstream" that are not hex digits).
    const catalog = "<< /Type /Catalog >>\n";
    const header = `10 0 11 ${catalog.length + 2}\n`;
    const hex = (text: string) => Buffer.from(text, "latin1").toString("hex");
    const data = `${hex(header + catalog)}endstream${hex(`${openActionJs}\n`)}>`;
    const dict = `/Type /ObjStm /N 2 /First ${header.length} /Filter /ASCIIHexDecode /Length ${data.length}`;
    const tricky = bytes("%PDF-1.7\n", `4 0 obj\n<< ${dict} >>\nstream\n`, data, "\n%padding\nendstream\nendobj\n");
    expect(judge(tricky)).toEqual(refused("JavaScript"));
  });

  it("refuses encrypted files and the Crypt filter: their content cannot be checked", () => {
    expect(judge(bytes("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R /Encrypt 9 0 R >>\n%%EOF\n"))).toEqual({ ok: false, reason: "encrypted" });
    expect(judge(withStream("/Filter /Crypt", "xyz"))).toEqual({ ok: false, reason: "encrypted" });
  });
});

describe("inspectPdf stays fast and small whatever the file does", () => {
  it("the probe's 1.66 MB of '/FlateDecode ': refused as unreadable in well under a second", () => {
    const quadratic = bytes("%PDF-1.4\n", "/FlateDecode ".repeat(128_000));
    expect(quadratic.length).toBeGreaterThan(1_660_000);
    const started = performance.now();
    expect(judge(quadratic)).toEqual({ ok: false, reason: "unreadable" });
    expect(performance.now() - started).toBeLessThan(2000);
    // The same names inside a real catalog are harmless, and still linear.
    const valid = bytes("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Junk [", "/FlateDecode ".repeat(128_000), "] >>\nendobj\n");
    const again = performance.now();
    expect(judge(valid)).toEqual({ ok: true });
    expect(performance.now() - again).toBeLessThan(2000);
  });

  it("five streams inflating to 32 MiB each: over the decoding budget", () => {
    const bomb = deflateSync(Buffer.alloc(32 * 1024 * 1024));
    const parts: Part[] = ["%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"];
    for (let i = 0; i < 5; i++) parts.push(`${i + 2} 0 obj\n<< /Length ${bomb.length} /Filter /FlateDecode >>\nstream\n`, bomb, "\nendstream\nendobj\n");
    const pdf = bytes(...parts);
    expect(pdf.length).toBeLessThan(200_000);
    expect(judge(pdf)).toEqual({ ok: false, reason: "tooMuchData" });
    expect(inspectPdf(pdf, boundedInflate, { ...pdfLimits, maxDecodedBytes: 200 * 1024 * 1024 })).toEqual({ ok: true });
  });

  it("deep nesting and endless unterminated strings are refused, not recursed or rescanned for ever", () => {
    expect(judge(bytes("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /A ", "[".repeat(100_000), "]".repeat(100_000), " >>\nendobj\n"))).toEqual({ ok: false, reason: "tooComplex" });
    const started = performance.now();
    expect(judge(bytes("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "(".repeat(500_000)))).toEqual({ ok: false, reason: "tooComplex" });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("no catalog, or a damaged object stream: unreadable", () => {
    expect(judge(bytes("%PDF-1.4\n%", "x".repeat(1000), "\n%%EOF\n"))).toEqual({ ok: false, reason: "unreadable" });
    expect(judge(withStream("/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", "this is not zlib data"))).toEqual({ ok: false, reason: "unreadable" });
  });
});
