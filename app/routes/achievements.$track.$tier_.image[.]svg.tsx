import type { LoaderFunctionArgs } from "@remix-run/node";
import { catalog } from "~/catalog/catalog.server";
import { isTier, isTrack } from "~/catalog/learner.server";
import { translate } from "~/i18n";

// Public by design: the badge image of an achievement (achievement.image in every credential),
// drawn here so that it always exists and matches the certificate's titles.

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export async function loader({ params }: LoaderFunctionArgs) {
  const { track, tier } = params;
  if (!isTrack(track) || !isTier(tier)) {
    const message = `${translate("zh-CN", "achievement.notFound")} / ${translate("en", "achievement.notFound")}`;
    throw new Response(message, { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const { program } = catalog();
  const tierEntry = program.tiers.find((t) => t.id === tier)!;
  const trackEntry = program.tracks.find((t) => t.id === track)!;
  const colour = track === "campus" ? "#175e4d" : "#8a5a12";
  const title = escapeXml(tierEntry.certificateTitle.zh);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256" width="256" height="256" role="img" aria-label="${title}">
<title>${title}</title>
<circle cx="128" cy="128" r="120" fill="${colour}"/>
<circle cx="128" cy="128" r="106" fill="none" stroke="#e3c77a" stroke-width="4"/>
<text x="128" y="98" text-anchor="middle" font-family="Noto Serif SC, serif" font-size="22" fill="#fff">${escapeXml(trackEntry.title.zh)}</text>
<text x="128" y="140" text-anchor="middle" font-family="Noto Serif SC, serif" font-size="34" font-weight="700" fill="#fff">${escapeXml(tierEntry.title.zh)}</text>
<text x="128" y="178" text-anchor="middle" font-family="Noto Serif SC, serif" font-size="16" fill="#f4ead0">${title}</text>
</svg>
`;
  return new Response(svg, {
    status: 200,
    headers: {
      "Content-Type": "image/svg+xml; charset=utf-8",
      "Cache-Control": "public, max-age=3600",
      "Access-Control-Allow-Origin": "*",
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    },
  });
}
