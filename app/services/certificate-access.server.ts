import type { AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { inReach } from "~/domain/reach";
import { notFound, reachFor, refuseOutsideReach, requireUser } from "~/guards.server";
import { certificatePath } from "~/models/placement.server";
import { findCertificateDocument, type CertificateDocument } from "~/models/certificate-documents.server";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A certificate's downloads (PDF, credential) are for its holder and for admins; anyone else
 * gets the 404 of a missing one, so ids cannot be probed.
 */
export async function requireDownloadableCertificate(request: Request, context: AppLoadContext, params: LoaderFunctionArgs["params"]): Promise<CertificateDocument> {
  const user = requireUser(request, context);
  const certificateId = params.certificateId ?? "";
  if (!uuidPattern.test(certificateId)) throw notFound();
  const certificate = await findCertificateDocument(db(), certificateId);
  if (!certificate) throw notFound();
  if (certificate.user_id === user.id) return certificate;
  // Admins download certificates of their own region only; other regions' look like missing ones.
  const reach = reachFor(user, "certificates.manage");
  if (!reach) throw notFound();
  const holder = await certificatePath(db(), certificateId);
  if (!inReach(reach, holder?.orgPath ?? null)) await refuseOutsideReach(context, { attempted: "certificate.download", targetType: "certificate", targetId: certificateId });
  return certificate;
}

/** RFC 5987 value: encodeURIComponent leaves ' ( ) * unescaped, which the header grammar forbids. */
export function encodeHeaderValue(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
