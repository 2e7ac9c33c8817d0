import { describe, expect, it } from "vitest";
import { certificateFonts } from "~/services/certificate-fonts.server";
import { parsedFont, renderCertificatePdf } from "~/services/certificate-pdf";

// A certificate font is a 15 MB file: parsing it for every PDF cost more than drawing the page.
describe("certificate fonts for the PDF", () => {
  it("are parsed once per process: every PDF reuses the faces read for coverage", async () => {
    const fonts = await certificateFonts();
    const input = {
      name: "张三丰",
      certificateTitle: "心理健康普及",
      trackTitle: "校园行",
      tierTitle: "普及",
      english: { certificateTitle: "Mental Health Foundation", trackTitle: "Campus", tierTitle: "Foundation" },
      issuedAt: new Date("2026-11-29T02:00:00Z"),
      validUntil: null,
      issuer: "心关爱·进百城 项目办公室",
      number: "BC-2026-7K3M-Q9TX",
      verifyUrl: "https://example.org/verify/BC-2026-7K3M-Q9TX",
    };
    const [first, second] = [await renderCertificatePdf(input), await renderCertificatePdf({ ...input, name: "李静" })];
    expect(first.byteLength).toBeGreaterThan(5000);
    expect(second.byteLength).toBeGreaterThan(5000);
    expect(parsedFont(fonts.regular)).toBe(fonts.regularFace);
    expect(parsedFont(fonts.bold)).toBe(fonts.boldFace);
    const other = new Uint8Array(fonts.regular);
    expect(parsedFont(other)).toBe(parsedFont(other));
    expect(parsedFont(other)).not.toBe(fonts.regularFace);
  });
});
