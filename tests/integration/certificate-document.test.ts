import { getConfig } from "~/config.server";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { AppLoadContext } from "@remix-run/node";
import { compactVerify, importJWK, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  certificateNumber,
  normalizeCertificateNumber,
  renderAndStoreCertificate,
  renderCertificatePdf,
  verificationUrl,
} from "~/services/certificate-document.server";
import { buildOpenBadgeCredential, signCredential, verifyCredentialJws } from "~/services/credentials.server";
import { LocalDiskStorage, registerStorage, storage } from "~/services/storage.server";
import { loader as jwksLoader } from "~/routes/[.]well-known.jwks[.]json";
import { loader as pdfLoader } from "~/routes/certificates.$certificateId[.]pdf";
import { action as verifyAction, loader as verifyLoader } from "~/routes/verify.$code";
import { loader as verifyIndexLoader } from "~/routes/verify._index";
import { createTestApp, makeRequest, responseOf } from "../support/app";

// Absolute URLs come from APP_URL, this test environment's own.
const siteOrigin = getConfig().APP_URL;
import { testIssuerKey } from "../support/issuer-key";

const run = promisify(execFile);
let app: Awaited<ReturnType<typeof createTestApp>>;
let root: string;

beforeAll(async () => {
  app = await createTestApp();
  root = mkdtempSync(path.join(tmpdir(), "baicheng-certs-"));
  registerStorage(new LocalDiskStorage(root));
});
afterAll(async () => {
  registerStorage(null);
  rmSync(root, { recursive: true, force: true });
  await app?.close();
});

let ipCounter = 0;
/** A fresh client address per test, so the per-IP verification limit of one test does not leak into another. */
function visitor(): AppLoadContext {
  ipCounter += 1;
  return { ...app.anonymous(), ip: `198.51.100.${ipCounter}` };
}

async function insertCertificate(values: {
  userId: string;
  name: string;
  status?: "issued" | "revoked" | "superseded";
  tier?: "foundation" | "practitioner" | "specialist" | "supervisor";
  validUntil?: Date | null;
  revokedAt?: Date | null;
  revokedReason?: string | null;
  supersededBy?: string | null;
}) {
  const number = certificateNumber(new Date("2026-11-29T02:00:00Z"));
  const row = await app.db
    .insertInto("certificates")
    .values({
      number,
      user_id: values.userId,
      track: "campus",
      tier: values.tier ?? "specialist",
      status: values.status ?? "issued",
      name_on_certificate: values.name,
      issued_at: new Date("2026-11-29T02:00:00Z"),
      valid_until: values.validUntil ?? null,
      revoked_at: values.revokedAt ?? null,
      revoked_reason: values.revokedReason ?? null,
      superseded_by: values.supersededBy ?? null,
    })
    .returning(["id", "number"])
    .executeTakeFirstOrThrow();
  return row;
}

async function verifyPage(code: string, context = visitor()) {
  const res = await responseOf(() => verifyLoader({ request: makeRequest(`/verify/${encodeURIComponent(code)}`), context, params: { code } }));
  return { res, body: res.status === 200 || res.status >= 400 ? ((await res.json()) as Record<string, unknown>) : null };
}

describe("certificate numbers", () => {
  it("are readable, unambiguous and differ every time", () => {
    const numbers = new Set(Array.from({ length: 2000 }, () => certificateNumber(new Date("2026-05-01T00:00:00Z"))));
    expect(numbers.size).toBe(2000);
    for (const n of numbers) expect(n).toMatch(/^BC-2026-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  });

  it("forgive case, spaces and look-alike letters when typed, and refuse anything else", () => {
    expect(normalizeCertificateNumber(" bc-2026-7k3m-q9tx ")).toBe("BC-2026-7K3M-Q9TX");
    expect(normalizeCertificateNumber("BC2026OOIL7K3M")).toBe("BC-2026-0011-7K3M");
    expect(normalizeCertificateNumber("BC-2026-7K3M-Q9TU")).toBeNull();
    expect(normalizeCertificateNumber("../../etc/passwd")).toBeNull();
    expect(normalizeCertificateNumber("")).toBeNull();
  });
});

describe("certificate PDF", () => {
  it("holds the trainee's Chinese name, the number and a QR code on an A4 landscape page", async () => {
    const number = certificateNumber();
    const bytes = await renderCertificatePdf({
      name: "张三丰",
      certificateTitle: "心理健康骨干",
      trackTitle: "校园行",
      tierTitle: "骨干",
      english: { certificateTitle: "Mental Health Specialist", trackTitle: "Campus", tierTitle: "Specialist" },
      issuedAt: new Date("2026-11-29T02:00:00Z"),
      validUntil: new Date("2029-11-29T02:00:00Z"),
      issuer: "心关爱·进百城 项目办公室",
      number,
      verifyUrl: verificationUrl(`${siteOrigin}`, number),
    });
    const dir = mkdtempSync(path.join(tmpdir(), "baicheng-cert-pdf-"));
    try {
      const file = path.join(dir, "certificate.pdf");
      writeFileSync(file, bytes);
      const { stdout: text } = await run("pdftotext", ["-layout", file, "-"]);
      expect(text).toContain("张三丰");
      expect(text).toContain(number);
      expect(text).toContain("结业证书");
      expect(text).toContain("2026年11月29日");
      expect(text).toContain("心理健康骨干");

      const { stdout: info } = await run("pdfinfo", [file]);
      expect(info).toMatch(/Page size:\s+841\.89 x 595\.28 pts \(A4\)/);
      const { stdout: fonts } = await run("pdffonts", [file]);
      expect(fonts).toMatch(/NotoSerifSC.*CID TrueType\s+Identity-H\s+yes/);
      // Subset: the whole font is ~15 MB.
      expect(bytes.byteLength).toBeLessThan(200_000);

      await run("pdftoppm", ["-png", "-r", "50", file, path.join(dir, "page")]);
      const png = readdirSync(dir).find((f) => f.endsWith(".png"));
      expect(png).toBeDefined();
      expect(statSync(path.join(dir, png!)).size).toBeGreaterThan(5_000);

      // The QR code, as a phone would read it off the printed page: the certificate's verification address.
      await run("pdftoppm", ["-png", "-r", "150", "-singlefile", file, path.join(dir, "scan")]);
      const { default: sharp } = await import("sharp");
      const { data, info: raster } = await sharp(path.join(dir, "scan.png")).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      const { default: jsQR } = await import("jsqr");
      const code = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), raster.width, raster.height);
      expect(code?.data).toBe(verificationUrl(`${siteOrigin}`, number));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("signed Open Badges credential", () => {
  async function jwksKey(kid: string) {
    const res = await responseOf(() => jwksLoader({ request: new Request(`${siteOrigin}/.well-known/jwks.json`), context: app.anonymous(), params: {} }));
    expect(res.status).toBe(200);
    const jwks = (await res.json()) as { keys: JWK[] };
    const jwk = jwks.keys.find((k) => k.kid === kid);
    expect(jwk).toBeDefined();
    expect(jwk).not.toHaveProperty("d");
    return importJWK(jwk!, "EdDSA");
  }

  it("verifies with an independent library against the published JWKS, and a tampered one does not", async () => {
    const holder = await app.signIn(["trainee"], { name: "张三丰" });
    const signed = signCredential(
      testIssuerKey,
      `${siteOrigin}`,
      buildOpenBadgeCredential({
        verifyUrl: `${siteOrigin}/verify/BC-2026-7K3M-Q9TX`,
        origin: `${siteOrigin}`,
        issuerName: "心关爱·进百城 项目办公室",
        holderId: holder.id,
        holderName: "张三丰",
        holderEmail: null,
        holderPhone: "13800000001",
        credentialName: "心理健康骨干",
        track: "campus",
        tier: "specialist",
        achievementName: "心理健康骨干",
        achievementDescription: "完成校园行骨干阶段",
        criteria: "全部任务合格",
        issuedAt: new Date("2026-11-29T02:00:00Z"),
        validUntil: null,
        statusNumber: 131_075,
      }),
    );
    const [header] = signed.jws.split(".");
    const { kid, alg, typ } = JSON.parse(Buffer.from(header!, "base64url").toString()) as Record<string, string>;
    expect({ alg, typ }).toEqual({ alg: "EdDSA", typ: "JWT" });
    expect(kid).toBe(`${siteOrigin}/issuer/keys/${testIssuerKey.kid}`);

    const key = await jwksKey(kid!);
    const { payload } = await compactVerify(signed.jws, key);
    const credential = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    expect(credential.type).toEqual(["VerifiableCredential", "OpenBadgeCredential"]);
    expect((credential["@context"] as unknown[]).slice(0, 2)).toEqual(["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]);
    expect(JSON.stringify(credential)).not.toContain(holder.id);
    // Number 131,075 is the fourth place of the second list (lists hold 131,072).
    expect(credential.credentialStatus).toEqual({
      id: `${siteOrigin}/credentials/status/1#3`,
      type: "BitstringStatusListEntry",
      statusPurpose: "revocation",
      statusListIndex: "3",
      statusListCredential: `${siteOrigin}/credentials/status/1`,
    });

    // Change one character of the payload: 张三丰 becomes someone else.
    const [h, p, s] = signed.jws.split(".") as [string, string, string];
    const forged = Buffer.from(p, "base64url").toString("utf8").replace("张三丰", "李四丰");
    const tampered = `${h}.${Buffer.from(forged).toString("base64url")}.${s}`;
    await expect(compactVerify(tampered, key)).rejects.toThrow();
    const flipped = `${h}.${p.slice(0, 10)}${p[10] === "A" ? "B" : "A"}${p.slice(11)}.${s}`;
    await expect(compactVerify(flipped, key)).rejects.toThrow();

    expect(await verifyCredentialJws(app.db, signed.jws, `${siteOrigin}`)).toMatchObject({ valid: true, kid });
    expect(await verifyCredentialJws(app.db, tampered)).toEqual({ valid: false, reason: "badSignature" });
    expect(await verifyCredentialJws(app.db, "not a jws")).toEqual({ valid: false, reason: "malformed" });
  });

});

describe("rendering and storing a certificate", () => {
  it("stores the PDF and the signed credential once, and leaves a rendered certificate alone", async () => {
    const holder = await app.signIn(["trainee"], { name: "王小明" });
    const cert = await insertCertificate({ userId: holder.id, name: "王小明" });
    expect(await renderAndStoreCertificate(app.db, cert.id, `${siteOrigin}`)).toEqual({ rendered: true });
    const row = await app.db.selectFrom("certificates").selectAll().where("id", "=", cert.id).executeTakeFirstOrThrow();
    expect(row.pdf_key).toMatch(/^cert\/\d{4}\/\d{2}\/[0-9a-f]{32}\.pdf$/);
    expect(row.rendered_at).toBeInstanceOf(Date);
    expect(row.render_error).toBeNull();
    const stored = row.credential as { credential: { id: string }; jws: string };
    expect(stored.credential.id).toBe(`${siteOrigin}/verify/${cert.number}`);
    const pdf = await storage().get(row.pdf_key!);
    expect(Buffer.from(pdf!.subarray(0, 5)).toString()).toBe("%PDF-");

    expect(await renderAndStoreCertificate(app.db, cert.id, `${siteOrigin}`)).toEqual({ rendered: false });
    const again = await app.db.selectFrom("certificates").select(["pdf_key", "rendered_at"]).where("id", "=", cert.id).executeTakeFirstOrThrow();
    expect(again).toEqual({ pdf_key: row.pdf_key, rendered_at: row.rendered_at });
  });
});

describe("public verification page", () => {
  it("shows a valid certificate with only the public facts and a verified credential", async () => {
    const holder = await app.signIn(["trainee"], { name: "张三丰" });
    const cert = await insertCertificate({ userId: holder.id, name: "张三丰" });
    await renderAndStoreCertificate(app.db, cert.id, "http://localhost");
    const { res, body } = await verifyPage(cert.number);
    expect(res.status).toBe(200);
    const view = (body as { view: Record<string, unknown> }).view;
    expect(view).toMatchObject({ state: "valid", name: "张三丰", certificateTitle: "心理健康骨干", trackTitle: "校园行", tierTitle: "骨干", issuedOn: "2026年11月29日" });
    expect(view.credential).toMatchObject({ verdict: "ok" });
    expect(JSON.stringify(body)).not.toContain(holder.id);
  });

  it("says when and why a certificate was revoked", async () => {
    const holder = await app.signIn(["trainee"]);
    const cert = await insertCertificate({ userId: holder.id, name: "李四", status: "revoked", revokedAt: new Date("2027-01-05T04:00:00Z"), revokedReason: "材料造假" });
    const { res, body } = await verifyPage(cert.number);
    expect(res.status).toBe(200);
    expect((body as { view: Record<string, unknown> }).view).toMatchObject({ state: "revoked", revokedOn: "2027年1月5日", revokedReason: "材料造假" });
  });

  it("points a superseded certificate to its replacement and marks an expired one", async () => {
    const holder = await app.signIn(["trainee"]);
    const replacement = await insertCertificate({ userId: holder.id, name: "赵六", tier: "practitioner" });
    const old = await insertCertificate({ userId: holder.id, name: "赵六", status: "superseded", supersededBy: replacement.id });
    const superseded = await verifyPage(old.number);
    expect((superseded.body as { view: Record<string, unknown> }).view).toMatchObject({ state: "superseded", supersededByNumber: replacement.number });

    const expired = await insertCertificate({ userId: holder.id, name: "赵六", tier: "supervisor", validUntil: new Date("2020-01-01T00:00:00Z") });
    const page = await verifyPage(expired.number);
    expect((page.body as { view: Record<string, unknown> }).view).toMatchObject({ state: "expired", validUntil: "2020年1月1日" });
  });

  it("answers an unknown number with 404 and a malformed one with 400, never a 500", async () => {
    expect((await verifyPage("BC-2026-ZZZZ-ZZZZ")).res.status).toBe(404);
    for (const bad of ["hello", "BC-20-1234", "'; drop table certificates; --", "x".repeat(500)]) {
      const { res, body } = await verifyPage(bad);
      expect(res.status).toBe(400);
      expect(body).toMatchObject({ kind: "malformed" });
    }
    const lower = await verifyPage("bc-2026-zzzz-zzzz");
    expect(lower.res.status).toBe(302);
    expect(lower.res.headers.get("Location")).toBe("/verify/BC-2026-ZZZZ-ZZZZ");
  });

  it("sends a typed number to its page and keeps a mistyped one in the form", async () => {
    const ok = await responseOf(() => verifyIndexLoader({ request: makeRequest("/verify?number=bc 2026 7k3m q9tx"), context: visitor(), params: {} }));
    expect(ok.headers.get("Location")).toBe("/verify/BC-2026-7K3M-Q9TX");
    const bad = await responseOf(() => verifyIndexLoader({ request: makeRequest("/verify?number=BC-12"), context: visitor(), params: {} }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "verify.error.malformed", number: "BC-12" });
  });

  it("checks a pasted credential and rejects a tampered one with a clear answer", async () => {
    const holder = await app.signIn(["trainee"]);
    const cert = await insertCertificate({ userId: holder.id, name: "钱七" });
    const other = await insertCertificate({ userId: holder.id, name: "钱七", tier: "foundation" });
    await renderAndStoreCertificate(app.db, cert.id, "http://localhost");
    await renderAndStoreCertificate(app.db, other.id, "http://localhost");
    const jwsOf = async (id: string) =>
      ((await app.db.selectFrom("certificates").select("credential").where("id", "=", id).executeTakeFirstOrThrow()).credential as { jws: string }).jws;
    const jws = await jwsOf(cert.id);
    const check = async (pasted: string) => {
      const res = await responseOf(() =>
        verifyAction({ request: makeRequest(`/verify/${cert.number}`, { form: { jws: pasted } }), context: visitor(), params: { code: cert.number } }),
      );
      return { status: res.status, body: (await res.json()) as { verdict: string } };
    };
    expect(await check(jws)).toMatchObject({ status: 200, body: { verdict: "ok" } });
    const [h, p, s] = jws.split(".") as [string, string, string];
    const tampered = `${h}.${Buffer.from(Buffer.from(p, "base64url").toString().replace("钱七", "钱八")).toString("base64url")}.${s}`;
    expect(await check(tampered)).toMatchObject({ status: 422, body: { verdict: "badSignature" } });
    expect(await check("garbage")).toMatchObject({ status: 422, body: { verdict: "malformed" } });
    expect(await check(await jwsOf(other.id))).toMatchObject({ status: 422, body: { verdict: "mismatch" } });
    expect(await check("")).toMatchObject({ status: 400, body: { verdict: "empty" } });
  });

  it("limits look-ups per address to 60 a minute", async () => {
    const context = visitor();
    for (let i = 0; i < 60; i += 1) expect((await verifyPage("BC-2026-ZZZZ-ZZZ0", context)).res.status).toBe(404);
    const { res, body } = await verifyPage("BC-2026-ZZZZ-ZZZ0", context);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(body).toMatchObject({ kind: "rateLimited" });
    expect((await verifyPage("BC-2026-ZZZZ-ZZZ0", visitor())).res.status).toBe(404);
  });

  it("holds the limit under 80 simultaneous look-ups from one address (counted before deciding)", async () => {
    const context = visitor();
    const statuses = await Promise.all(Array.from({ length: 80 }, () => verifyPage("BC-2026-ZZZZ-ZZZ0", context).then((r) => r.res.status)));
    expect(statuses.filter((s) => s === 404)).toHaveLength(60);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  });
});

describe("certificate PDF download", () => {
  it("serves the holder and admins, hides it from other trainees and sends strangers to log in", async () => {
    const holder = await app.signIn(["trainee"], { name: "孙八" });
    const otherTrainee = await app.signIn(["trainee"]);
    const mentor = await app.signIn(["mentor"]);
    const admin = await app.signIn(["admin"]);
    const cert = await insertCertificate({ userId: holder.id, name: "孙八" });
    const download = (context: AppLoadContext, id = cert.id) =>
      responseOf(() => pdfLoader({ request: makeRequest(`/certificates/${id}.pdf`), context, params: { certificateId: id } }));

    expect((await download(holder.context)).status).toBe(409);
    await renderAndStoreCertificate(app.db, cert.id, "http://localhost");

    const mine = await download(holder.context);
    expect(mine.status).toBe(200);
    expect(mine.headers.get("Content-Type")).toBe("application/pdf");
    expect(mine.headers.get("Content-Disposition")).toBe(
      `attachment; filename="${cert.number}.pdf"; filename*=UTF-8''${encodeURIComponent(`${cert.number}-心理健康骨干证书.pdf`)}`,
    );
    expect(Buffer.from(new Uint8Array(await mine.arrayBuffer()).subarray(0, 5)).toString()).toBe("%PDF-");
    expect((await download(admin.context)).status).toBe(200);
    expect((await download(otherTrainee.context)).status).toBe(404);
    expect((await download(mentor.context)).status).toBe(404);
    expect((await download(admin.context, "00000000-0000-0000-0000-000000000000")).status).toBe(404);
    expect((await download(admin.context, "not-a-uuid")).status).toBe(404);
    const anonymous = await download(app.anonymous());
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toBe(`/login?redirectTo=${encodeURIComponent(`/certificates/${cert.id}.pdf`)}`);
  });
});
