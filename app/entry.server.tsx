import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
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
  const waitForAll = isbot(request.headers.get("user-agent") ?? "");
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />
      </NonceProvider>,
      {
        nonce,
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          markForOffline(request, responseStatusCode, responseHeaders, loadContext, false);
          resolve(
            new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }),
          );
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) logger.error({ err: error, url: redactUrl(request.url) }, "render error");
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  logger.error({ err: error, url: redactUrl(request.url), method: request.method }, "unhandled error in loader or action");
}
