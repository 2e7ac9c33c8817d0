import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSession } from "~/auth.server";
import { PageCache, isPublicPage } from "~/runtime/page-cache.server";
import { createWebApp } from "~/runtime/web-app.server";
import { createTestApp } from "../support/app";

// The edge's memory of public pages for anonymous visitors (decision 019), over real sessions, with a
// stand-in for Remix that counts renders and prints its nonce the way the real pages do.
let app: Awaited<ReturnType<typeof createTestApp>>;
let server: Server;
let base: string;
const cache = new PageCache(60_000);
const renders: string[] = [];

beforeAll(async () => {
  app = await createTestApp();
  server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const web = createWebApp({
    appOrigin: base,
    trustedOrigins: [base],
    logger: pino({ level: "silent" }),
    pageCache: cache,
    health: async () => ({ ok: true, body: {} }),
    handleRequest: async (request, context) => {
      const url = new URL(request.url);
      renders.push(url.pathname + url.search);
      const who = context.auth.user ? `signed-in ${context.auth.user.name}` : "anonymous";
      const headers: Record<string, string> = { "Content-Type": "text/html; charset=utf-8" };
      if (url.searchParams.has("private")) headers["Cache-Control"] = "private, no-store";
      return new Response(`<!doctype html><title>${who}</title><script nonce="${context.cspNonce}">1</script><script nonce="${context.cspNonce}">2</script>`, { headers });
    },
  });
  server.on("request", web);
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await app?.close();
});

const nonceOf = (res: Response) => /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")![1]!;

describe("the anonymous page cache", () => {
  it("renders a public page once for many anonymous visitors, each answer with a nonce of its own in header and body", async () => {
    renders.length = 0;
    const first = await fetch(`${base}/showcase?theme=crisis`);
    const second = await fetch(`${base}/showcase?theme=crisis`);
    expect(renders).toEqual(["/showcase?theme=crisis"]);
    expect(first.headers.get("x-page-cache")).toBe("miss");
    expect(second.headers.get("x-page-cache")).toBe("hit");
    const [a, b] = [nonceOf(first), nonceOf(second)];
    expect(a).not.toBe(b);
    const body = await second.text();
    expect(body.match(/nonce="([^"]+)"/g)).toEqual([`nonce="${b}"`, `nonce="${b}"`]);
    expect(body).not.toContain(a);
  });

  it("never serves a signed-in visitor from it, nor stores what they saw", async () => {
    const user = await app.signIn(["trainee"], { name: "缓存测试学员" });
    const cookie = (await startSession(user.id, {})).split(";")[0]!;
    renders.length = 0;
    const signedIn = await (await fetch(`${base}/`, { headers: { Cookie: cookie } })).text();
    expect(signedIn).toContain("signed-in 缓存测试学员");
    const anonymous = await (await fetch(`${base}/`)).text();
    expect(anonymous).toContain("anonymous");
    expect(renders).toEqual(["/", "/"]);
  });

  it("keeps only public pages, and nothing a page marks private; clear() empties it", async () => {
    expect(["/", "/verify", "/showcase", "/issuer", "/achievements/campus/foundation"].every(isPublicPage)).toBe(true);
    expect(["/verify/BC-2026-ABCD-EFGH", "/verify/BC-1", "/verify/x/y", "/login", "/learn", "/admin", "/invite/x", "/files/x"].some(isPublicPage)).toBe(false);
    renders.length = 0;
    await fetch(`${base}/learn`);
    await fetch(`${base}/learn`);
    await fetch(`${base}/issuer?private=1`);
    await fetch(`${base}/issuer?private=1`);
    expect(renders).toEqual(["/learn", "/learn", "/issuer?private=1", "/issuer?private=1"]);
    await fetch(`${base}/issuer`);
    // A verifier asking for JSON-LD is never answered from the HTML kept for people.
    renders.length = 0;
    const asJson = await fetch(`${base}/issuer`, { headers: { Accept: "application/ld+json" } });
    expect(asJson.headers.get("x-page-cache")).toBeNull();
    expect(renders).toEqual(["/issuer"]);
    cache.clear();
    expect((await fetch(`${base}/issuer`)).headers.get("x-page-cache")).toBe("miss");
  });

  it("serves the /verify form from memory, still marked no-store and noindex, but never a certificate's own page", async () => {
    renders.length = 0;
    const first = await fetch(`${base}/verify`);
    const second = await fetch(`${base}/verify`);
    expect(second.headers.get("x-page-cache")).toBe("hit");
    for (const answer of [first, second]) {
      expect(answer.headers.get("cache-control")).toBe("no-store");
      expect(answer.headers.get("x-robots-tag")).toBe("noindex, nofollow");
      expect(answer.headers.get("content-security-policy")).toContain("'nonce-");
      expect(answer.headers.get("x-frame-options")).toBe("DENY");
    }
    await fetch(`${base}/verify/BC-2026-ABCD-EFGH`);
    const again = await fetch(`${base}/verify/BC-2026-ABCD-EFGH`);
    expect(again.headers.get("x-page-cache")).toBeNull();
    expect(renders).toEqual(["/verify", "/verify/BC-2026-ABCD-EFGH", "/verify/BC-2026-ABCD-EFGH"]);
  });

  it("holds at most maxEntries pages, the oldest going first", () => {
    const small = new PageCache(60_000, 3);
    for (let i = 0; i < 10; i++) small.set(`/showcase?page=${i}`, { status: 200, headers: [], body: `p${i}`, nonce: "n", storedAt: Date.now() });
    expect(small.size).toBe(3);
    expect(small.get("/showcase?page=0")).toBeUndefined();
    expect(small.get("/showcase?page=9")).toBeDefined();
    small.set("/showcase?page=9", { status: 200, headers: [], body: "again", nonce: "n", storedAt: Date.now() });
    expect(small.size).toBe(3);
  });

  it("forgets a page when it is older than its freshness", () => {
    const short = new PageCache(1_000);
    short.set("/", { status: 200, headers: [], body: "x", nonce: "n", storedAt: 0 });
    expect(short.get("/", 500)).toBeDefined();
    expect(short.get("/", 1_500)).toBeUndefined();
  });
});
