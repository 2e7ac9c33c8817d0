import type { LoaderFunctionArgs } from "@remix-run/node";
import { translate } from "~/i18n";
import { requireDownloadableCertificate } from "~/services/certificate-access.server";
import { storedCredentialOf } from "~/services/credentials.server";

// A certificate's Open Badges 3.0 credential, for its holder and for admins: the signed VC-JWT
// (default: what badge wallets import and anyone can check on /verify, against the key its kid names
// and the status list it names) or, with ?format=json, the unsigned credential JSON for reading.

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const certificate = await requireDownloadableCertificate(request, context, params);
  const stored = storedCredentialOf(certificate.credential);
  if (!stored) throw new Response(translate("zh-CN", "credential.download.missing"), { status: 409, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const jwt = new URL(request.url).searchParams.get("format") !== "json";
  const body = jwt ? stored.jws : `${JSON.stringify(stored.credential, null, 2)}\n`;
  return new Response(body, {
    status: 200,
    headers: {
      "Content-Type": jwt ? "application/vc+jwt" : "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${certificate.number}.${jwt ? "jwt" : "json"}"`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-cache",
    },
  });
}
