import { createRequire } from "node:module";
import zlib from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";

// patches/pdf-lib+*.patch: pdf-lib compresses a PDF's streams with Node's zlib, not pako's JavaScript port
// (a fifth of drawing a certificate). The format is the same; what changed is who does the work.
const require = createRequire(import.meta.url);
type PdfLib = typeof import("pdf-lib");
const pdfLib = require("pdf-lib") as PdfLib;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the pdf-lib deflate patch", () => {
  it("is what the certificate renderer loads (the CommonJS build)", () => {
    expect(require.resolve("pdf-lib")).toMatch(/pdf-lib\/cjs\/index\.js$/);
  });

  it("compresses content streams with Node's zlib, and they inflate back to what was drawn", async () => {
    const deflate = vi.spyOn(zlib, "deflateSync");
    const pdf = await pdfLib.PDFDocument.create();
    const page = pdf.addPage([200, 200]);
    for (let i = 0; i < 50; i++) page.drawRectangle({ x: i, y: i, width: 10, height: 10, color: pdfLib.rgb(0, 0, 0) });
    const stream = pdf.context.flateStream("BT /F1 12 Tf (hello) Tj ET ".repeat(20));
    const bytes = await pdf.save();
    expect(deflate).toHaveBeenCalled();
    expect(zlib.inflateSync(stream.getContents()).toString("latin1")).toBe("BT /F1 12 Tf (hello) Tj ET ".repeat(20));
    expect(Buffer.from(bytes.subarray(0, 5)).toString("latin1")).toBe("%PDF-");
  });
});
