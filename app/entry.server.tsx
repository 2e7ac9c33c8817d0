import { Writable } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { NonceProvider } from "./components/nonce";
import { isOfflineData, isOfflinePage, offlineHeader, offlineHeaderValue } from "./domain/offline";
import { logger } from "./logger.server";
import { redactUrl } from "./utils/redact-url";

const ABORT_DELAY = 5_000;

/**
 * Marks a signed-in person's learner page (or its data) as one the service worker may keep for
 * reading offline (decision 025). Never a page that sets a cookie, never an error, never anonymous.
 */
function markForOffline(request: Request, status: number, headers: Headers, context: AppLoadContext, data: boolean) {
  if (request.method !== "GET" || status !== 200 || !context.auth?.user || headers.has("Set-Cookie")) return;
  const url = new URL(request.url);
  if (data ? isOfflineData(url.pathname, url.searchParams) : isOfflinePage(url.pathname)) headers.set(offlineHeader, offlineHeaderValue);
}

export function handleDataRequest(response: Response, { request, context }: { request: Request; context: AppLoadContext }) {
  markForOffline(request, response.status, response.headers, context, true);
  return response;
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce;
  // No page defers data, so the whole page is ready at once: it is collected and sent as one body
  // rather than streamed in React's 2 KB chunks (a write and a web-stream hop each; decision 022).
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const chunks: Buffer[] = [];
    const collect = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
      final(done) {
        clearTimeout(timer);
        responseHeaders.set("Content-Type", "text/html; charset=utf-8");
        markForOffline(request, responseStatusCode, responseHeaders, loadContext, false);
        resolve(new Response(Buffer.concat(chunks), { headers: responseHeaders, status: responseStatusCode }));
        done();
      },
    });
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />
      </NonceProvider>,
      {
        nonce,
        onAllReady() {
          shellRendered = true;
          pipe(collect);
        },
        onShellError(error: unknown) {
          clearTimeout(timer);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) logger.error({ err: error, url: redactUrl(request.url) }, "render error");
        },
      },
    );
    // Cleared when the page is done, so a busy server holds no finished render for the rest of 5 s.
    timer = setTimeout(abort, ABORT_DELAY);
  });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  logger.error({ err: error, url: redactUrl(request.url), method: request.method }, "unhandled error in loader or action");
}
