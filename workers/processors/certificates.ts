import { UnrecoverableError, type Job } from "bullmq";
import type { Kysely } from "kysely";
import { z } from "zod";
import { renderJobId } from "../../app/models/certificates.server";
import { markCompleted } from "../../app/models/outbox.server";
import { publicOrigin, renderAndStoreCertificate } from "../../app/services/certificate-document.server";
import type { Database } from "../../db/schema";

export const renderCertificateJob = z.object({ certificateId: z.uuid() });
export type RenderCertificateJob = z.infer<typeof renderCertificateJob>;

type RenderAndStore = (db: Kysely<Database>, certificateId: string, origin: string) => Promise<unknown>;

/** Renders and stores one certificate's PDF and credential, then marks its outbox row done. */
export async function renderCertificateNow(db: Kysely<Database>, data: RenderCertificateJob, render?: RenderAndStore): Promise<void> {
  const exists = await db.selectFrom("certificates").select("id").where("id", "=", data.certificateId).executeTakeFirst();
  if (!exists) throw new UnrecoverableError(`no certificate ${data.certificateId}`);
  // APP_URL: required in production, http://localhost:PORT in development.
  const origin = publicOrigin();
  await (render ?? renderAndStoreCertificate)(db, data.certificateId, origin);
  await markCompleted(db, renderJobId(data.certificateId));
}

/** The "certificates" queue: job "render" with { certificateId }. */
export function certificatesProcessor(db: Kysely<Database>) {
  return async (job: Job) => {
    if (job.name !== "render") throw new UnrecoverableError(`unknown certificates job "${job.name}"`);
    const data = renderCertificateJob.safeParse(job.data);
    if (!data.success) throw new UnrecoverableError(`invalid render data: ${data.error.message}`);
    await renderCertificateNow(db, data.data);
    return { certificateId: data.data.certificateId };
  };
}
