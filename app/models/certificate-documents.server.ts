import { sql, type Selectable } from "kysely";
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
  "certificates.revoked_note",
  "certificates.superseded_by",
  "certificates.pdf_key",
  "certificates.credential",
  "certificates.rendered_at",
  "certificates.render_error",
  "certificates.status_number",
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
  | "revoked_note"
  | "superseded_by"
  | "pdf_key"
  | "credential"
  | "rendered_at"
  | "render_error"
  | "status_number"
> & { superseded_by_number: string | null; holder_email: string | null; holder_phone: string | null };

function selectDocument(db: Db) {
  return db
    .selectFrom("certificates")
    .leftJoin("certificates as successor", "successor.id", "certificates.superseded_by")
    .innerJoin("users as holder", "holder.id", "certificates.user_id")
    .select([...documentColumns, "successor.number as superseded_by_number", "holder.email as holder_email", "holder.phone as holder_phone"]);
}

export async function findCertificateDocument(db: Db, certificateId: string): Promise<CertificateDocument | undefined> {
  return selectDocument(db).where("certificates.id", "=", certificateId).executeTakeFirst();
}

export async function findCertificateDocumentByNumber(db: Db, number: string): Promise<CertificateDocument | undefined> {
  return selectDocument(db).where("certificates.number", "=", number).executeTakeFirst();
}

/** Several certificates' documents in one query (a render batch). */
export async function findCertificateDocuments(db: Db, certificateIds: string[]): Promise<CertificateDocument[]> {
  if (certificateIds.length === 0) return [];
  return selectDocument(db).where("certificates.id", "in", certificateIds).execute();
}

/** Locks several rows until the transaction ends, in id order so two batches never wait on each other in a circle. */
export async function lockCertificatesForRendering(db: Db, certificateIds: string[]) {
  if (certificateIds.length === 0) return [];
  return db
    .selectFrom("certificates")
    .select(["id", "number", "pdf_key", "credential", "rendered_at"])
    .where("id", "in", certificateIds)
    .orderBy("id")
    .forUpdate()
    .execute();
}

/** Stores several rendered documents in one statement. */
export async function saveRenderedCertificates(
  db: Db,
  rendered: Array<{ certificateId: string; pdfKey: string; credential: Record<string, unknown> }>,
  renderedAt: Date,
): Promise<void> {
  if (rendered.length === 0) return;
  const rows = sql.join(rendered.map((r) => sql`(${r.certificateId}::uuid, ${r.pdfKey}, ${JSON.stringify(r.credential)}::jsonb)`));
  await sql`update certificates as c
    set pdf_key = v.pdf_key, credential = v.credential, rendered_at = ${renderedAt}, render_error = null
    from (values ${rows}) as v(id, pdf_key, credential)
    where c.id = v.id`.execute(db);
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

export async function findSigningKey(db: Db, kid: string): Promise<SigningKey | undefined> {
  return db.selectFrom("signing_keys").selectAll().where("kid", "=", kid).executeTakeFirst();
}

/** Records a public key (once; every process of a deployment publishes the same kid). */
export async function insertPublicSigningKey(db: Db, key: { kid: string; algorithm: string; publicJwk: Record<string, unknown> }): Promise<void> {
  await db
    .insertInto("signing_keys")
    .values({ kid: key.kid, algorithm: key.algorithm, public_jwk: JSON.stringify(key.publicJwk) })
    .onConflict((oc) => oc.column("kid").doNothing())
    .execute();
}

/** Public halves of every key, retired ones too: credentials they signed must still verify. */
export async function listPublicSigningKeys(db: Db): Promise<Array<Pick<SigningKey, "kid" | "algorithm" | "public_jwk" | "retired_at">>> {
  return db.selectFrom("signing_keys").select(["kid", "algorithm", "public_jwk", "retired_at"]).orderBy("created_at").orderBy("kid").execute();
}

/** Status numbers in [from, to) whose certificate no longer stands (revoked or superseded). */
export async function revokedStatusNumbers(db: Db, from: number, to: number): Promise<number[]> {
  const rows = await db
    .selectFrom("certificates")
    .select("status_number")
    .where("status", "in", ["revoked", "superseded"])
    .where("status_number", ">=", from)
    .where("status_number", "<", to)
    .execute();
  return rows.map((r) => r.status_number);
}

/** The status of the certificate holding this status number, if any. */
export async function certificateStatusAt(db: Db, statusNumber: number): Promise<CertificateDocument["status"] | undefined> {
  const row = await db.selectFrom("certificates").select("status").where("status_number", "=", statusNumber).executeTakeFirst();
  return row?.status;
}

/** Has status list `list` been opened (a certificate was placed in it)? */
export async function statusListRecorded(db: Db, list: number): Promise<boolean> {
  const row = await db.selectFrom("credential_status_lists").select("list").where("list", "=", list).executeTakeFirst();
  return row !== undefined;
}
