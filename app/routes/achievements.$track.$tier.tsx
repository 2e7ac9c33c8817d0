import type { LoaderFunctionArgs } from "@remix-run/node";
import { catalog } from "~/catalog/catalog.server";
import { isTier, isTrack } from "~/catalog/learner.server";
import { translate } from "~/i18n";
import { publicOrigin } from "~/services/certificate-document.server";
import { achievementImageUrl, achievementUrl, credentialContexts, issuerId } from "~/services/credentials.server";
import { jsonLdResponse, readablePage, wantsHtml } from "~/services/linked-data.server";

// Public by design: the achievement (track × tier certificate) every credential names. JSON-LD for
// a verifier, a readable Chinese page for a person (decision 013).

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { track, tier } = params;
  if (!isTrack(track) || !isTier(tier)) {
    const message = `${translate("zh-CN", "achievement.notFound")} / ${translate("en", "achievement.notFound")}`;
    throw new Response(message, { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const origin = publicOrigin(request);
  const { program } = catalog();
  const trackEntry = program.tracks.find((t) => t.id === track)!;
  const tierEntry = program.tiers.find((t) => t.id === tier)!;
  const zh = (key: Parameters<typeof translate>[1], p?: Record<string, string>) => translate("zh-CN", key, p);
  const issuerName = zh("certificate.issuer");
  const achievement = {
    "@context": [...credentialContexts],
    id: achievementUrl(origin, track, tier),
    type: ["Achievement"],
    achievementType: "Certificate",
    name: tierEntry.certificateTitle.zh,
    description: zh("certificate.credential.description", { trackTitle: trackEntry.title.zh, tierTitle: tierEntry.title.zh }),
    criteria: { narrative: zh("certificate.credential.criteria") },
    image: { id: achievementImageUrl(origin, track, tier), type: "Image" },
    creator: { id: issuerId(origin), type: ["Profile"], name: issuerName },
  };
  if (!wantsHtml(request)) return jsonLdResponse(achievement);
  return readablePage(
    `${achievement.name} · ${zh("achievement.title")}`,
    <>
      <p className="muted">{zh("achievement.title")}</p>
      <h1>{achievement.name}</h1>
      <div className="card">
        <img src={achievement.image.id} alt={zh("achievement.imageAlt", { name: achievement.name })} width={128} height={128} />
        <p>{achievement.description}</p>
        <dl>
          <dt>{zh("achievement.trackTier")}</dt>
          <dd>{`${trackEntry.title.zh} · ${tierEntry.title.zh}`}</dd>
          <dt>{zh("achievement.criteria")}</dt>
          <dd>{achievement.criteria.narrative}</dd>
          <dt>{zh("achievement.issuer")}</dt>
          <dd>
            <a href={issuerId(origin)}>{issuerName}</a>
          </dd>
        </dl>
      </div>
      <p>
        <a href={`${origin}/verify`}>{zh("issuer.verify")}</a>
      </p>
    </>,
    achievement.id,
  );
}
