import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import type { AppLoadContext } from "@remix-run/node";
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeCertificate } from "~/models/certificates.server";
import { loader as jwksLoader } from "~/routes/[.]well-known.jwks[.]json";
import { loader as credentialLoader } from "~/routes/certificates.$certificateId.credential";
import { loader as statusListLoader } from "~/routes/credentials.status.$list";
import { action as verifyAction } from "~/routes/verify.$code";
import { certificateNumber, publicOrigin, renderAndStoreCertificate } from "~/services/certificate-document.server";
import { LocalDiskStorage, registerStorage } from "~/services/storage.server";
import { createTestApp, makeRequest, responseOf } from "../support/app";

// A credential's revocation travels with it: credentialStatus names a public, signed Bitstring
// Status List, and anyone can read the bit. Checked here with jose and zlib, not our own code.

let app: Awaited<ReturnType<typeof createTestApp>>;
let root: string;
// The origin every credential and status list is built on: APP_URL (never a request's Host).
const origin = publicOrigin();

beforeAll(async () => {
  app = await createTestApp();
  root = mkdtempSync(path.join(tmpdir(), "baicheng-status-"));
  registerStorage(new LocalDiskStorage(root));
});
afterAll(async () => {
  registerStorage(null);
  rmSync(root, { recursive: true, force: true });
  await app?.close();
});

async function renderedCertificate(name: string) {
  const holder = await app.signIn(["trainee"], { name });
  const cert = await app.db
    .insertInto("certificates")
    .values({ number: certificateNumber(), user_id: holder.id, track: "community", tier: "foundation", name_on_certificate: name })
    .returning(["id", "number", "status_number"])
    .executeTakeFirstOrThrow();
  await renderAndStoreCertificate(app.db, cert.id, origin);
  const row = await app.db.selectFrom("certificates").select("credential").where("id", "=", cert.id).executeTakeFirstOrThrow();
  return { holder, cert, jws: (row.credential as { jws: string }).jws };
}

async function jwks() {
  const res = await responseOf(() => jwksLoader({ request: new Request(`${origin}/.well-known/jwks.json`), context: app.anonymous(), params: {} }));
  return createLocalJWKSet((await res.json()) as JSONWebKeySet);
}

/** What an outside verifier does: fetch the list the credential names, check its signature, read the bit. */
async function revocationBit(jws: string): Promise<boolean> {
  const keys = await jwks();
  const credential = JSON.parse(new TextDecoder().decode((await compactVerify(jws, keys)).payload)) as {
    credentialStatus: { statusListCredential: string; statusListIndex: string; statusPurpose: string; type: string };
  };
  const entry = credential.credentialStatus;
  expect(entry).toMatchObject({ type: "BitstringStatusListEntry", statusPurpose: "revocation" });
  const url = new URL(entry.statusListCredential);
  expect(url.origin).toBe(origin);
  const list = url.pathname.split("/").pop()!;
  const res = await responseOf(() => statusListLoader({ request: new Request(url), context: app.anonymous(), params: { list } }));
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("application/vc+jwt");
  const listJws = await res.text();
  expect(decodeProtectedHeader(listJws)).toMatchObject({ alg: "EdDSA", typ: "vc+jwt" });
  const statusList = JSON.parse(new TextDecoder().decode((await compactVerify(listJws, keys)).payload)) as {
    id: string;
    type: string[];
    credentialSubject: { type: string; statusPurpose: string; encodedList: string };
  };
  expect(statusList.type).toEqual(["VerifiableCredential", "BitstringStatusListCredential"]);
  expect(statusList.id).toBe(entry.statusListCredential);
  expect(statusList.credentialSubject).toMatchObject({ type: "BitstringStatusList", statusPurpose: "revocation" });
  const bits = gunzipSync(Buffer.from(statusList.credentialSubject.encodedList.slice(1), "base64url"));
  expect(bits.length).toBeGreaterThanOrEqual(16 * 1024);
  const index = Number(entry.statusListIndex);
  return (bits[Math.floor(index / 8)]! & (0x80 >> index % 8)) !== 0;
}

let ip = 0;
async function pasteOnVerifyPage(number: string, jws: string) {
  ip += 1;
  const context: AppLoadContext = { ...app.anonymous(), ip: `203.0.113.${ip}` };
  const res = await responseOf(() => verifyAction({ request: makeRequest(`/verify/${number}`, { form: { jws } }), context, params: { code: number } }));
  return ((await res.json()) as { verdict: string }).verdict;
}

describe("credentialStatus and the public status list", () => {
  it("shows a live credential as not revoked, and the same credential as revoked once the certificate is", async () => {
    const { cert, jws } = await renderedCertificate("周一");
    const bystander = await renderedCertificate("吴二");
    expect(await revocationBit(jws)).toBe(false);
    expect(await pasteOnVerifyPage(cert.number, jws)).toBe("ok");

    const admin = await app.signIn(["admin"]);
    expect(await revokeCertificate(app.db, { certificateId: cert.id, actorId: admin.id, ip: null, reason: "材料不实" })).toMatchObject({ ok: true });
    // The credential itself did not change; its bit did.
    expect(await revocationBit(jws)).toBe(true);
    expect(await pasteOnVerifyPage(cert.number, jws)).toBe("revoked");
    expect(await revocationBit(bystander.jws)).toBe(false);
    expect(await pasteOnVerifyPage(bystander.cert.number, bystander.jws)).toBe("ok");
  });

  it("gives every certificate its own place in the list", async () => {
    const a = await renderedCertificate("郑三");
    const b = await renderedCertificate("王四");
    expect(a.cert.status_number).not.toBe(b.cert.status_number);
    const index = (jws: string) => (JSON.parse(Buffer.from(jws.split(".")[1]!, "base64url").toString()) as { credentialStatus: { statusListIndex: string } }).credentialStatus.statusListIndex;
    expect(index(a.jws)).not.toBe(index(b.jws));
  });

  it("answers a list that does not exist, or is not a number, with 404", async () => {
    for (const list of ["99999", "abc", "-1", "1e3", "0".repeat(12)]) {
      const res = await responseOf(() => statusListLoader({ request: makeRequest(`/credentials/status/${list}`), context: app.anonymous(), params: { list } }));
      expect(res.status).toBe(404);
    }
  });
});

describe("credential download", () => {
  it("gives the holder and admins the credential JSON and the signed JWT; others get 404 or the login page", async () => {
    const { holder, cert, jws } = await renderedCertificate("冯五");
    const other = await app.signIn(["trainee"]);
    const mentor = await app.signIn(["mentor"]);
    const admin = await app.signIn(["admin"]);
    const download = (context: AppLoadContext, query = "") =>
      responseOf(() =>
        credentialLoader({ request: makeRequest(`/certificates/${cert.id}/credential${query}`), context, params: { certificateId: cert.id } }),
      );

    const json = await download(holder.context, "?format=json");
    expect(json.status).toBe(200);
    expect(json.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    expect(json.headers.get("Content-Disposition")).toBe(`attachment; filename="${cert.number}.json"`);
    const credential = (await json.json()) as Record<string, unknown>;
    expect(credential).toMatchObject({ type: ["VerifiableCredential", "OpenBadgeCredential"], id: `${origin}/verify/${cert.number}` });
    expect(credential.credentialStatus).toBeDefined();

    // The default is the signed credential: what the holder's "下载电子凭证" gives.
    const jwt = await download(holder.context);
    expect((await download(holder.context, "?format=jwt")).headers.get("Content-Type")).toBe("application/vc+jwt");
    expect(jwt.headers.get("Content-Type")).toBe("application/vc+jwt");
    const body = await jwt.text();
    expect(body).toBe(jws);
    await expect(compactVerify(body, await jwks())).resolves.toBeDefined();

    expect((await download(admin.context)).status).toBe(200);
    expect((await download(other.context)).status).toBe(404);
    expect((await download(mentor.context)).status).toBe(404);
    expect((await download(app.anonymous())).status).toBe(302);
  });

  it("says the credential is still being produced before rendering", async () => {
    const holder = await app.signIn(["trainee"]);
    const cert = await app.db
      .insertInto("certificates")
      .values({ number: certificateNumber(), user_id: holder.id, track: "campus", tier: "foundation", name_on_certificate: "陈六" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const res = await responseOf(() =>
      credentialLoader({ request: makeRequest(`/certificates/${cert.id}/credential`), context: holder.context, params: { certificateId: cert.id } }),
    );
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("电子凭证尚在生成中");
  });
});
