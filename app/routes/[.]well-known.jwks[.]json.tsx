import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { publicOrigin } from "~/services/certificate-document.server";
import { publicJwks } from "~/services/credentials.server";

// Public by design: the keys anyone needs to check a certificate's signed credential.
export async function loader({ request }: LoaderFunctionArgs) {
  const jwks = await publicJwks(db(), publicOrigin(request));
  return new Response(JSON.stringify(jwks), {
    status: 200,
    headers: {
      "Content-Type": "application/jwk-set+json; charset=utf-8",
      "Cache-Control": "public, max-age=300",
      "Access-Control-Allow-Origin": "*",
    },
  });
}
