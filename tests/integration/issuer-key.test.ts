import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { calculateJwkThumbprint } from "jose";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIssuerKeyPem, IssuerKeyError, issuerKeyFrom, loadIssuerKey } from "~/runtime/issuer-key.server";
import { publicJwks, publishIssuerKey } from "~/services/credentials.server";
import { createTestApp } from "../support/app";

// Where the key that signs credentials comes from: made once under DATA_DIR in development,
// read from ISSUER_SIGNING_KEY in production; only its public half reaches the database.

let app: Awaited<ReturnType<typeof createTestApp>>;
const dirs: string[] = [];
function freshDir() {
  const dir = mkdtempSync(path.join(tmpdir(), "baicheng-key-"));
  dirs.push(dir);
  return dir;
}

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  await app?.close();
});

describe("issuer key in development", () => {
  it("is made on first start under DATA_DIR/keys, readable by its owner only, and reused afterwards", async () => {
    const dataDir = freshDir();
    const first = await loadIssuerKey({ dataDir, production: false });
    expect(first.source).toBe("created");
    expect(first.file).toBe(path.join(dataDir, "keys", "issuer-ed25519.pem"));
    expect(statSync(first.file!).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.file!, "utf8")).toContain("-----BEGIN PRIVATE KEY-----");

    const second = await loadIssuerKey({ dataDir, production: false });
    expect(second.source).toBe("file");
    expect(second.key.kid).toBe(first.key.kid);
  });

  it("gives racing first starts one key", async () => {
    const dataDir = freshDir();
    const loaded = await Promise.all(Array.from({ length: 6 }, () => loadIssuerKey({ dataDir, production: false })));
    expect(new Set(loaded.map((l) => l.key.kid)).size).toBe(1);
    expect(loaded.filter((l) => l.source === "created")).toHaveLength(1);
    expect(readdirSync(path.join(dataDir, "keys"))).toEqual(["issuer-ed25519.pem"]);
  });
});

describe("issuer key from the environment", () => {
  it("accepts PKCS#8 PEM (also with literal \\n) and JWK, naming the key by its RFC 7638 thumbprint", async () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const jwk = privateKey.export({ format: "jwk" });
    const fromPem = await loadIssuerKey({ configured: pem, dataDir: freshDir(), production: true });
    expect(fromPem.source).toBe("environment");
    const fromEscaped = issuerKeyFrom(pem.replace(/\n/g, "\\n"), "ISSUER_SIGNING_KEY");
    const fromJwk = issuerKeyFrom(JSON.stringify(jwk), "ISSUER_SIGNING_KEY");
    expect(fromEscaped.kid).toBe(fromPem.key.kid);
    expect(fromJwk.kid).toBe(fromPem.key.kid);
    // An independent library computes the same thumbprint.
    const thumbprint = await calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x: jwk.x! }, "sha256");
    expect(fromPem.key.kid).toBe(`baicheng-ed25519-${thumbprint.slice(0, 16)}`);
    expect(fromPem.key.publicJwk).not.toHaveProperty("d");
  });

  it("is required in production and refused when it is not an Ed25519 private key", async () => {
    const dataDir = freshDir();
    await expect(loadIssuerKey({ dataDir, production: true })).rejects.toThrow(/ISSUER_SIGNING_KEY is required in production/);
    expect(() => readdirSync(path.join(dataDir, "keys"))).toThrow();
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const publicOnly = generateKeyPairSync("ed25519").publicKey.export({ format: "pem", type: "spki" }).toString();
    for (const [bad, message] of [
      [rsa, /must be an Ed25519 key, got rsa/],
      [publicOnly, /not a private key/],
      ["hello", /not a private key/],
      ["{\"kty\":\"OKP\"", /not a private key/],
    ] as const) {
      const attempt = loadIssuerKey({ configured: bad, dataDir, production: true });
      await expect(attempt).rejects.toBeInstanceOf(IssuerKeyError);
      await expect(attempt).rejects.toThrow(message);
    }
  });
});

describe("what the database holds", () => {
  it("keeps only public keys, and publishing the same key twice lists it once", async () => {
    const key = issuerKeyFrom(generateIssuerKeyPem(), "test");
    await publishIssuerKey(app.db, key);
    await publishIssuerKey(app.db, key);
    const jwks = await publicJwks(app.db);
    expect(jwks.keys.filter((k) => k.kid === key.kid)).toHaveLength(1);
    for (const k of jwks.keys) expect(k).not.toHaveProperty("d");
    const columns = await sql<{ column_name: string }>`
      select column_name from information_schema.columns where table_name = 'signing_keys'`.execute(app.db);
    expect(columns.rows.map((c) => c.column_name).sort()).toEqual(["algorithm", "created_at", "kid", "public_jwk", "retired_at"]);
  });
});
