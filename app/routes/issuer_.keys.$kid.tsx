import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { translate } from "~/i18n";
import { publicOrigin } from "~/services/certificate-document.server";
import { publicJwkFor } from "~/services/credentials.server";

// Public by design: one signing key as a JWK. Every credential's kid is this URL (OB 3.0 §8.2.3:
// a URI that dereferences to the public key), retired keys included.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const jwk = await publicJwkFor(db(), publicOrigin(request), (params.kid ?? "").slice(0, 120));
  if (!jwk) {
    const message = `${translate("zh-CN", "issuer.keyNotFound")} / ${translate("en", "issuer.keyNotFound")}`;
    throw new Response(message, { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  return new Response(JSON.stringify(jwk), {
    status: 200,
    headers: {
      "Content-Type": "application/jwk+json; charset=utf-8",
      "Cache-Control": "public, max-age=300",
      "Access-Control-Allow-Origin": "*",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
