import { createHash, createPublicKey, randomBytes, sign, verify, type KeyObject } from "node:crypto";
import { encodeStatusList, statusListSize, statusPosition } from "~/domain/status-list";
import {
  certificateStatusAt,
  findSigningKey,
  insertPublicSigningKey,
  listPublicSigningKeys,
  revokedStatusNumbers,
  statusListRecorded,
} from "~/models/certificate-documents.server";
import type { Db } from "~/models/types";
import type { IssuerKey } from "~/runtime/issuer-key.server";
import { publicOrigin } from "./certificate-document.server";

// Open Badges 3.0 credentials secured as VC-JOSE compact JWS (EdDSA / Ed25519) with the issuer
// key of app/runtime/issuer-key.server.ts; revocation published as a W3C Bitstring Status List.
// The JWT carries the claims OB 3.0 §8.2.4 requires (iss, jti, nbf, sub, exp) and a kid that is an
// absolute URL answering with the JWK (decision record 013).

export const vcContext = "https://www.w3.org/ns/credentials/v2";
export const obContext = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/** The 1EdTech JSON Schema every credential names in credentialSchema. */
export const obCredentialSchemaUrl = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json";
/**
 * Terms neither published context defines, defined inline so JSON-LD expansion in safe mode keeps
 * every member of the JWT payload (no URL of ours that could go dark): OB 3.0's schema validator
 * type, and `jti` (the VC 2.0 context defines iss, sub, nbf and exp, but not jti).
 */
export const jwtClaimsContext = { jti: { "@id": "https://www.iana.org/assignments/jwt#jti", "@type": "@id" } };
export const ourContext = {
  "1EdTechJsonSchemaValidator2019": "https://purl.imsglobal.org/spec/vc/ob/vocab.html#1EdTechJsonSchemaValidator2019",
  ...jwtClaimsContext,
};
export const credentialContexts = [vcContext, obContext, ourContext] as const;

/** The JOSE typ of our Open Badges credentials: OB 3.0 §8.2.3 says "JWT" (decision record 013). */
export const credentialJwtType = "JWT";

export interface IdentityObject {
  type: "IdentityObject";
  identityType: "name" | "emailAddress" | "ext:phoneNumber";
  hashed: boolean;
  identityHash: string;
  salt?: string;
}

export interface OpenBadgeCredential {
  "@context": Array<string | Record<string, unknown>>;
  id: string;
  type: ["VerifiableCredential", "OpenBadgeCredential"];
  name: string;
  issuer: { id: string; type: ["Profile"]; name: string; url: string };
  validFrom: string;
  validUntil?: string;
  credentialSchema?: Array<{ id: string; type: string }>;
  credentialStatus?: StatusListEntry;
  credentialSubject: {
    /** Credentials signed before decision 013 have no id. */
    id?: string;
    type: ["AchievementSubject"];
    identifier: IdentityObject[];
    achievement: {
      id: string;
      type: ["Achievement"];
      achievementType?: "Certificate";
      name: string;
      description: string;
      criteria: { narrative: string };
      image?: { id: string; type: "Image" };
    };
  };
}

/** The registered claims OB 3.0 §8.2.4 puts beside the credential in the JWT payload. */
export interface CredentialJwtClaims {
  iss: string;
  jti: string;
  sub: string;
  nbf: number;
  exp?: number;
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
  /** The holder's login identifiers, as stored (normalised): hashed and salted into the credential. */
  holderEmail: string | null;
  holderPhone: string | null;
  credentialName: string;
  track: string;
  tier: string;
  achievementName: string;
  achievementDescription: string;
  criteria: string;
  issuedAt: Date;
  validUntil: Date | null;
  /** The certificate's place in the status lists (certificates.status_number). */
  statusNumber: number;
}

const trimSlash = (origin: string) => origin.replace(/\/+$/, "");

/** The issuer profile's id: it answers with JSON-LD or a readable page. */
export const issuerId = (origin: string) => `${trimSlash(origin)}/issuer`;
/** Where one public key is published as a JWK: the absolute URL every JWT names as its kid. */
export const keyUrl = (origin: string, localKid: string) => `${trimSlash(origin)}/issuer/keys/${localKid}`;
export const achievementUrl = (origin: string, track: string, tier: string) => `${trimSlash(origin)}/achievements/${track}/${tier}`;
export const achievementImageUrl = (origin: string, track: string, tier: string) => `${achievementUrl(origin, track, tier)}/image.svg`;
export const jwksUrl = (origin: string) => `${trimSlash(origin)}/.well-known/jwks.json`;

/** The URL of status list `list`: stable, public, fetched by anyone checking a credential. */
export function statusListUrl(origin: string, list: number): string {
  return `${trimSlash(origin)}/credentials/status/${list}`;
}

export function statusListEntry(origin: string, statusNumber: number): StatusListEntry {
  const { list, index } = statusPosition(statusNumber);
  const listUrl = statusListUrl(origin, list);
  return { id: `${listUrl}#${index}`, type: "BitstringStatusListEntry", statusPurpose: "revocation", statusListIndex: String(index), statusListCredential: listUrl };
}

/**
 * The holder's subject id: a UUID derived from our user id, stable across their certificates but
 * not the id itself (which stays internal). Version 8 marks it as a custom derivation (RFC 9562).
 */
export function holderSubjectId(userId: string): string {
  const bytes = createHash("sha256").update(`baicheng-holder:${userId}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** OB 3.0 IdentityHash: "sha256$" + hex SHA-256 of the UTF-8 identifier followed by the salt. */
export function identityHash(identifier: string, salt: string): string {
  return `sha256$${createHash("sha256").update(identifier + salt, "utf8").digest("hex")}`;
}

function hashedIdentity(identityType: IdentityObject["identityType"], value: string): IdentityObject {
  const salt = randomBytes(12).toString("base64url");
  return { type: "IdentityObject", identityType, hashed: true, identityHash: identityHash(value, salt), salt };
}

/** An instant as an XML Schema dateTime in whole seconds, so that nbf/exp equal it exactly. */
export const wholeSeconds = (date: Date) => new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace(".000Z", "Z");

export function buildOpenBadgeCredential(facts: CredentialFacts): OpenBadgeCredential {
  const origin = trimSlash(facts.origin);
  const identifier: IdentityObject[] = [{ type: "IdentityObject", identityType: "name", hashed: false, identityHash: facts.holderName }];
  if (facts.holderPhone) identifier.push(hashedIdentity("ext:phoneNumber", facts.holderPhone));
  if (facts.holderEmail) identifier.push(hashedIdentity("emailAddress", facts.holderEmail));
  return {
    "@context": [...credentialContexts],
    id: facts.verifyUrl,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    name: facts.credentialName,
    issuer: { id: issuerId(origin), type: ["Profile"], name: facts.issuerName, url: `${origin}/` },
    validFrom: wholeSeconds(facts.issuedAt),
    ...(facts.validUntil ? { validUntil: wholeSeconds(facts.validUntil) } : {}),
    credentialSchema: [{ id: obCredentialSchemaUrl, type: "1EdTechJsonSchemaValidator2019" }],
    credentialStatus: statusListEntry(origin, facts.statusNumber),
    credentialSubject: {
      id: holderSubjectId(facts.holderId),
      type: ["AchievementSubject"],
      identifier,
      achievement: {
        id: achievementUrl(origin, facts.track, facts.tier),
        type: ["Achievement"],
        achievementType: "Certificate",
        name: facts.achievementName,
        description: facts.achievementDescription,
        criteria: { narrative: facts.criteria },
        image: { id: achievementImageUrl(origin, facts.track, facts.tier), type: "Image" },
      },
    },
  };
}

/** The JWT claims OB 3.0 §8.2.4 derives from a credential. */
export function credentialClaims(credential: OpenBadgeCredential): CredentialJwtClaims {
  const claims: CredentialJwtClaims = {
    iss: credential.issuer.id,
    jti: credential.id,
    sub: credential.credentialSubject.id ?? "",
    nbf: Math.floor(Date.parse(credential.validFrom) / 1000),
  };
  if (credential.validUntil) claims.exp = Math.floor(Date.parse(credential.validUntil) / 1000);
  return claims;
}

const base64url = (bytes: Buffer | string) => Buffer.from(bytes).toString("base64url");

/** A compact JWS of any payload, signed with the issuer key; the kid is the key's absolute URL. */
function signJws(key: IssuerKey, origin: string, typ: string, payload: object): string {
  const header = { alg: "EdDSA", kid: keyUrl(origin, key.kid), typ };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  return `${signingInput}.${base64url(sign(null, Buffer.from(signingInput), key.privateKey))}`;
}

/** Signs a credential as OB 3.0 §8.2 wants it: the credential's members with the registered claims beside them. */
export function signCredential(key: IssuerKey, origin: string, credential: OpenBadgeCredential): StoredCredential {
  return { credential, jws: signJws(key, origin, credentialJwtType, { ...credential, ...credentialClaims(credential) }) };
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

/** Why a pasted or stored credential cannot be accepted; each has its own Chinese answer on /verify. */
export type CredentialProblem = "tooLarge" | "malformed" | "unsigned" | "foreignKey" | "unknownKey" | "badSignature" | "wrongType";

export type CredentialCheck = { valid: true; kid: string; credential: OpenBadgeCredential } | { valid: false; reason: CredentialProblem };

/** The largest credential /verify reads: ours are about 3 KB; anything far beyond is not one of them. */
export const maxCredentialLength = 20_000;

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const bareKid = /^[A-Za-z0-9_-]{1,100}$/;
const keyPath = /\/issuer\/keys\/([A-Za-z0-9_-]{1,100})$/;

/**
 * Which of our keys a kid names: an absolute key URL (since decision 013) or a bare kid (credentials
 * signed before it). A URL of another site is another issuer's key.
 */
function kidOf(kid: string, origin: string): { local: string } | { foreign: true } | null {
  if (bareKid.test(kid)) return { local: kid };
  let url: URL;
  try {
    url = new URL(kid);
  } catch {
    return null;
  }
  const match = keyPath.exec(url.pathname);
  if (url.origin !== new URL(origin).origin && !match) return { foreign: true };
  return match ? { local: match[1]! } : null;
}

const credentialTypes = new Set(["OpenBadgeCredential", "AchievementCredential"]);

/** Checks a compact JWS against our published keys. Never throws for bad input: it says why. */
export async function verifyCredentialJws(db: Db, jws: string, origin = publicOrigin()): Promise<CredentialCheck> {
  if (jws.length > maxCredentialLength) return { valid: false, reason: "tooLarge" };
  const text = jws.trim();
  // A credential pasted as JSON, or a JWT with "alg": "none" or no signature part, proves nothing.
  if (text.startsWith("{")) return { valid: false, reason: "unsigned" };
  const parts = text.split(".");
  if (parts.length === 2 || (parts.length === 3 && parts[2] === "")) return { valid: false, reason: "unsigned" };
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return { valid: false, reason: "malformed" };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart);
  if (!isRecord(header)) return { valid: false, reason: "malformed" };
  if (header.alg === "none") return { valid: false, reason: "unsigned" };
  if (header.alg !== "EdDSA" || typeof header.kid !== "string" || header.kid.length > 500) return { valid: false, reason: "malformed" };
  const named = kidOf(header.kid, origin);
  if (!named) return { valid: false, reason: "unknownKey" };
  if ("foreign" in named) return { valid: false, reason: "foreignKey" };
  const key = await findSigningKey(db, named.local);
  // A key URL of another site that we do not hold is that site's key, not an unknown one of ours.
  const elsewhere = /^https?:/.test(header.kid) && new URL(header.kid).origin !== new URL(origin).origin;
  if (!key) return { valid: false, reason: elsewhere ? "foreignKey" : "unknownKey" };
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: key.public_jwk as { kty: string }, format: "jwk" });
  } catch {
    return { valid: false, reason: "unknownKey" };
  }
  const ok = verify(null, Buffer.from(`${headerPart}.${payloadPart}`), publicKey, Buffer.from(signaturePart, "base64url"));
  if (!ok) return { valid: false, reason: "badSignature" };
  const payload = decodeJson(payloadPart);
  if (!isRecord(payload) || typeof payload.id !== "string") return { valid: false, reason: "wrongType" };
  const types = Array.isArray(payload.type) ? payload.type : [payload.type];
  if (!types.includes("VerifiableCredential") || !types.some((t) => typeof t === "string" && credentialTypes.has(t))) {
    return { valid: false, reason: "wrongType" };
  }
  const credential = payload as unknown as OpenBadgeCredential;
  // Claims, where present (credentials signed before decision 013 have none), must agree with the credential.
  if ("iss" in payload) {
    const expected = credentialClaims(credential);
    const agrees = payload.iss === expected.iss && payload.jti === expected.jti && payload.sub === expected.sub && payload.nbf === expected.nbf && payload.exp === expected.exp;
    if (!agrees) return { valid: false, reason: "malformed" };
  }
  return { valid: true, kid: header.kid, credential };
}

/** One published key as a JWK whose kid is its absolute URL (what a JWT names). */
export function publicJwkAt(origin: string, key: { kid: string; algorithm: string; public_jwk: Record<string, unknown> }) {
  return { ...key.public_jwk, kid: keyUrl(origin, key.kid), alg: key.algorithm, use: "sig" };
}

/**
 * The JWKS published at /.well-known/jwks.json: every key under its absolute kid, and again under
 * the bare kid that credentials signed before decision 013 name, so generic JOSE verifiers find both.
 */
export async function publicJwks(db: Db, origin = publicOrigin()): Promise<{ keys: Array<Record<string, unknown>> }> {
  const keys = await listPublicSigningKeys(db);
  return {
    keys: keys.flatMap((k) => [publicJwkAt(origin, k), { ...k.public_jwk, kid: k.kid, alg: k.algorithm, use: "sig" }]),
  };
}

/** The public key a kid URL names, or undefined. */
export async function publicJwkFor(db: Db, origin: string, localKid: string) {
  if (!bareKid.test(localKid)) return undefined;
  const key = await findSigningKey(db, localKid);
  return key ? publicJwkAt(origin, key) : undefined;
}

/** A stored credential column value, if it has the shape we write. */
export function storedCredentialOf(value: unknown): StoredCredential | null {
  if (!isRecord(value) || typeof value.jws !== "string" || !isRecord(value.credential)) return null;
  return value as unknown as StoredCredential;
}

export interface StatusListCredential {
  "@context": Array<string | Record<string, unknown>>;
  id: string;
  type: ["VerifiableCredential", "BitstringStatusListCredential"];
  issuer: string;
  validFrom: string;
  credentialSubject: { id: string; type: "BitstringStatusList"; statusPurpose: "revocation"; encodedList: string };
}

/** Which status lists exist: list n exists once a certificate has been placed in it. */
export async function statusListExists(db: Db, list: number): Promise<boolean> {
  return Number.isSafeInteger(list) && list >= 0 && list < 2 ** 31 / statusListSize && (await statusListRecorded(db, list));
}

/**
 * Status list `list` as a signed credential (compact JWS): a bit is set for every certificate in
 * the list's range that is revoked or superseded. Built from the certificates table on each call,
 * so a revocation shows the moment it commits. Every term is defined by the VC 2.0 context.
 */
export async function signedStatusList(db: Db, key: IssuerKey, origin: string, list: number, now = new Date()): Promise<string> {
  const from = list * statusListSize;
  const numbers = await revokedStatusNumbers(db, from, from + statusListSize);
  const url = statusListUrl(origin, list);
  const credential: StatusListCredential = {
    "@context": [vcContext, jwtClaimsContext],
    id: url,
    type: ["VerifiableCredential", "BitstringStatusListCredential"],
    issuer: issuerId(origin),
    validFrom: wholeSeconds(now),
    credentialSubject: { id: `${url}#list`, type: "BitstringStatusList", statusPurpose: "revocation", encodedList: encodeStatusList(numbers.map((n) => n - from)) },
  };
  await publishIssuerKey(db, key);
  return signJws(key, origin, "vc+jwt", { ...credential, iss: credential.issuer, jti: credential.id });
}

export type StatusCheck = "active" | "revoked" | "noStatus" | "unknownList";

/**
 * A credential's revocation bit, read from the same rows the public status list is built from
 * (tests read the published list itself, with their own decoder, as an outside verifier would).
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
