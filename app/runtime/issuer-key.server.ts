import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { startedAs } from "~/utils/entry-point";

// The key that signs Open Badges credentials. Production reads it from ISSUER_SIGNING_KEY (an
// Ed25519 private key as PKCS#8 PEM or as a JWK); development makes one on first start under
// DATA_DIR/keys and keeps it there. Only the public half ever reaches the database (for the
// JWKS), so a database backup cannot sign anything. See docs/decisions/006-issuer-key.md.

export interface IssuerKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: { kty: "OKP"; crv: "Ed25519"; x: string; kid: string; alg: "EdDSA"; use: "sig" };
}

export class IssuerKeyError extends Error {}

export const issuerKeyFileName = path.join("keys", "issuer-ed25519.pem");

/** A new Ed25519 private key as PKCS#8 PEM (what `npm run issuer-key` prints). */
export function generateIssuerKeyPem(): string {
  const { privateKey } = generateKeyPairSync("ed25519");
  return privateKey.export({ format: "pem", type: "pkcs8" }).toString();
}

/** Parses a configured key: PKCS#8 PEM (literal "\n" escapes tolerated, as env files often have) or a private JWK. */
export function issuerKeyFrom(text: string, source: string): IssuerKey {
  const trimmed = text.trim().replace(/\\n/g, "\n");
  let privateKey: KeyObject;
  try {
    privateKey = trimmed.startsWith("{")
      ? createPrivateKey({ key: JSON.parse(trimmed) as { kty: string }, format: "jwk" })
      : createPrivateKey({ key: trimmed, format: "pem" });
  } catch (error) {
    throw new IssuerKeyError(`${source}: not a private key (${(error as Error).message}) / 不是有效的私钥`);
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new IssuerKeyError(`${source}: must be an Ed25519 key, got ${privateKey.asymmetricKeyType ?? "unknown"} / 必须是 Ed25519 私钥`);
  }
  const jwk = createPublicKey(privateKey).export({ format: "jwk" });
  const x = String(jwk.x);
  // RFC 7638 thumbprint: every process holding this key names it the same way.
  const thumbprint = createHash("sha256").update(JSON.stringify({ crv: "Ed25519", kty: "OKP", x })).digest("base64url");
  const kid = `baicheng-ed25519-${thumbprint.slice(0, 16)}`;
  return { kid, privateKey, publicJwk: { kty: "OKP", crv: "Ed25519", x, kid, alg: "EdDSA", use: "sig" } };
}

export interface LoadedIssuerKey {
  key: IssuerKey;
  /** Where it came from: the environment, a file made just now, or a file made before. */
  source: "environment" | "created" | "file";
  file?: string;
}

/**
 * The issuer key for this process. `configured` is ISSUER_SIGNING_KEY; without it, production
 * refuses (a key made on one machine would differ from the next machine's) and development uses
 * DATA_DIR/keys/issuer-ed25519.pem, creating it (0600) on first start. Racing first starts both
 * try an exclusive create; the loser reads the winner's file.
 */
export async function loadIssuerKey(options: { configured?: string; dataDir: string; production: boolean }): Promise<LoadedIssuerKey> {
  if (options.configured) return { key: issuerKeyFrom(options.configured, "ISSUER_SIGNING_KEY"), source: "environment" };
  if (options.production) {
    throw new IssuerKeyError(
      "ISSUER_SIGNING_KEY is required in production: an Ed25519 private key (PKCS#8 PEM or JWK); `npm run issuer-key` prints a new one. / 生产环境必须设置 ISSUER_SIGNING_KEY（证书签名私钥）",
    );
  }
  const file = path.resolve(options.dataDir, issuerKeyFileName);
  try {
    return { key: issuerKeyFrom(await readFile(file, "utf8"), file), source: "file", file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const pem = generateIssuerKeyPem();
  try {
    await writeFile(file, pem, { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return { key: issuerKeyFrom(await readFile(file, "utf8"), file), source: "file", file };
  }
  return { key: issuerKeyFrom(pem, file), source: "created", file };
}

// Registered once per process at start-up (server.ts, workers/index.ts, a test), like the database.
const slot = Symbol.for("baicheng.issuerKey");
type Store = { [slot]?: IssuerKey };

export function registerIssuerKey(key: IssuerKey): void {
  (globalThis as Store)[slot] = key;
}

export function issuerKey(): IssuerKey {
  const key = (globalThis as Store)[slot];
  if (!key) throw new Error("issuer key not loaded: call registerIssuerKey() at start-up");
  return key;
}

// `npm run issuer-key`: prints a new key for ISSUER_SIGNING_KEY (PEM on stdout, its kid on stderr).
const isMain = startedAs("app/runtime/issuer-key.server.ts");
if (isMain) {
  const pem = generateIssuerKeyPem();
  process.stdout.write(pem);
  process.stderr.write(`kid: ${issuerKeyFrom(pem, "new key").kid}\n`);
}
