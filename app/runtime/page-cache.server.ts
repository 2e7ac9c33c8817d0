import { singleton } from "~/utils/singleton.server";

// Public pages for anonymous visitors, kept in memory for a few seconds: the home page and the
// showcase are what a training day's crowd opens at once, and they are the same for every visitor.
// Decision 019: what is cached, for how long, and why a cached page never reuses a CSP nonce.

export interface CachedPage {
  status: number;
  headers: Array<[string, string]>;
  body: string;
  /** The nonce the page was rendered with; each answer swaps in its own. */
  nonce: string;
  storedAt: number;
}

/** A kept page as bytes, split where its nonce was: an answer is the parts joined by a fresh nonce. */
interface KeptPage extends CachedPage {
  parts: Buffer[];
}

const publicPages = [/^\/$/, /^\/verify$/, /^\/showcase$/, /^\/showcase\/[0-9a-f-]{36}$/, /^\/issuer$/, /^\/achievements\/[a-z]+\/[a-z]+$/];

/**
 * Pages that are the same for every anonymous visitor: never a certificate's own /verify/<number> page
 * (a revocation shows at once, and every look-up counts against the rate limit), sign-in or anything signed in.
 * The /verify form itself is the same for everyone (decision 022).
 */
export function isPublicPage(pathname: string): boolean {
  return publicPages.some((p) => p.test(pathname));
}

export class PageCache {
  private readonly entries = new Map<string, KeptPage>();
  constructor(
    readonly freshForMs = 10_000,
    readonly maxEntries = 500,
  ) {}

  get(key: string, now = Date.now()): CachedPage | undefined {
    const page = this.entries.get(key);
    if (page && now - page.storedAt < this.freshForMs) return page;
    if (page) this.entries.delete(key);
    return undefined;
  }

  set(key: string, page: CachedPage): void {
    // Oldest first out: a crawler walking every ?page= of the showcase cannot grow memory without bound.
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const parts = (page.nonce ? page.body.split(page.nonce) : [page.body]).map((part) => Buffer.from(part));
    this.entries.set(key, { ...page, parts });
  }

  /** How many pages are kept (never more than maxEntries). */
  get size(): number {
    return this.entries.size;
  }

  /** After a change that public pages show (a showcase decision): the next visitor gets a fresh page. */
  clear(): void {
    this.entries.clear();
  }
}

// One per process, shared by server.ts and the Remix build (two bundles, one globalThis), so a
// showcase decision in a route clears what the edge holds.
export const anonymousPages = singleton("anonymous-pages", () => new PageCache());

/** The cached page's body with this answer's nonce in place of the one it was rendered with. */
export function withNonce(page: CachedPage, nonce: string): string {
  return page.body.split(page.nonce).join(nonce);
}

/** The same as bytes, without re-encoding the page: the kept parts joined by the nonce. */
export function bodyWithNonce(page: CachedPage, nonce: string): Buffer {
  const parts = (page as KeptPage).parts;
  if (!parts) return Buffer.from(withNonce(page, nonce));
  if (parts.length === 1) return parts[0]!;
  const glue = Buffer.from(nonce);
  const pieces: Buffer[] = [parts[0]!];
  for (let i = 1; i < parts.length; i++) pieces.push(glue, parts[i]!);
  return Buffer.concat(pieces);
}
