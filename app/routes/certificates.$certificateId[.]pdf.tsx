import type { LoaderFunctionArgs } from "@remix-run/node";
import { translate } from "~/i18n";
import { logger } from "~/logger.server";
import { encodeHeaderValue, requireDownloadableCertificate } from "~/services/certificate-access.server";
import { certificateFileName } from "~/services/certificate-document.server";
import { storage } from "~/services/storage.server";

// A certificate's PDF, for its holder and for admins; anyone else gets the 404 of a missing one.

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const certificate = await requireDownloadableCertificate(request, context, params);
  const certificateId = certificate.id;
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
