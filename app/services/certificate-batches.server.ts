import { logger } from "~/logger.server";
import { findCertificateDocuments, lockCertificatesForRendering, saveRenderError, saveRenderedCertificates } from "~/models/certificate-documents.server";
import { renderJobId } from "~/models/certificates.server";
import { markCompletedMany } from "~/models/outbox.server";
import type { Db } from "~/models/types";
import { storage } from "~/services/storage.server";
import { certificateFiles, isRenderedFor, newCertificateKey } from "./certificate-document.server";
import type { CertificatePdfInput } from "./certificate-pdf";
import { certificatePdfPool } from "./certificate-pdf-pool.server";

// Certificates rendered many at a time (decision 021): one query reads the batch, the PDFs are drawn
// in the worker-thread pool side by side, and one transaction stores every document and marks every
// render job done. Each certificate keeps its own outcome: one that fails fails alone.

export type BatchRenderOutcome =
  /** Stored now, or found already rendered under its number (a repeated job): either way done. */
  | { certificateId: string; state: "rendered" | "unchanged" }
  /** No such certificate: the job can never succeed. */
  | { certificateId: string; state: "missing" }
  | { certificateId: string; state: "failed"; error: Error };

type RenderPdf = (input: CertificatePdfInput) => Promise<Uint8Array>;

const pooled: RenderPdf = (input) => certificatePdfPool().render(input);

/**
 * Renders and stores a batch of certificates. Idempotent as the one-at-a-time path is: a certificate
 * already rendered under its current number is left alone, and the rows are locked while the batch is
 * stored, so a concurrent renderer's result is kept and ours dropped. Outcomes come in the order given.
 */
export async function renderAndStoreCertificates(db: Db, certificateIds: string[], origin: string, renderPdf: RenderPdf = pooled): Promise<BatchRenderOutcome[]> {
  const ids = [...new Set(certificateIds)];
  const documents = new Map((await findCertificateDocuments(db, ids)).map((d) => [d.id, d]));
  const outcomes = new Map<string, BatchRenderOutcome>();
  const todo = [];
  for (const id of ids) {
    const document = documents.get(id);
    if (!document) outcomes.set(id, { certificateId: id, state: "missing" });
    else if (isRenderedFor(document, document.number)) outcomes.set(id, { certificateId: id, state: "unchanged" });
    else todo.push(document);
  }

  // Drawn and signed side by side; each PDF is written to storage as soon as it exists.
  const drawn = await Promise.all(
    todo.map(async (document) => {
      try {
        const { pdfBytes, signed } = await certificateFiles(db, document, origin, renderPdf);
        const pdfKey = newCertificateKey(document.issued_at);
        await storage().put(pdfKey, pdfBytes, "application/pdf");
        return { document, pdfKey, credential: { ...signed } };
      } catch (error) {
        outcomes.set(document.id, { certificateId: document.id, state: "failed", error: error instanceof Error ? error : new Error(String(error)) });
        return null;
      }
    }),
  );
  const ready = drawn.filter((d) => d !== null);

  const dropped: string[] = [];
  const replaced: string[] = [];
  try {
    await db.transaction().execute(async (tx) => {
      const locked = new Map((await lockCertificatesForRendering(tx, ready.map((r) => r.document.id))).map((l) => [l.id, l]));
      const save = [];
      for (const r of ready) {
        const row = locked.get(r.document.id);
        // Another renderer finished first while we worked: keep its result, drop ours.
        if (!row || (row.number === r.document.number && isRenderedFor(row, row.number))) dropped.push(r.pdfKey);
        else {
          save.push({ certificateId: r.document.id, pdfKey: r.pdfKey, credential: r.credential });
          if (row.pdf_key && row.pdf_key !== r.pdfKey) replaced.push(row.pdf_key);
        }
      }
      await saveRenderedCertificates(tx, save, new Date());
      const done = [...ready.map((r) => r.document.id), ...[...outcomes.values()].filter((o) => o.state === "unchanged").map((o) => o.certificateId)];
      await markCompletedMany(tx, done.map(renderJobId));
    });
    for (const r of ready) outcomes.set(r.document.id, { certificateId: r.document.id, state: "rendered" });
  } catch (error) {
    // Nothing of the batch was stored: every drawn certificate fails this time and is retried.
    dropped.push(...ready.map((r) => r.pdfKey));
    replaced.length = 0;
    for (const r of ready) outcomes.set(r.document.id, { certificateId: r.document.id, state: "failed", error: error instanceof Error ? error : new Error(String(error)) });
  }
  for (const key of [...dropped, ...replaced]) await storage().delete(key).catch((e: unknown) => logger.warn({ err: e, key }, "could not delete a certificate file"));

  for (const outcome of outcomes.values()) {
    if (outcome.state !== "failed") continue;
    logger.error({ err: outcome.error, certificateId: outcome.certificateId }, "certificate rendering failed");
    await saveRenderError(db, outcome.certificateId, outcome.error.message).catch(() => undefined);
  }
  return certificateIds.map((id) => outcomes.get(id)!);
}
