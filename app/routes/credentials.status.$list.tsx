import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { translate } from "~/i18n";
import { issuerKey } from "~/runtime/issuer-key.server";
import { publicOrigin } from "~/services/certificate-document.server";
import { signedStatusList, statusListExists } from "~/services/credentials.server";

// Public by design: the revocation status list every issued credential points to
// (credentialStatus.statusListCredential), as a signed VC-JWT. Anyone may fetch it; it names no
// one, it is a bitstring of 131,072 positions.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const raw = params.list ?? "";
  const list = /^\d{1,9}$/.test(raw) ? Number(raw) : -1;
  if (list < 0 || !(await statusListExists(db(), list))) {
    const message = `${translate("zh-CN", "credentialStatus.notFound")} / ${translate("en", "credentialStatus.notFound")}`;
    throw new Response(message, { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const jwt = await signedStatusList(db(), issuerKey(), publicOrigin(request), list);
  return new Response(jwt, {
    status: 200,
    headers: {
      "Content-Type": "application/vc+jwt",
      // Short: a revocation should reach verifiers within a minute.
      "Cache-Control": "public, max-age=60",
      "Access-Control-Allow-Origin": "*",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
