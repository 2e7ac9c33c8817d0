import type { LoaderFunctionArgs } from "@remix-run/node";
import { translate } from "~/i18n";
import { publicOrigin } from "~/services/certificate-document.server";
import { issuerId, jwksUrl } from "~/services/credentials.server";

// Public by design: JWT VC issuer metadata (the well-known location VC-JOSE-COSE §5 names, from
// SD-JWT VC). Our issuer is APP_URL/issuer, so its metadata lives at
// /.well-known/jwt-vc-issuer/issuer; the bare path answers the same for people who look there.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const rest = params["*"] ?? "";
  if (rest !== "" && rest !== "issuer") {
    const message = `${translate("zh-CN", "issuer.metadataNotFound")} / ${translate("en", "issuer.metadataNotFound")}`;
    throw new Response(message, { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const origin = publicOrigin(request);
  return new Response(JSON.stringify({ issuer: issuerId(origin), jwks_uri: jwksUrl(origin) }), {
    status: 200,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "public, max-age=300",
      "Access-Control-Allow-Origin": "*",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
