import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from "node:crypto";
import {
  countSigningKeys,
  findActiveSigningKey,
  findSigningKey,
  insertSigningKeyIfAbsent,
  listPublicSigningKeys,
  type SigningKey,
} from "~/models/certificate-documents.server";
import type { Db } from "~/models/types";

// Open Badges 3.0 credentials secured as VC-JOSE compact JWS (EdDSA / Ed25519), with keys shared
// by every process through the signing_keys table.

export const credentialContexts = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"];

export interface OpenBadgeCredential {
  "@context": string[];
  id: string;
  type: ["VerifiableCredential", "OpenBadgeCredential"];
  name: string;
  issuer: { id: string; type: ["Profile"]; name: string; url: string };
  validFrom: string;
  validUntil?: string;
  credentialSubject: {
    type: ["AchievementSubject"];
    /** A salted hash of our user id: the subject is identified without publishing the id. */
    identifier: Array<{ type: "IdentityObject"; identityHash: string; identityType: "identifier"; hashed: true; salt: string }>;
    name: string;
    achievement: {
      id: string;
      type: ["Achievement"];
      name: string;
      description: string;
      criteria: { narrative: string };
    };
  };
}

/** What the certificates column holds: the credential and its signed form. */
export interface StoredCredential {
  credential: OpenBadgeCredential;
  jws: string;
}

export interface CredentialFacts {
  verifyUrl: string;
  origin: string;
  issuerName: string;
  holderId: string;
  holderName: string;
  credentialName: string;
  achievementId: string;
  achievementName: string;
  achievementDescription: string;
  criteria: string;
  issuedAt: Date;
  validUntil: Date | null;
}

export function buildOpenBadgeCredential(facts: CredentialFacts): OpenBadgeCredential {
  const salt = randomBytes(8).toString("hex");
  const identityHash = `sha256$${createHash("sha256").update(facts.holderId + salt).digest("hex")}`;
  return {
    "@context": credentialContexts,
    id: facts.verifyUrl,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    name: facts.credentialName,
    issuer: { id: `${facts.origin}/`, type: ["Profile"], name: facts.issuerName, url: `${facts.origin}/` },
    validFrom: facts.issuedAt.toISOString(),
    ...(facts.validUntil ? { validUntil: facts.validUntil.toISOString() } : {}),
    credentialSubject: {
      type: ["AchievementSubject"],
      identifier: [{ type: "IdentityObject", identityHash, identityType: "identifier", hashed: true, salt }],
      name: facts.holderName,
      achievement: {
        id: facts.achievementId,
        type: ["Achievement"],
        name: facts.achievementName,
        description: facts.achievementDescription,
        criteria: { narrative: facts.criteria },
      },
    },
  };
}

const base64url = (bytes: Buffer | string) => Buffer.from(bytes).toString("base64url");

function newEd25519Key(kid: string) {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const jwk = publicKey.export({ format: "jwk" });
  return {
    kid,
    algorithm: "EdDSA",
    publicJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid, alg: "EdDSA", use: "sig" },
    privatePem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
  };
}

/**
 * The key that signs new credentials, created on first use. Racing processes compute the same
 * next kid, so INSERT … ON CONFLICT DO NOTHING lets exactly one of them win and all re-read it.
 */
export async function activeSigningKey(db: Db): Promise<SigningKey> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const existing = await findActiveSigningKey(db);
    if (existing) return existing;
    const next = (await countSigningKeys(db)) + 1;
    await insertSigningKeyIfAbsent(db, newEd25519Key(`baicheng-ed25519-${next}`));
  }
  throw new Error("no active signing key after creating one");
}

export async function signCredential(db: Db, credential: OpenBadgeCredential): Promise<StoredCredential> {
  const key = await activeSigningKey(db);
  const header = { alg: "EdDSA", kid: key.kid, typ: "vc+jwt" };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(credential))}`;
  const signature = sign(null, Buffer.from(signingInput), createPrivateKey(key.private_pem));
  return { credential, jws: `${signingInput}.${base64url(signature)}` };
}

export type CredentialCheck =
  | { valid: true; kid: string; credential: OpenBadgeCredential }
  | { valid: false; reason: "malformed" | "unknownKey" | "badSignature" };

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Checks a compact JWS against our published keys. Never throws for bad input: it says why. */
export async function verifyCredentialJws(db: Db, jws: string): Promise<CredentialCheck> {
  const parts = jws.trim().split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return { valid: false, reason: "malformed" };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart);
  if (!isRecord(header) || header.alg !== "EdDSA" || typeof header.kid !== "string" || header.kid.length > 200) {
    return { valid: false, reason: "malformed" };
  }
  const key = await findSigningKey(db, header.kid);
  if (!key) return { valid: false, reason: "unknownKey" };
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: key.public_jwk as { kty: string }, format: "jwk" });
  } catch {
    return { valid: false, reason: "unknownKey" };
  }
  const ok = verify(null, Buffer.from(`${headerPart}.${payloadPart}`), publicKey, Buffer.from(signaturePart, "base64url"));
  if (!ok) return { valid: false, reason: "badSignature" };
  const payload = decodeJson(payloadPart);
  if (!isRecord(payload) || typeof payload.id !== "string") return { valid: false, reason: "malformed" };
  return { valid: true, kid: key.kid, credential: payload as unknown as OpenBadgeCredential };
}

/** The JWKS published at /.well-known/jwks.json. */
export async function publicJwks(db: Db): Promise<{ keys: Array<Record<string, unknown>> }> {
  const keys = await listPublicSigningKeys(db);
  return { keys: keys.map((k) => ({ ...k.public_jwk, kid: k.kid, alg: k.algorithm, use: "sig" })) };
}

/** A stored credential column value, if it has the shape we write. */
export function storedCredentialOf(value: unknown): StoredCredential | null {
  if (!isRecord(value) || typeof value.jws !== "string" || !isRecord(value.credential)) return null;
  return value as unknown as StoredCredential;
}
