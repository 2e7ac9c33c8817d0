import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import type { AppLoadContext } from "@remix-run/node";
import Ajv2019 from "ajv/dist/2019.js";
import addFormats from "ajv-formats";
import { decodeJWT, verifyJWS } from "did-jwt";
import { normalizeCredential } from "did-jwt-vc";
import jsonld from "jsonld";
import sharp from "sharp";
import { getConfig } from "~/config.server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as jwtVcIssuerLoader } from "~/routes/[.]well-known.jwt-vc-issuer.$";
import { loader as jwksLoader } from "~/routes/[.]well-known.jwks[.]json";
import { loader as achievementLoader } from "~/routes/achievements.$track.$tier";
import { loader as achievementImageLoader } from "~/routes/achievements.$track.$tier_.image[.]svg";
import { loader as statusListLoader } from "~/routes/credentials.status.$list";
import { loader as issuerLoader } from "~/routes/issuer";
import { loader as keyLoader } from "~/routes/issuer_.keys.$kid";
import { action as verifyAction } from "~/routes/verify.$code";
import { unprintableCharacters } from "~/services/certificate-fonts.server";
import { certificateNumber, renderAndStoreCertificate, renderCertificatePdf, verificationUrl } from "~/services/certificate-document.server";
import { LocalDiskStorage, registerStorage } from "~/services/storage.server";
import { createTestApp, makeRequest, responseOf } from "../support/app";

// Issue 15: each certificate's credential checked as a school, a health bureau or an employer would,
// with libraries that are not the signer's (node:crypto): did-jwt / did-jwt-vc for the JWS and its
// claims, ajv against 1EdTech's JSON Schema, jsonld.js in safe mode over local copies of the contexts,
// and a status-list decoder written here from the W3C text. Nothing is fetched from the network.

const run = promisify(execFile);
// Every absolute URL comes from APP_URL (the test environment's own), never from a request.
const origin = getConfig().APP_URL;
const fixtures = path.join(import.meta.dirname, "..", "fixtures", "credentials");
let app: Awaited<ReturnType<typeof createTestApp>>;
let root: string;

beforeAll(async () => {
  app = await createTestApp();
  root = mkdtempSync(path.join(tmpdir(), "baicheng-conformance-"));
  registerStorage(new LocalDiskStorage(root));
});
afterAll(async () => {
  registerStorage(null);
  rmSync(root, { recursive: true, force: true });
  await app?.close();
});

const anonymous = () => app.anonymous();
const get = (url: string, accept?: string) => new Request(url, { headers: accept ? { Accept: accept } : {} });
let phoneCounter = 0;

/** A holder with a phone and an e-mail, and a rendered specialist certificate (valid three years). */
async function issued(name = "周一", tier: "specialist" | "foundation" = "specialist") {
  phoneCounter += 1;
  const phone = `137${String(Date.now() % 1e5).padStart(5, "0")}${String(phoneCounter).padStart(3, "0")}`;
  const email = `holder${Date.now()}${phoneCounter}@example.org`;
  const holder = await app.signIn(["trainee"], { name });
  await app.db.updateTable("users").set({ phone, email }).where("id", "=", holder.id).execute();
  const issuedAt = new Date("2026-11-29T02:00:00.789Z");
  const cert = await app.db
    .insertInto("certificates")
    .values({
      number: certificateNumber(issuedAt),
      user_id: holder.id,
      track: "campus",
      tier,
      name_on_certificate: name,
      issued_at: issuedAt,
      valid_until: tier === "specialist" ? new Date("2029-11-29T02:00:00.789Z") : null,
    })
    .returning(["id", "number", "status_number"])
    .executeTakeFirstOrThrow();
  await renderAndStoreCertificate(app.db, cert.id, origin);
  const row = await app.db.selectFrom("certificates").select("credential").where("id", "=", cert.id).executeTakeFirstOrThrow();
  return { holder, phone, email, cert, jws: (row.credential as { jws: string }).jws };
}

const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;

/** Dereferences a kid URL through our own route, as a verifier's HTTP client would. */
async function dereferenceKid(kid: string) {
  const url = new URL(kid);
  const res = await responseOf(() => keyLoader({ request: get(kid), context: anonymous(), params: { kid: url.pathname.split("/").pop()! } }));
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toContain("application/jwk+json");
  return (await res.json()) as { kty: string; crv: string; x: string; kid: string; d?: string };
}

/** Verifies the JWS with did-jwt (noble-curves Ed25519), given the JWK the kid dereferences to. */
async function verifyIndependently(jws: string) {
  const { header } = decodeJWT(jws);
  const jwk = await dereferenceKid(header.kid!);
  expect(jwk).not.toHaveProperty("d");
  expect(jwk.kid).toBe(header.kid);
  const signer = verifyJWS(jws, { id: header.kid!, type: "JsonWebKey2020", controller: `${origin}/issuer`, publicKeyJwk: jwk });
  expect(signer.id).toBe(header.kid);
  return header;
}

const localContexts: Record<string, string> = {
  "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-context-3.0.3.json",
};

/** A JSON-LD document loader that serves local copies and refuses everything else. */
async function documentLoader(url: string) {
  const file = localContexts[url];
  if (!file) throw new Error(`no local copy of ${url}: a test must never fetch`);
  return { contextUrl: undefined, documentUrl: url, document: JSON.parse(readFileSync(path.join(fixtures, file), "utf8")) };
}

async function expandSafely(document: object) {
  return jsonld.expand(document as jsonld.JsonLdDocument, { documentLoader, safe: true } as jsonld.Options.Expand);
}

/** The W3C Bitstring Status List, read here from its definition: multibase "u" + base64url, GZIP, bit 0 = MSB of byte 0. */
function statusBitFromList(encodedList: string, index: number): boolean {
  expect(encodedList.startsWith("u")).toBe(true);
  const bits = gunzipSync(Buffer.from(encodedList.slice(1), "base64url"));
  expect(bits.length * 8).toBeGreaterThanOrEqual(131_072);
  return ((bits[Math.floor(index / 8)]! >> (7 - (index % 8))) & 1) === 1;
}

let visitorIp = 0;
async function paste(number: string, jws: string) {
  visitorIp += 1;
  const context: AppLoadContext = { ...anonymous(), ip: `192.0.2.${visitorIp}` };
  const res = await responseOf(() => verifyAction({ request: makeRequest(`/verify/${number}`, { form: { jws } }), context, params: { code: number } }));
  return { status: res.status, body: (await res.json()) as { verdict: string } };
}

describe("gap 1 · the VC-JWT carries the claims OB 3.0 §8.2.4 requires", () => {
  it("has iss, jti, nbf, sub and exp matching the credential, as did-jwt-vc reads them", async () => {
    const { jws } = await issued();
    await verifyIndependently(jws);
    const { payload } = decodeJWT(jws);
    const credential = payload as unknown as {
      id: string;
      issuer: { id: string };
      validFrom: string;
      validUntil: string;
      credentialSubject: { id: string };
    };
    expect(payload.iss).toBe(credential.issuer.id);
    expect(payload.jti).toBe(credential.id);
    expect(payload.sub).toBe(credential.credentialSubject.id);
    expect(payload.sub).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // §8.2.6.1: nbf converted to a DateTime MUST equal validFrom, exp sets validUntil.
    expect(new Date(payload.nbf! * 1000).toISOString().replace(".000Z", "Z")).toBe(credential.validFrom);
    expect(new Date(payload.exp! * 1000).toISOString().replace(".000Z", "Z")).toBe(credential.validUntil);
    const normalized = normalizeCredential(jws, false) as unknown as Record<string, unknown> & { issuer: { id: string } };
    expect(normalized.issuer.id).toBe(`${origin}/issuer`);
    expect(normalized.id).toBe(credential.id);
  });
});

describe("gap 2 · the kid is an absolute URL that dereferences to the JWK; issuer metadata is published", () => {
  it("names the key by URL, answers that URL with the public JWK, and lists it in the metadata's JWKS", async () => {
    const { jws } = await issued();
    const header = await verifyIndependently(jws);
    expect(header.kid).toMatch(new RegExp(`^${origin}/issuer/keys/[A-Za-z0-9_-]+$`));

    const metadataRes = await responseOf(() =>
      jwtVcIssuerLoader({ request: get(`${origin}/.well-known/jwt-vc-issuer/issuer`), context: anonymous(), params: { "*": "issuer" } }),
    );
    const metadata = (await metadataRes.json()) as { issuer: string; jwks_uri: string };
    // SD-JWT VC: the metadata's issuer is exactly the iss its well-known URL was derived from.
    expect(metadata.issuer).toBe(decodeJWT(jws).payload.iss);
    expect(metadata.jwks_uri).toBe(`${origin}/.well-known/jwks.json`);
    const jwks = (await (await responseOf(() => jwksLoader({ request: get(metadata.jwks_uri), context: anonymous(), params: {} }))).json()) as {
      keys: Array<{ kid: string; d?: string }>;
    };
    expect(jwks.keys.map((k) => k.kid)).toContain(header.kid);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);

    const missing = await responseOf(() => keyLoader({ request: get(`${origin}/issuer/keys/nope`), context: anonymous(), params: { kid: "nope" } }));
    expect(missing.status).toBe(404);
    const otherIssuer = await responseOf(() =>
      jwtVcIssuerLoader({ request: get(`${origin}/.well-known/jwt-vc-issuer/someone`), context: anonymous(), params: { "*": "someone" } }),
    );
    expect(otherIssuer.status).toBe(404);
  });
});

describe("gap 3 · typ", () => {
  it("is JWT, as OB 3.0 §8.2.3 requires, with no other JOSE header than alg, kid and typ", async () => {
    const { jws } = await issued();
    expect(decode(jws.split(".")[0]!)).toEqual({ alg: "EdDSA", kid: expect.stringMatching(new RegExp(`^${origin}/issuer/keys/`)), typ: "JWT" });
  });
});

describe("gap 4 · status lists expand in JSON-LD safe mode and positions are random", () => {
  it("expands the credential and its status list with every term defined, and reads the bit with our own decoder", async () => {
    const { jws, cert } = await issued();
    const credential = decodeJWT(jws).payload as unknown as { credentialStatus: { statusListCredential: string; statusListIndex: string } };
    await expect(expandSafely(credential)).resolves.toBeDefined();

    const listUrl = credential.credentialStatus.statusListCredential;
    const list = listUrl.split("/").pop()!;
    const res = await responseOf(() => statusListLoader({ request: get(listUrl), context: anonymous(), params: { list } }));
    const listJws = await res.text();
    await verifyIndependently(listJws);
    const listCredential = decodeJWT(listJws).payload as unknown as { issuer: string; credentialSubject: { encodedList: string } };
    await expect(expandSafely(listCredential)).resolves.toBeDefined();
    expect(listCredential.issuer).toBe(`${origin}/issuer`);
    expect(statusBitFromList(listCredential.credentialSubject.encodedList, Number(credential.credentialStatus.statusListIndex))).toBe(false);

    await app.db.updateTable("certificates").set({ status: "revoked", revoked_at: new Date() }).where("id", "=", cert.id).execute();
    const after = decodeJWT(await (await responseOf(() => statusListLoader({ request: get(listUrl), context: anonymous(), params: { list } }))).text())
      .payload as unknown as { credentialSubject: { encodedList: string } };
    expect(statusBitFromList(after.credentialSubject.encodedList, Number(credential.credentialStatus.statusListIndex))).toBe(true);
    // Revocation stays visible on /verify.
    expect((await paste(cert.number, jws)).body.verdict).toBe("revoked");
  });

  it("places certificates at random, never twice in one place", async () => {
    const holder = await app.signIn(["trainee"]);
    const rows = [];
    for (let i = 0; i < 40; i += 1) {
      rows.push(
        await app.db
          .insertInto("certificates")
          .values({ number: certificateNumber(), user_id: holder.id, track: "campus", tier: "foundation", status: "superseded", name_on_certificate: "随机" })
          .returning("status_number")
          .executeTakeFirstOrThrow(),
      );
    }
    const positions = rows.map((r) => r.status_number);
    expect(new Set(positions).size).toBe(40);
    // In issue order they would be consecutive; drawn at random they spread over the list.
    const sorted = [...positions].sort((a, b) => a - b);
    expect(sorted[39]! - sorted[0]!).toBeGreaterThan(1000);
    const ascending = positions.every((p, i) => i === 0 || p > positions[i - 1]!);
    expect(ascending).toBe(false);
  });
});

describe("gap 5 · links that answer, a holder binding a relying party can check, the OB schema", () => {
  it("passes 1EdTech's AchievementCredential JSON Schema and carries credentialSchema, image and achievementType", async () => {
    const { jws } = await issued();
    const credential = decodeJWT(jws).payload as unknown as Record<string, unknown>;
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(path.join(fixtures, "ob_v3p0_achievementcredential_schema.json"), "utf8")));
    expect(validate(credential), JSON.stringify(validate.errors)).toBe(true);
    expect(credential.credentialSchema).toEqual([
      { id: "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json", type: "1EdTechJsonSchemaValidator2019" },
    ]);
    const subject = credential.credentialSubject as Record<string, unknown> & { achievement: Record<string, unknown> };
    expect(subject).not.toHaveProperty("name");
    expect(subject.achievement).toMatchObject({ achievementType: "Certificate", image: { id: `${origin}/achievements/campus/specialist/image.svg`, type: "Image" } });
  });

  it("lets an employer who is given the phone number or e-mail confirm it, without the credential revealing either", async () => {
    const { jws, phone, email, holder } = await issued("吴二");
    const text = Buffer.from(jws.split(".")[1]!, "base64url").toString();
    expect(text).not.toContain(phone);
    expect(text).not.toContain(email);
    expect(text).not.toContain(holder.id);
    const identifiers = (decodeJWT(jws).payload as unknown as { credentialSubject: { identifier: Array<Record<string, string | boolean>> } }).credentialSubject.identifier;
    const recompute = (type: string, value: string) => {
      const entry = identifiers.find((i) => i.identityType === type)!;
      expect(entry).toMatchObject({ type: "IdentityObject", hashed: true });
      return `sha256$${createHash("sha256").update(value + String(entry.salt)).digest("hex")}` === entry.identityHash;
    };
    expect(recompute("ext:phoneNumber", phone)).toBe(true);
    expect(recompute("emailAddress", email)).toBe(true);
    expect(recompute("ext:phoneNumber", "13900000000")).toBe(false);
    expect(identifiers.find((i) => i.identityType === "name")).toEqual({ type: "IdentityObject", identityType: "name", hashed: false, identityHash: "吴二" });
  });

  it("answers the issuer and achievement ids with JSON-LD for a verifier and a Chinese page for a person", async () => {
    const { jws } = await issued();
    const credential = decodeJWT(jws).payload as unknown as { issuer: { id: string }; credentialSubject: { achievement: { id: string; image: { id: string } } } };
    const achievementId = credential.credentialSubject.achievement.id;
    const params = { track: "campus", tier: "specialist" };

    const asJson = await responseOf(() => achievementLoader({ request: get(achievementId, "application/ld+json"), context: anonymous(), params }));
    expect(asJson.status).toBe(200);
    expect(asJson.headers.get("Content-Type")).toContain("application/ld+json");
    const achievement = (await asJson.json()) as Record<string, unknown>;
    expect(achievement).toMatchObject({ id: achievementId, type: ["Achievement"], achievementType: "Certificate", name: "心理健康骨干" });
    await expect(expandSafely(achievement)).resolves.toBeDefined();
    const asPage = await responseOf(() =>
      achievementLoader({ request: get(achievementId, "text/html,application/xhtml+xml,*/*;q=0.8"), context: anonymous(), params }),
    );
    expect(asPage.headers.get("Content-Type")).toContain("text/html");
    expect(await asPage.text()).toContain("心理健康骨干");

    const image = await responseOf(() => achievementImageLoader({ request: get(credential.credentialSubject.achievement.image.id), context: anonymous(), params }));
    expect(image.headers.get("Content-Type")).toContain("image/svg+xml");
    expect(await image.text()).toContain("<svg");

    const issuerJson = (await (await responseOf(() => issuerLoader({ request: get(credential.issuer.id, "application/json"), context: anonymous(), params: {} }))).json()) as Record<string, unknown>;
    expect(issuerJson).toMatchObject({ id: credential.issuer.id, type: ["Profile"] });
    await expect(expandSafely(issuerJson)).resolves.toBeDefined();
    const issuerPage = await responseOf(() => issuerLoader({ request: get(credential.issuer.id, "text/html"), context: anonymous(), params: {} }));
    expect(await issuerPage.text()).toContain("项目办公室");

    const unknown = await responseOf(() => achievementLoader({ request: get(`${origin}/achievements/x/y`), context: anonymous(), params: { track: "x", tier: "y" } }));
    expect(unknown.status).toBe(404);
  });
});

describe("gap 7 · every name prints", () => {
  it("prints a name with Extension B characters through the fallback font, and pdftotext reads it back", async () => {
    const number = certificateNumber();
    const name = "刘𠀾龘";
    const bytes = await renderCertificatePdf({
      name,
      certificateTitle: "心理健康骨干",
      trackTitle: "校园行",
      tierTitle: "骨干",
      english: { certificateTitle: "Mental Health Specialist", trackTitle: "Campus", tierTitle: "Specialist" },
      issuedAt: new Date("2026-11-29T02:00:00Z"),
      validUntil: null,
      issuer: "心关爱·进百城 项目办公室",
      number,
      verifyUrl: verificationUrl(origin, number),
    });
    const dir = mkdtempSync(path.join(tmpdir(), "baicheng-rare-"));
    try {
      const file = path.join(dir, "certificate.pdf");
      writeFileSync(file, bytes);
      const { stdout: text } = await run("pdftotext", [file, "-"]);
      expect(text).toContain(name);
      // Gap 8: the verification address is printed, not only encoded in the QR code.
      expect(text.replace(/\s+/g, "")).toContain(verificationUrl(origin, number));
      const { stdout: fonts } = await run("pdffonts", [file]);
      const rows = fonts.trim().split("\n").slice(2);
      expect(rows.length).toBe(3);
      // Every font embedded and subset, and named with a six-capital tag (ISO 32000-1 §9.6.4).
      for (const row of rows) expect(row).toMatch(/^[A-Z]{6}\+\S+\s+CID TrueType\s+Identity-H\s+yes yes yes/);
      expect(fonts).toMatch(/HanaMinB/);
      expect(bytes.byteLength).toBeLessThan(300_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("knows which characters no font can print: none of 刘𠀾龘 or 𡈽𪚥, but Extension G's 𰀀", async () => {
    expect(await unprintableCharacters("刘𠀾龘")).toEqual([]);
    expect(await unprintableCharacters("\u{2123D}\u{2A6A5}")).toEqual([]);
    expect(await unprintableCharacters("张𰀀𰀀")).toEqual(["𰀀"]);
  });
});

describe("gap 8 · seal and signature images, only when configured", () => {
  it("embeds the configured seal and signature, and nothing when none is configured", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "baicheng-art-"));
    try {
      const red = await sharp({ create: { width: 60, height: 60, channels: 4, background: { r: 200, g: 20, b: 20, alpha: 0.8 } } }).png().toBuffer();
      const ink = await sharp({ create: { width: 120, height: 40, channels: 3, background: { r: 20, g: 20, b: 20 } } }).jpeg().toBuffer();
      writeFileSync(path.join(dir, "seal.png"), red);
      writeFileSync(path.join(dir, "signature.jpg"), ink);
      const base = {
        name: "张三",
        certificateTitle: "心理健康骨干",
        trackTitle: "校园行",
        tierTitle: "骨干",
        english: { certificateTitle: "Mental Health Specialist", trackTitle: "Campus", tierTitle: "Specialist" },
        issuedAt: new Date("2026-11-29T02:00:00Z"),
        validUntil: null,
        issuer: "心关爱·进百城 项目办公室",
        number: "BC-2026-0000-0001",
        verifyUrl: verificationUrl(origin, "BC-2026-0000-0001"),
        contentDir: dir,
      };
      const images = async (bytes: Uint8Array) => {
        const file = path.join(dir, `c-${Math.random()}.pdf`);
        writeFileSync(file, bytes);
        const { stdout } = await run("pdfimages", ["-list", file]);
        return { count: stdout.trim().split("\n").slice(2).filter(Boolean).length, text: (await run("pdftotext", [file, "-"])).stdout };
      };
      const plain = await images(await renderCertificatePdf(base));
      expect(plain.count).toBe(0);
      const withArt = await images(
        await renderCertificatePdf({ ...base, art: { seal: "seal.png", signature: { image: "signature.jpg", caption: { zh: "项目办公室主任", en: "Director" } } } }),
      );
      expect(withArt.count).toBeGreaterThanOrEqual(2);
      expect(withArt.text).toContain("项目办公室主任");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("bad input on /verify: a clear Chinese answer, never a 500", () => {
  it("answers a credential of the wrong type, another issuer's key, an unsigned one and an oversized one", async () => {
    const { jws, cert } = await issued();
    expect(await paste(cert.number, jws)).toMatchObject({ status: 200, body: { verdict: "ok" } });

    // Our own signature, but a status list, not a certificate.
    const listUrl = (decodeJWT(jws).payload as unknown as { credentialStatus: { statusListCredential: string } }).credentialStatus.statusListCredential;
    const listJws = await (await responseOf(() => statusListLoader({ request: get(listUrl), context: anonymous(), params: { list: listUrl.split("/").pop()! } }))).text();
    expect(await paste(cert.number, listJws)).toMatchObject({ status: 422, body: { verdict: "wrongType" } });

    // Signed by someone else, whose kid points at their own site.
    const { privateKey } = generateKeyPairSync("ed25519");
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const input = `${b64({ alg: "EdDSA", kid: "https://other-issuer.example/keys/1", typ: "JWT" })}.${jws.split(".")[1]}`;
    const foreign = `${input}.${sign(null, Buffer.from(input), privateKey).toString("base64url")}`;
    expect(await paste(cert.number, foreign)).toMatchObject({ status: 422, body: { verdict: "foreignKey" } });

    const payloadJson = Buffer.from(jws.split(".")[1]!, "base64url").toString();
    expect(await paste(cert.number, payloadJson)).toMatchObject({ status: 422, body: { verdict: "unsigned" } });
    expect(await paste(cert.number, `${b64({ alg: "none", typ: "JWT" })}.${jws.split(".")[1]}.`)).toMatchObject({ status: 422, body: { verdict: "unsigned" } });
    expect(await paste(cert.number, `${b64({ alg: "none" })}.${jws.split(".")[1]}`)).toMatchObject({ status: 422, body: { verdict: "unsigned" } });

    const oversized = await paste(cert.number, `${jws}${"A".repeat(30_000)}`);
    expect(oversized).toMatchObject({ status: 413, body: { verdict: "tooLarge" } });
    expect(JSON.stringify(oversized.body)).not.toContain("A".repeat(100));
  });
});
