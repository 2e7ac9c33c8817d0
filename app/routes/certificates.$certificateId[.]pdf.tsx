import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { can } from "~/domain/roles";
import { notFound, requireUser } from "~/guards.server";
import { translate } from "~/i18n";
import { logger } from "~/logger.server";
import { findCertificateDocument } from "~/models/certificate-documents.server";
import { certificateFileName } from "~/services/certificate-document.server";
import { storage } from "~/services/storage.server";

// A certificate's PDF, for its holder and for admins; anyone else gets the 404 of a missing one.

/** RFC 5987 value: encodeURIComponent leaves ' ( ) * unescaped, which the header grammar forbids. */
function encodeHeaderValue(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = requireUser(request, context);
  const certificateId = params.certificateId ?? "";
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(certificateId)) throw notFound();
  const certificate = await findCertificateDocument(db(), certificateId);
  if (!certificate || (certificate.user_id !== user.id && !can(user.roles, "certificates.manage"))) throw notFound();
  if (!certificate.pdf_key) throw new Response(translate("zh-CN", "certificate.download.missing"), { status: 409 });

  const bytes = await storage().get(certificate.pdf_key);
  if (!bytes) {
    logger.error({ certificateId, key: certificate.pdf_key }, "certificate PDF missing from storage");
    throw new Response(translate("zh-CN", "certificate.download.unavailable"), { status: 500 });
  }
  const name = certificateFileName(certificate.number, certificate.tier);
  return new Response(bytes, {
    status: 200,
    headers: {
      "Content-Type": "application/pdf",
      "Content-Length": String(bytes.byteLength),
      "Content-Disposition": `attachment; filename="${certificate.number}.pdf"; filename*=UTF-8''${encodeHeaderValue(name)}`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-cache",
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    },
  });
}
