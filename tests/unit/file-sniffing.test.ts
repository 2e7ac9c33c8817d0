import { describe, expect, it } from "vitest";
import { displayFileName, sniffFileType } from "~/domain/file-sniffing";

const bytes = (...parts: Array<string | number[]>) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? Array.from(Buffer.from(p, "latin1")) : p)));

const jpegHead = bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], "JFIF\0");
const pngHead = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], "IHDR");
const webpHead = bytes("RIFF", [0x24, 0, 0, 0], "WEBPVP8 ");

describe("sniffFileType judges by content", () => {
  it("recognises JPEG, PNG, WebP and PDF by their magic bytes", () => {
    expect(sniffFileType(jpegHead)).toEqual({ supported: true, mimeType: "image/jpeg", extension: "jpg" });
    expect(sniffFileType(pngHead)).toEqual({ supported: true, mimeType: "image/png", extension: "png" });
    expect(sniffFileType(webpHead)).toEqual({ supported: true, mimeType: "image/webp", extension: "webp" });
    expect(sniffFileType(bytes("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"))).toEqual({ supported: true, mimeType: "application/pdf", extension: "pdf" });
  });

  it("refuses an .exe however it is named, and says what it is", () => {
    expect(sniffFileType(bytes("MZ", [0x90, 0, 3, 0], "This program cannot be run in DOS mode"))).toEqual({ supported: false, detected: "executable" });
    expect(sniffFileType(bytes([0x7f], "ELF", [2, 1, 1]))).toEqual({ supported: false, detected: "executable" });
  });

  it("refuses SVG, with or without an XML prolog or BOM", () => {
    expect(sniffFileType(bytes('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))).toEqual({ supported: false, detected: "svg" });
    expect(sniffFileType(bytes('\xef\xbb\xbf<?xml version="1.0"?>\n<!-- x -->\n<svg xmlns="http://www.w3.org/2000/svg"/>'))).toEqual({ supported: false, detected: "svg" });
    expect(sniffFileType(bytes("  \n<SVG>"))).toEqual({ supported: false, detected: "svg" });
  });

  it("refuses HEIC (iPhone), GIF, ZIP and plain text", () => {
    expect(sniffFileType(bytes([0, 0, 0, 0x18], "ftypheic", [0, 0, 0, 0], "mif1heic"))).toEqual({ supported: false, detected: "heic" });
    expect(sniffFileType(bytes("GIF89a", [1, 0, 1, 0]))).toEqual({ supported: false, detected: "gif" });
    expect(sniffFileType(bytes("PK", [3, 4, 20, 0]))).toEqual({ supported: false, detected: "archive" });
    expect(sniffFileType(bytes("签到表 2026-11-29".replace(/[^\x00-\x7f]/g, "?")))).toEqual({ supported: false, detected: "other" });
  });

  it("refuses empty and truncated headers, and a RIFF that is not WebP", () => {
    expect(sniffFileType(new Uint8Array())).toEqual({ supported: false, detected: "other" });
    expect(sniffFileType(bytes([0xff, 0xd8]))).toEqual({ supported: false, detected: "other" });
    expect(sniffFileType(bytes("RIFF", [0x24, 0, 0, 0], "WAVEfmt "))).toEqual({ supported: false, detected: "other" });
  });

  it("does not accept a PDF header that only appears after other content (a polyglot)", () => {
    expect(sniffFileType(bytes("<html><script>alert(1)</script></html>\n%PDF-1.4\n")).supported).toBe(false);
  });
});

describe("displayFileName", () => {
  it("keeps a Chinese name and its matching extension", () => {
    expect(displayFileName("班会签到表.pdf", "pdf", "document")).toBe("班会签到表.pdf");
    expect(displayFileName("IMG_0012.JPEG", "jpg", "photo")).toBe("IMG_0012.jpeg");
  });

  it("drops folders and gives the real extension to a disguised file", () => {
    expect(displayFileName("C:\\Users\\li\\Desktop\\photo.jpg", "png", "photo")).toBe("photo.png");
    expect(displayFileName("../../etc/passwd", "pdf", "document")).toBe("passwd.pdf");
  });

  it("removes control and direction-override characters", () => {
    expect(displayFileName("invoice\u202Egpj.exe", "jpg", "photo")).toBe("invoicegpj.jpg");
    expect(displayFileName("a\u0000b\nc.pdf", "pdf", "document")).toBe("abc.pdf");
  });

  it("falls back to the kind when nothing is left, and caps the length at 100 characters", () => {
    expect(displayFileName("", "jpg", "photo")).toBe("photo.jpg");
    expect(displayFileName(".jpg", "jpg", "photo")).toBe("photo.jpg");
    const long = displayFileName(`${"签".repeat(300)}.pdf`, "pdf", "document");
    expect(Array.from(long)).toHaveLength(100);
    expect(long.endsWith(".pdf")).toBe(true);
  });
});
