import { UnrecoverableError, type Job } from "bullmq";
import type { Kysely } from "kysely";
import { z } from "zod";
import { renderJobId } from "../../app/models/certificates.server";
import { markCompleted } from "../../app/models/outbox.server";
import { renderAndStoreCertificates, type BatchRenderOutcome } from "../../app/services/certificate-batches.server";
import { publicOrigin, renderAndStoreCertificate } from "../../app/services/certificate-document.server";
import type { CertificatePdfInput } from "../../app/services/certificate-pdf";
import type { Database } from "../../db/schema";
import { JobBatcher, type JobBatcherOptions } from "../../app/runtime/job-batcher";

export const renderCertificateJob = z.object({ certificateId: z.uuid() });
export type RenderCertificateJob = z.infer<typeof renderCertificateJob>;

type RenderAndStore = (db: Kysely<Database>, certificateId: string, origin: string) => Promise<unknown>;

/**
 * Renders and stores one certificate's PDF and credential in this thread, then marks its outbox row
 * done: the one-at-a-time path (tests, and the benchmark's baseline). The queue uses the batches below.
 */
export async function renderCertificateNow(db: Kysely<Database>, data: RenderCertificateJob, render?: RenderAndStore): Promise<void> {
  const exists = await db.selectFrom("certificates").select("id").where("id", "=", data.certificateId).executeTakeFirst();
  if (!exists) throw new UnrecoverableError(`no certificate ${data.certificateId}`);
  // APP_URL: required in production, http://localhost:PORT in development.
  const origin = publicOrigin();
  await (render ?? renderAndStoreCertificate)(db, data.certificateId, origin);
  await markCompleted(db, renderJobId(data.certificateId));
}

/** Render jobs gathered per batch: enough to keep the threads busy and the writes few. */
export const certificateBatching: JobBatcherOptions = { maxSize: 16, lingerMs: 20 };

export interface CertificatesProcessorOptions {
  /** Draws a PDF; the worker-thread pool by default. */
  renderPdf?: (input: CertificatePdfInput) => Promise<Uint8Array>;
  batching?: JobBatcherOptions;
}

/** The "certificates" queue: job "render" with { certificateId }, rendered and stored in batches. */
export function certificatesProcessor(db: Kysely<Database>, options: CertificatesProcessorOptions = {}) {
  const batcher = new JobBatcher<string, BatchRenderOutcome>(
    async (ids) => {
      const outcomes = await renderAndStoreCertificates(db, ids, publicOrigin(), options.renderPdf);
      return outcomes.map((o) => (o.state === "failed" ? o.error : o));
    },
    options.batching ?? certificateBatching,
  );
  return async (job: Job) => {
    if (job.name !== "render") throw new UnrecoverableError(`unknown certificates job "${job.name}"`);
    const data = renderCertificateJob.safeParse(job.data);
    if (!data.success) throw new UnrecoverableError(`invalid render data: ${data.error.message}`);
    const outcome = await batcher.add(data.data.certificateId);
    if (outcome.state === "missing") throw new UnrecoverableError(`no certificate ${data.data.certificateId}`);
    return { certificateId: data.data.certificateId };
  };
}
