import type { LoaderFunctionArgs } from "@remix-run/node";
import { translate } from "~/i18n";
import { publicOrigin } from "~/services/certificate-document.server";
import { credentialContexts, issuerId, jwksUrl } from "~/services/credentials.server";
import { jsonLdResponse, readablePage, wantsHtml } from "~/services/linked-data.server";

// Public by design: the issuer profile every credential names as issuer.id. JSON-LD for a
// verifier, a readable Chinese page for a person (decision 013).

function issuerProfile(origin: string) {
  return {
    "@context": [...credentialContexts],
    id: issuerId(origin),
    type: ["Profile"],
    name: translate("zh-CN", "certificate.issuer"),
    url: `${origin}/`,
    description: translate("zh-CN", "issuer.description"),
  };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const origin = publicOrigin(request);
  const profile = issuerProfile(origin);
  if (!wantsHtml(request)) return jsonLdResponse(profile);
  const zh = (key: Parameters<typeof translate>[1]) => translate("zh-CN", key);
  return readablePage(
    `${profile.name} · ${zh("issuer.title")}`,
    <>
      <p className="muted">{zh("issuer.title")}</p>
      <h1>{profile.name}</h1>
      <div className="card">
        <p>{profile.description}</p>
        <dl>
          <dt>{zh("issuer.id")}</dt>
          <dd>{profile.id}</dd>
          <dt>{zh("issuer.keys")}</dt>
          <dd>
            <a href={jwksUrl(origin)}>{jwksUrl(origin)}</a>
          </dd>
          <dt>{zh("issuer.metadata")}</dt>
          <dd>
            <a href={`${origin}/.well-known/jwt-vc-issuer/issuer`}>{`${origin}/.well-known/jwt-vc-issuer/issuer`}</a>
          </dd>
        </dl>
      </div>
      <p>
        <a href={`${origin}/verify`}>{zh("issuer.verify")}</a>
      </p>
    </>,
    profile.id,
  );
}
