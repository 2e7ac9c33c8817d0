// The HTTP edge: everything a request meets before Remix (headers, body limits and deadlines, the
// request log, the Origin check, the queue board, the session) and the Remix handler itself.
// server.ts builds it; tests build it with a stand-in Remix handler.
import compression from "compression";
import { randomFillSync } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { bodyWithNonce, isPublicPage, type CachedPage, type PageCache } from "./page-cache.server";
import type { PageState } from "./page-state.server";
import type { Server } from "node:http";
import { Transform, type TransformCallback } from "node:stream";
import { createReadableStreamFromReadable, writeReadableStreamToWritable, type AppLoadContext } from "@remix-run/node";
import express, { type NextFunction, type Request as ExpressRequest, type Response as ExpressResponse } from "express";
import type { Logger } from "pino";
import { authenticate, forgetRecentSessions } from "../auth.server";
import { evidenceLimits } from "../domain/file-sniffing";
import { importLimits } from "../domain/user-import";
import { translate, type MessageKey } from "../i18n";
import { redactUrl } from "../utils/redact-url";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The nonce of this response's Content-Security-Policy, for Remix's inline scripts. */
    cspNonce?: string;
  }
}

const KiB = 1024;
const MiB = 1024 * KiB;

/** Request body limits by route class, in bytes. */
export const bodyLimits = {
  /** Sign-in, sign-out, invitations and certificate checks: a few short fields. */
  public: 64 * KiB,
  /** Every other form; a field-work report of 2 × 20,000 Chinese characters is ~360 KiB url-encoded. */
  form: 1 * MiB,
  /** The queue board's JSON calls. */
  queueBoard: 64 * KiB,
  /** The evidence upload route's own declared maximum (a submission's worth of files). */
  evidenceUpload: evidenceLimits.maxFilesPerSubmission * evidenceLimits.maxFileBytes + MiB,
  /** The roster import (.xlsx or CSV): the file's limit and room for the multipart envelope. */
  userImport: importLimits.maxBytes + 256 * KiB,
  /** A session's admin page: one paper sign-in sheet (photo or PDF) and the envelope. */
  sessionSheet: evidenceLimits.maxFileBytes + 256 * KiB,
} as const;

/** How long a request body may take to arrive, from the first byte of the request. */
export interface BodyDeadlines {
  formMs: number;
  uploadMs: number;
}
export const defaultBodyDeadlines: BodyDeadlines = { formMs: 30_000, uploadMs: 10 * 60_000 };

type BodyClass = { limit: number; upload: boolean };

const publicForm = /^\/(login|logout|invite\/[^/]+|verify(\/[^/]+)?)\/?$/;
const evidenceUpload = /^\/tasks\/[^/]+\/evidence\/?$/;
const userImport = /^\/admin\/users\/import\/?$/;
const sessionPage = /^\/admin\/sessions\/[^/]+\/?$/;
// A cohort's page takes a roster file (the same limit as the user import).
const cohortPage = /^\/admin\/cohorts\/[^/]+\/?$/;

export function bodyClassOf(path: string): BodyClass {
  if (evidenceUpload.test(path)) return { limit: bodyLimits.evidenceUpload, upload: true };
  if (userImport.test(path) || cohortPage.test(path)) return { limit: bodyLimits.userImport, upload: true };
  if (sessionPage.test(path)) return { limit: bodyLimits.sessionSheet, upload: true };
  if (path === "/admin/queues" || path.startsWith("/admin/queues/")) return { limit: bodyLimits.queueBoard, upload: false };
  if (publicForm.test(path)) return { limit: bodyLimits.public, upload: false };
  return { limit: bodyLimits.form, upload: false };
}

function sizeLabel(bytes: number): string {
  return bytes >= MiB ? `${Math.round((bytes / MiB) * 10) / 10} MiB` : `${Math.round(bytes / KiB)} KiB`;
}

function bilingual(key: MessageKey, params?: Record<string, string | number>): string {
  return `${translate("zh-CN", key, params)} / ${translate("en", key, params)}`;
}

function hasBody(req: ExpressRequest): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/**
 * Answers at once and stops reading what is left of the body: `Connection: close` makes Node close
 * the socket after the answer instead of draining the rest of an oversized or stalled upload.
 */
function refuse(req: ExpressRequest, res: ExpressResponse, status: number, message: string): void {
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  res.setHeader("Connection", "close");
  res.status(status).type("text/plain; charset=utf-8").send(message);
  req.unpipe();
}

// ---------- security headers ----------

/** The CSP of our own pages: scripts only from us or carrying this response's nonce. */
export function contentSecurityPolicy(nonce: string): string {
  return `${cspBefore}${nonce}${cspAfter}`;
}

const cspTemplate = [
  "default-src 'self'",
  "script-src 'self' 'nonce-\0'",
  // React style attributes (progress bars, the uploader's layout) are inline styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  // The service worker (/sw.js) and the web app manifest come from us only (decision 025).
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  ].join("; ");
// Built once: each response only splices its nonce in.
const [cspBefore, cspAfter] = cspTemplate.split("\0") as [string, string];

// Nonces are cut from a pool of random bytes filled 256 at a time: as random as one call each (the same
// CSPRNG, each byte used once), but randomBytes(16) cost 3 µs a response and the pool 0.16 µs.
const nonceBytes = 16;
const noncePool = Buffer.alloc(nonceBytes * 256);
let nonceAt = noncePool.length;

/** A fresh CSP nonce: 16 random bytes, base64. */
export function newNonce(): string {
  if (nonceAt === noncePool.length) {
    randomFillSync(noncePool);
    nonceAt = 0;
  }
  const nonce = noncePool.toString("base64", nonceAt, nonceAt + nonceBytes);
  nonceAt += nonceBytes;
  return nonce;
}

function securityHeaders(req: ExpressRequest, res: ExpressResponse, next: NextFunction) {
  const nonce = newNonce();
  res.locals.cspNonce = nonce;
  res.setHeader("Content-Security-Policy", contentSecurityPolicy(nonce));
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "same-origin");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  // The public certificate check: not for search engines, never from a shared cache.
  if (req.path === "/verify" || req.path.startsWith("/verify/")) {
    res.setHeader("X-Robots-Tag", "noindex, nofollow");
    res.setHeader("Cache-Control", "no-store");
  }
  next();
}

// ---------- body size and deadline ----------

function bodyGuard(deadlines: BodyDeadlines, logger: Logger) {
  return (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    if (!hasBody(req)) return next();
    const { limit, upload } = bodyClassOf(req.path);
    res.locals.bodyLimit = limit;
    const declared = req.headers["content-length"];
    if (declared !== undefined && !(Number(declared) <= limit)) {
      logger.warn({ method: req.method, url: redactUrl(req.originalUrl), declared, limit }, "refused an oversized body");
      return refuse(req, res, 413, bilingual("edge.tooLarge", { limit: sizeLabel(limit) }));
    }
    // A body that trickles in (slow loris) would hold a connection and a request for ever.
    const deadline = setTimeout(() => {
      if (req.complete) return;
      logger.warn({ method: req.method, url: redactUrl(req.originalUrl) }, "request body timed out");
      refuse(req, res, 408, bilingual("edge.timeout"));
      res.locals.abortRemix?.();
      req.socket.destroySoon();
    }, upload ? deadlines.uploadMs : deadlines.formMs);
    const clear = () => clearTimeout(deadline);
    req.once("end", clear);
    res.once("close", clear);
    res.once("finish", clear);
    next();
  };
}

class BodyTooLarge extends Error {}

/** Passes the body through, counting: a chunked body over the limit errors the stream. */
class CountingLimit extends Transform {
  private seen = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    this.seen += chunk.length;
    if (this.seen > this.limit) done(new BodyTooLarge());
    else done(null, chunk);
  }
}

function remixHeaders(req: ExpressRequest): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

async function sendRemixResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [name, value] of response.headers.entries()) res.append(name, value);
  // A page (HTML or a loader's JSON) is whole already: one write. Files and downloads stream.
  const type = response.headers.get("Content-Type") ?? "";
  if (response.body && (type.startsWith("text/html") || type.startsWith("application/json"))) res.end(Buffer.from(await response.arrayBuffer()));
  else if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}

const formTypes = ["application/x-www-form-urlencoded", "multipart/form-data"];

/** A page worth keeping for the next anonymous visitor: a plain 200 HTML answer that sets nothing. */
function isStorable(response: Response): boolean {
  return (
    response.status === 200 &&
    (response.headers.get("Content-Type") ?? "").startsWith("text/html") &&
    !response.headers.has("Set-Cookie") &&
    !/no-store|private/.test(response.headers.get("Cache-Control") ?? "")
  );
}

/** A kept page, with this answer's nonce in its body. */
function sendKept(res: ExpressResponse, page: CachedPage, nonce: string, how: "hit" | "miss"): void {
  res.status(page.status);
  for (const [name, value] of page.headers) res.append(name, value);
  res.setHeader("X-Page-Cache", how);
  res.end(how === "miss" ? page.body : bodyWithNonce(page, nonce));
}

/** Remix reads bodies with request.formData(), which throws (a 500) on anything but a form. */
function formProblem(req: ExpressRequest): { status: number; key: MessageKey } | null {
  if (!hasBody(req)) return null;
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  const base = type.split(";")[0]!.trim();
  if (!formTypes.includes(base)) return { status: 415, key: "edge.unsupportedType" };
  if (base === "multipart/form-data" && !/;\s*boundary=("[^"]+"|[^;\s]+)/.test(type)) return { status: 400, key: "edge.badForm" };
  return null;
}

/**
 * The Request Remix sees: its URL is built on APP_URL's origin (never the Host header, which
 * anyone can forge), and its body is counted against the route's limit as Remix reads it.
 */
function remixRequest(req: ExpressRequest, res: ExpressResponse, appOrigin: string, onTooLarge: () => void): Request {
  const controller = new AbortController();
  const headers = remixHeaders(req);
  const init: RequestInit & { duplex?: "half" } = { method: req.method, headers, signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    if (hasBody(req)) {
      const counted = new CountingLimit(Number(res.locals.bodyLimit ?? bodyLimits.form));
      counted.on("error", (error) => {
        if (error instanceof BodyTooLarge) onTooLarge();
      });
      req.on("error", (error) => counted.destroy(error));
      req.pipe(counted);
      init.body = createReadableStreamFromReadable(counted);
      init.duplex = "half";
    } else {
      // An empty post (a bare `POST /logout`) reads as an empty form, not as an error.
      headers.set("Content-Type", "application/x-www-form-urlencoded");
      init.body = "";
    }
  }
  let live = true;
  res.locals.abortRemix = () => live && controller.abort();
  res.on("finish", () => (live = false));
  res.on("close", () => live && controller.abort());
  return new Request(`${appOrigin}${req.originalUrl.startsWith("/") ? req.originalUrl : `/${req.originalUrl}`}`, init);
}

// ---------- the app ----------

export interface WebAppOptions {
  appOrigin: string;
  /** Origins whose state-changing requests are accepted (see trustedOrigins in config.server). */
  trustedOrigins: string[];
  /** Remix's request handler (`createRequestHandler(build, mode)` from @remix-run/node). */
  handleRequest: (request: Request, context: AppLoadContext) => Promise<Response>;
  health: () => Promise<{ ok: boolean; body: object }>;
  queueBoard?: { path: string; app: express.Express };
  logger: Logger;
  /** Express "trust proxy": set when a load balancer sits in front and sends X-Forwarded-For. */
  trustProxy?: boolean | number | string;
  deadlines?: BodyDeadlines;
  publicDir?: string;
  /** Public pages for anonymous visitors (decision 019); none when absent. */
  pageCache?: PageCache;
  /** Signed-in pages rendered once per state (decision 031); none when absent. */
  statePages?: {
    cache: PageCache;
    /** The data the page's loaders would return and its page's key, or null when the page is not one of them or would not answer 200. */
    stateOf: (request: Request, url: string, pathname: string, context: AppLoadContext) => Promise<{ state: PageState; key: string } | null>;
  };
}

export function createWebApp(options: WebAppOptions): express.Express {
  const { logger } = options;
  const app = express();
  app.disable("x-powered-by");
  if (options.trustProxy !== undefined) app.set("trust proxy", options.trustProxy);
  app.use(securityHeaders);
  // gzip or br as the browser asks: pages are Chinese text and a phone on a weak signal pays per byte.
  app.use(compression({ threshold: 1024 }));
  const publicDir = options.publicDir ?? "public";
  app.use("/build", express.static(`${publicDir}/build`, { immutable: true, maxAge: "1y" }));
  // The service worker is checked on every visit (a new build must reach phones), never kept for an hour.
  app.get("/sw.js", (_req, res, next) => {
    res.setHeader("Cache-Control", "no-cache");
    res.setHeader("Service-Worker-Allowed", "/");
    next();
  });
  // Only paths under a name public/ holds reach the disk: a page request costs no stat() of a file
  // that is not there. public/ is a build output, read once here.
  const staticFiles = express.static(publicDir, { maxAge: "1h" });
  const publicNames = new Set(existsSync(publicDir) ? readdirSync(publicDir) : []);
  app.use((req, res, next) => {
    const first = req.path.split("/")[1] ?? "";
    if (publicNames.has(first)) return staticFiles(req, res, next);
    next();
  });
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({ method: req.method, url: redactUrl(req.originalUrl), status: res.statusCode, ms: Math.round(ms) }, "request");
    });
    next();
  });
  // An anonymous visitor's public page may come from memory: no session to read, no render (decision 019).
  // Only the HTML face of a page: /issuer and /achievements answer a verifier asking for JSON with JSON-LD.
  const pageCache = options.pageCache;
  const cacheKeyOf = (req: ExpressRequest): string | null =>
    pageCache && req.method === "GET" && !/json/i.test(req.get("accept") ?? "") && !req.headers.cookie?.includes("bc_session=") && isPublicPage(req.path)
      ? req.originalUrl
      : null;
  if (pageCache) {
    // Before body checks, the Origin check and routing: a hit is a GET that needs none of them.
    app.use((req, res, next) => {
      const key = cacheKeyOf(req);
      const cached = key ? pageCache.get(key) : undefined;
      if (!cached) return next();
      sendKept(res, cached, String(res.locals.cspNonce), "hit");
    });
  }
  app.use(bodyGuard(options.deadlines ?? defaultBodyDeadlines, logger));
  app.get("/healthz", async (_req, res) => {
    const { ok, body } = await options.health();
    res.status(ok ? 200 : 503).json(body);
  });

  // Whatever a form post changed (roles, unit, status, a password), no session is served from memory
  // as it was before it (decision 022): cleared when the answer is done, after the change committed.
  app.use((req, res, next) => {
    if (!["GET", "HEAD", "OPTIONS"].includes(req.method)) res.once("close", forgetRecentSessions);
    next();
  });

  // CSRF: lucia has none, so every state-changing request must come from our own origin.
  const trusted = new Set(options.trustedOrigins);
  app.use((req, res, next) => {
    if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return next();
    const origin = req.get("origin");
    const referer = req.get("referer");
    let source: string | undefined;
    try {
      source = origin ?? (referer ? new URL(referer).origin : undefined);
    } catch {
      source = "unparsable";
    }
    const refused = source === undefined ? Boolean(req.headers.cookie?.includes("bc_session=")) : !trusted.has(source);
    if (refused) {
      logger.warn({ origin: source, url: redactUrl(req.originalUrl) }, "refused cross-origin request");
      res.status(403).type("text/plain; charset=utf-8").send(bilingual("edge.crossOrigin"));
      return;
    }
    next();
  });

  // Admin-only Bull Board; it authenticates and authorises its own requests (pages, API, assets).
  if (options.queueBoard) app.use(options.queueBoard.path, options.queueBoard.app);

  app.all("*", async (req, res, next) => {
    try {
      const problem = formProblem(req);
      if (problem) return refuse(req, res, problem.status, bilingual(problem.key));
      const nonce = String(res.locals.cspNonce);
      const cacheKey = cacheKeyOf(req);
      const { auth, setCookie } = await authenticate(req.headers.cookie);
      if (setCookie) res.append("Set-Cookie", setCookie);
      // A response that sets a cookie is never kept by the service worker (decision 025).
      const keepOffline = !setCookie;
      const limit = Number(res.locals.bodyLimit ?? bodyLimits.form);
      const request = remixRequest(req, res, options.appOrigin, () => {
        logger.warn({ method: req.method, url: redactUrl(req.originalUrl), limit }, "refused an oversized streamed body");
        refuse(req, res, 413, bilingual("edge.tooLarge", { limit: sizeLabel(limit) }));
        res.locals.abortRemix?.();
        req.socket.destroySoon();
      });
      const context: AppLoadContext = { auth, ip: req.ip ?? null, cspNonce: nonce };
      // A signed-in page rendered once per state (decision 031): its data first, then maybe no render at all.
      const statePages = options.statePages;
      let stateKey: string | null = null;
      if (statePages && auth.user && !setCookie && req.method === "GET" && !req.originalUrl.includes("?") && !/json/i.test(req.get("accept") ?? "")) {
        const found = await statePages.stateOf(request, req.originalUrl, req.path, context);
        if (found) {
          const kept = statePages.cache.get(found.key);
          if (kept) return sendKept(res, kept, nonce, "hit");
          stateKey = found.key;
          context.pageState = found.state;
        }
      }
      const response = await options.handleRequest(request, context);
      // The edge already answered (too large, too slow): what Remix made of the cut body is moot.
      if (res.headersSent) return;
      if (!keepOffline) response.headers.delete("X-Offline-Cache");
      if (stateKey && response.status === 200 && (response.headers.get("Content-Type") ?? "").startsWith("text/html") && !response.headers.has("Set-Cookie")) {
        const page: CachedPage = { status: 200, headers: [...response.headers.entries()], body: await response.text(), nonce, storedAt: Date.now() };
        statePages!.cache.set(stateKey, page);
        return sendKept(res, page, nonce, "miss");
      }
      if (cacheKey && !setCookie && isStorable(response)) {
        const page: CachedPage = { status: response.status, headers: [...response.headers.entries()], body: await response.text(), nonce, storedAt: Date.now() };
        pageCache!.set(cacheKey, page);
        return sendKept(res, page, nonce, "miss");
      }
      await sendRemixResponse(res, response);
    } catch (error) {
      next(error);
    }
  });

  // Our last word on an error: logged with context, a short apology to the user, never a stack trace.
  app.use((error: unknown, req: ExpressRequest, res: ExpressResponse, _next: NextFunction) => {
    const status = typeof error === "object" && error && "status" in error && Number(error.status) >= 400 && Number(error.status) < 500 ? Number(error.status) : 500;
    if (status >= 500) logger.error({ err: error, method: req.method, url: redactUrl(req.originalUrl) }, "request failed");
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    const message =
      status === 413
        ? bilingual("edge.tooLarge", { limit: sizeLabel(Number(res.locals.bodyLimit ?? bodyLimits.form)) })
        : bilingual(status >= 500 ? "edge.serverError" : "edge.badForm");
    res.status(status).type("text/plain; charset=utf-8").send(message);
  });
  return app;
}

/** Timeouts of the HTTP server itself: headers must arrive quickly, and no request lives for ever. */
export function applyServerTimeouts(server: Server, deadlines: BodyDeadlines = defaultBodyDeadlines): void {
  server.headersTimeout = 30_000;
  // A backstop over the per-route body deadline (checked by Node every 30 s).
  server.requestTimeout = deadlines.uploadMs + 60_000;
  server.keepAliveTimeout = 5_000;
}
