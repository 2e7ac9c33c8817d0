import type { Selectable } from "kysely";
import type { CertificateTable, SigningKeyTable } from "../../db/schema";
import type { Db } from "./types";

// What a certificate's PDF, its signed credential and the public verification page read and write.

const documentColumns = [
  "certificates.id",
  "certificates.number",
  "certificates.user_id",
  "certificates.track",
  "certificates.tier",
  "certificates.status",
  "certificates.name_on_certificate",
  "certificates.issued_at",
  "certificates.valid_until",
  "certificates.revoked_at",
  "certificates.revoked_reason",
  "certificates.superseded_by",
  "certificates.pdf_key",
  "certificates.credential",
  "certificates.rendered_at",
  "certificates.render_error",
] as const;

export type CertificateDocument = Pick<
  Selectable<CertificateTable>,
  | "id"
  | "number"
  | "user_id"
  | "track"
  | "tier"
  | "status"
  | "name_on_certificate"
  | "issued_at"
  | "valid_until"
  | "revoked_at"
  | "revoked_reason"
  | "superseded_by"
  | "pdf_key"
  | "credential"
  | "rendered_at"
  | "render_error"
> & { superseded_by_number: string | null };

function selectDocument(db: Db) {
  return db
    .selectFrom("certificates")
    .leftJoin("certificates as successor", "successor.id", "certificates.superseded_by")
    .select([...documentColumns, "successor.number as superseded_by_number"]);
}

export async function findCertificateDocument(db: Db, certificateId: string): Promise<CertificateDocument | undefined> {
  return selectDocument(db).where("certificates.id", "=", certificateId).executeTakeFirst();
}

export async function findCertificateDocumentByNumber(db: Db, number: string): Promise<CertificateDocument | undefined> {
  return selectDocument(db).where("certificates.number", "=", number).executeTakeFirst();
}

/** Locks the row until the transaction ends: two renderers of one certificate take turns. */
export async function lockCertificateForRendering(db: Db, certificateId: string) {
  return db
    .selectFrom("certificates")
    .select(["id", "number", "pdf_key", "credential", "rendered_at"])
    .where("id", "=", certificateId)
    .forUpdate()
    .executeTakeFirst();
}

export async function saveRenderedCertificate(
  db: Db,
  certificateId: string,
  rendered: { pdfKey: string; credential: Record<string, unknown>; renderedAt: Date },
): Promise<void> {
  await db
    .updateTable("certificates")
    .set({ pdf_key: rendered.pdfKey, credential: JSON.stringify(rendered.credential), rendered_at: rendered.renderedAt, render_error: null })
    .where("id", "=", certificateId)
    .execute();
}

export async function saveRenderError(db: Db, certificateId: string, message: string): Promise<void> {
  await db.updateTable("certificates").set({ render_error: message.slice(0, 2000) }).where("id", "=", certificateId).execute();
}

export type SigningKey = Selectable<SigningKeyTable>;

/** The oldest key not yet retired: the one that signs new credentials. */
export async function findActiveSigningKey(db: Db): Promise<SigningKey | undefined> {
  return db
    .selectFrom("signing_keys")
    .selectAll()
    .where("retired_at", "is", null)
    .orderBy("created_at")
    .orderBy("kid")
    .limit(1)
    .executeTakeFirst();
}

export async function findSigningKey(db: Db, kid: string): Promise<SigningKey | undefined> {
  return db.selectFrom("signing_keys").selectAll().where("kid", "=", kid).executeTakeFirst();
}

export async function countSigningKeys(db: Db): Promise<number> {
  const row = await db.selectFrom("signing_keys").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Adds a key unless one with this kid exists already (another process got there first). */
export async function insertSigningKeyIfAbsent(
  db: Db,
  key: { kid: string; algorithm: string; publicJwk: Record<string, unknown>; privatePem: string },
): Promise<void> {
  await db
    .insertInto("signing_keys")
    .values({ kid: key.kid, algorithm: key.algorithm, public_jwk: JSON.stringify(key.publicJwk), private_pem: key.privatePem })
    .onConflict((oc) => oc.column("kid").doNothing())
    .execute();
}

/** Public halves of every key, retired ones too: credentials they signed must still verify. */
export async function listPublicSigningKeys(db: Db): Promise<Array<Pick<SigningKey, "kid" | "algorithm" | "public_jwk" | "retired_at">>> {
  return db.selectFrom("signing_keys").select(["kid", "algorithm", "public_jwk", "retired_at"]).orderBy("created_at").orderBy("kid").execute();
}
