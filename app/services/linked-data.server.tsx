import type { ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";

// The public documents a credential links to (issuer profile, achievements) answer a JSON-LD
// client with JSON-LD and a person with a readable Chinese page, at the same URL (decision 013).

function quality(accept: string, type: string): number {
  let best = -1;
  for (const range of accept.split(",")) {
    const [media = "", ...params] = range.trim().toLowerCase().split(";");
    if (media !== type) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    best = Math.max(best, q ? Number(q.slice(2)) || 0 : 1);
  }
  return best;
}

/** A person's browser asks for HTML first; anything else (JSON-LD processors, curl) gets JSON-LD. */
export function wantsHtml(request: Request): boolean {
  const accept = request.headers.get("Accept") ?? "";
  const html = quality(accept, "text/html");
  return html > 0 && html >= Math.max(quality(accept, "application/ld+json"), quality(accept, "application/json"));
}

const publicHeaders = { "Cache-Control": "public, max-age=300", Vary: "Accept", "X-Content-Type-Options": "nosniff" };

export function jsonLdResponse(document: object): Response {
  return new Response(`${JSON.stringify(document, null, 2)}\n`, {
    status: 200,
    headers: { ...publicHeaders, "Content-Type": "application/ld+json; charset=utf-8", "Access-Control-Allow-Origin": "*" },
  });
}

const style = `
body{margin:0;font-family:"Noto Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;background:#f7f5ef;color:#21302b;line-height:1.7}
main{max-width:46rem;margin:0 auto;padding:2rem 1.25rem}
h1{color:#175e4d;font-size:1.6rem;margin:.2rem 0 1rem}
.card{background:#fff;border:1px solid #d9d4c4;border-radius:.75rem;padding:1.25rem 1.5rem;margin-bottom:1rem}
dt{font-weight:600;margin-top:.6rem}dd{margin:0;overflow-wrap:anywhere}
a{color:#175e4d}img{max-width:8rem;height:auto;float:right;margin:0 0 1rem 1rem}
.muted{color:#4f5a56;font-size:.95rem}`;

/** A small standalone page (no scripts): what a person sees when they open a credential's link. */
export function readablePage(title: string, body: ReactNode, alternateJson: string): Response {
  const html = renderToStaticMarkup(
    <html lang="zh-CN">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <link rel="alternate" type="application/ld+json" href={alternateJson} />
        <style>{style}</style>
      </head>
      <body>
        <main>{body}</main>
      </body>
    </html>,
  );
  return new Response(`<!DOCTYPE html>${html}`, {
    status: 200,
    headers: {
      ...publicHeaders,
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'",
    },
  });
}
