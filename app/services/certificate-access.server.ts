import type { AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { can } from "~/domain/roles";
import { notFound, requireUser } from "~/guards.server";
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
  if (!certificate || (certificate.user_id !== user.id && !can(user.roles, "certificates.manage"))) throw notFound();
  return certificate;
}

/** RFC 5987 value: encodeURIComponent leaves ' ( ) * unescaped, which the header grammar forbids. */
export function encodeHeaderValue(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
