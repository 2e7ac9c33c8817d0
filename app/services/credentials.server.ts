import { createHash, createPublicKey, randomBytes, sign, verify, type KeyObject } from "node:crypto";
import { encodeStatusList, statusListSize, statusPosition } from "~/domain/status-list";
import {
  certificateStatusAt,
  findSigningKey,
  highestStatusNumber,
  insertPublicSigningKey,
  listPublicSigningKeys,
  revokedStatusNumbers,
} from "~/models/certificate-documents.server";
import type { Db } from "~/models/types";
import type { IssuerKey } from "~/runtime/issuer-key.server";

// Open Badges 3.0 credentials secured as VC-JOSE compact JWS (EdDSA / Ed25519) with the issuer
// key of app/runtime/issuer-key.server.ts; revocation published as a W3C Bitstring Status List.

export const credentialContexts = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"];

export interface OpenBadgeCredential {
  "@context": string[];
  id: string;
  type: ["VerifiableCredential", "OpenBadgeCredential"];
  name: string;
  issuer: { id: string; type: ["Profile"]; name: string; url: string };
  validFrom: string;
  validUntil?: string;
  credentialStatus?: StatusListEntry;
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

/** A credential's place in a revocation list (W3C Bitstring Status List v1.0). */
export interface StatusListEntry {
  id: string;
  type: "BitstringStatusListEntry";
  statusPurpose: "revocation";
  statusListIndex: string;
  statusListCredential: string;
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
  /** The certificate's running status number (certificates.status_number). */
  statusNumber: number;
}

/** The URL of status list `list`: stable, public, fetched by anyone checking a credential. */
export function statusListUrl(origin: string, list: number): string {
  return `${origin.replace(/\/+$/, "")}/credentials/status/${list}`;
}

export function statusListEntry(origin: string, statusNumber: number): StatusListEntry {
  const { list, index } = statusPosition(statusNumber);
  const listUrl = statusListUrl(origin, list);
  return { id: `${listUrl}#${index}`, type: "BitstringStatusListEntry", statusPurpose: "revocation", statusListIndex: String(index), statusListCredential: listUrl };
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
    credentialStatus: statusListEntry(facts.origin, facts.statusNumber),
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

/** A compact JWS (VC-JOSE: typ vc+jwt) of any credential, signed with the issuer key. */
function signJws(key: IssuerKey, payload: object): string {
  const header = { alg: "EdDSA", kid: key.kid, typ: "vc+jwt" };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  return `${signingInput}.${base64url(sign(null, Buffer.from(signingInput), key.privateKey))}`;
}

export function signCredential(key: IssuerKey, credential: OpenBadgeCredential): StoredCredential {
  return { credential, jws: signJws(key, credential) };
}

const published = new WeakMap<object, string>();

/**
 * Puts the public half of this process's key into the shared registry the JWKS is built from.
 * Idempotent (every process of a deployment publishes the same kid); remembered per database
 * so the render path pays for it once.
 */
export async function publishIssuerKey(db: Db, key: IssuerKey): Promise<void> {
  if (published.get(db) === key.kid) return;
  await insertPublicSigningKey(db, { kid: key.kid, algorithm: key.publicJwk.alg, publicJwk: key.publicJwk });
  published.set(db, key.kid);
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

export interface StatusListCredential {
  "@context": string[];
  id: string;
  type: ["VerifiableCredential", "BitstringStatusListCredential"];
  issuer: { id: string; type: ["Profile"]; name: string };
  validFrom: string;
  credentialSubject: { id: string; type: "BitstringStatusList"; statusPurpose: "revocation"; encodedList: string };
}

/** Which status lists exist: list n exists once a certificate has been numbered into it. */
export async function statusListExists(db: Db, list: number): Promise<boolean> {
  const highest = await highestStatusNumber(db);
  return Number.isSafeInteger(list) && list >= 0 && highest !== null && list <= Math.floor(highest / statusListSize);
}

/**
 * Status list `list` as a signed credential (compact JWS): a bit is set for every certificate in
 * the list's range that is revoked or superseded. Built from the certificates table on each call,
 * so a revocation shows the moment it commits.
 */
export async function signedStatusList(db: Db, key: IssuerKey, origin: string, issuerName: string, list: number, now = new Date()): Promise<string> {
  const from = list * statusListSize;
  const numbers = await revokedStatusNumbers(db, from, from + statusListSize);
  const url = statusListUrl(origin, list);
  const credential: StatusListCredential = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    id: url,
    type: ["VerifiableCredential", "BitstringStatusListCredential"],
    issuer: { id: `${origin.replace(/\/+$/, "")}/`, type: ["Profile"], name: issuerName },
    validFrom: now.toISOString(),
    credentialSubject: { id: `${url}#list`, type: "BitstringStatusList", statusPurpose: "revocation", encodedList: encodeStatusList(numbers.map((n) => n - from)) },
  };
  await publishIssuerKey(db, key);
  return signJws(key, credential);
}

export type StatusCheck = "active" | "revoked" | "noStatus" | "unknownList";

/**
 * A credential's revocation bit, read from the same rows the public status list is built from
 * (tests read the published list itself, with jose and zlib, as an outside verifier would).
 */
export async function checkCredentialStatus(db: Db, credential: OpenBadgeCredential): Promise<StatusCheck> {
  const entry = credential.credentialStatus;
  if (!entry || entry.type !== "BitstringStatusListEntry") return "noStatus";
  const match = /\/credentials\/status\/(\d{1,9})$/.exec(entry.statusListCredential);
  const index = Number(entry.statusListIndex);
  if (!match || !Number.isInteger(index) || index < 0 || index >= statusListSize) return "unknownList";
  const status = await certificateStatusAt(db, Number(match[1]) * statusListSize + index);
  if (!status) return "unknownList";
  return status === "issued" ? "active" : "revoked";
}
