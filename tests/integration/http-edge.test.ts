import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSession } from "~/auth.server";
import { applyServerTimeouts, bodyLimits, createWebApp, newNonce } from "~/runtime/web-app.server";
import { createTestApp } from "../support/app";

// The edge as server.ts assembles it, over real sessions in PostgreSQL, with a stand-in for the
// Remix handler that records what reaches it. Attacks come over real sockets.

let app: Awaited<ReturnType<typeof createTestApp>>;
let server: Server;
let base: string;
let publicDir: string;
const logLines: string[] = [];
const sockets: Socket[] = [];
/** What reached the Remix handler, per request. */
const reached: Array<{ url: string; method: string; bodyBytes: number; fields?: Record<string, string>; nonce?: string }> = [];

beforeAll(async () => {
  app = await createTestApp();
  publicDir = mkdtempSync(path.join(tmpdir(), "baicheng-edge-"));
  mkdirSync(path.join(publicDir, "build"));
  writeFileSync(path.join(publicDir, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  writeFileSync(path.join(publicDir, "build", "entry.js"), "export {};");
  server = createServer();
  server.on("connection", (socket) => sockets.push(socket));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const logger = pino({ level: "info" }, new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) }));
  const web = createWebApp({
    appOrigin: base,
    trustedOrigins: [base],
    logger,
    publicDir,
    deadlines: { formMs: 400, uploadMs: 800 },
    health: async () => ({ ok: true, body: { status: "ok" } }),
    handleRequest: async (request, context) => {
      const url = new URL(request.url);
      if (url.pathname === "/long") return new Response(`<!doctype html><title>长页面</title>${"<p>心关爱·进百城：学员在学校和社区开展心理健康服务。</p>".repeat(400)}`, { headers: { "Content-Type": "text/html; charset=utf-8" } });
      if (url.pathname === "/boom") throw new Error(`exploded in ${path.resolve("app/routes/boom.tsx")}`);
      if (request.method === "POST") {
        const body = new Uint8Array(await request.clone().arrayBuffer());
        const form = await request.formData();
        reached.push({ url: request.url, method: request.method, bodyBytes: body.length, fields: Object.fromEntries([...form].map(([k, v]) => [k, String(v)])) });
        return Response.json({ ok: true });
      }
      reached.push({ url: request.url, method: request.method, bodyBytes: 0, nonce: context.cspNonce });
      return new Response(`<!doctype html><title>${url.pathname}</title>`, { headers: { "Content-Type": "text/html; charset=utf-8" } });
    },
  });
  server.on("request", web);
  applyServerTimeouts(server);
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  rmSync(publicDir, { recursive: true, force: true });
  await app?.close();
});

interface Sent {
  status: number;
  body: string;
  headers: IncomingMessage["headers"];
  /** Bytes the server read from the connection, counted when it closed. */
  serverRead: number;
  clientWrote: number;
}

/**
 * Sends `total` bytes of body in 64 KiB chunks (declared with Content-Length, or chunked), as fast as
 * the server takes them, and stops writing once an answer arrives.
 */
function sendBody(pathname: string, total: number, options: { chunked?: boolean; headers?: Record<string, string>; method?: string } = {}): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const before = sockets.length;
    const headers: Record<string, string> = { Origin: base, "Content-Type": "application/x-www-form-urlencoded", ...options.headers };
    if (!options.chunked) headers["Content-Length"] = String(total);
    const req = httpRequest(`${base}${pathname}`, { method: options.method ?? "POST", headers, agent: false });
    let answered: { status: number; body: string; headers: IncomingMessage["headers"] } | undefined;
    let wrote = 0;
    const finish = () => {
      const socket = sockets[before];
      const done = () => resolve({ ...answered!, serverRead: socket?.bytesRead ?? -1, clientWrote: wrote });
      if (!socket || socket.destroyed) done();
      else socket.once("close", done);
    };
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => {
        answered = { status: res.statusCode ?? 0, body, headers: res.headers };
        req.destroy();
        finish();
      });
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(64 * 1024, "a");
    const pump = () => {
      while (wrote < total && !answered && !req.destroyed) {
        const size = Math.min(chunk.length, total - wrote);
        wrote += size;
        if (!req.write(size === chunk.length ? chunk : chunk.subarray(0, size))) return void req.once("drain", pump);
      }
      if (wrote >= total) req.end();
    };
    pump();
  });
}

const MB = 1_000_000;

describe("request body limits", () => {
  it.each(["/login", "/verify/BC-2026-AAAA-BBBB"])("refuses a declared 100 MB body to %s with 413 before reading it", async (pathname) => {
    const before = reached.length;
    const rss = process.memoryUsage().rss;
    const sent = await sendBody(pathname, 100 * MB);
    expect(sent.status).toBe(413);
    expect(sent.body).toContain("提交的内容过大");
    expect(sent.headers.connection).toBe("close");
    expect(reached.length).toBe(before);
    // What the kernel had buffered, not the body: far below 100 MB.
    expect(sent.serverRead).toBeGreaterThan(0);
    expect(sent.serverRead).toBeLessThan(16 * MB);
    expect(process.memoryUsage().rss - rss).toBeLessThan(64 * MB);
  });

  it("cuts a chunked body off at the route's limit: the handler never sees more than the limit", async () => {
    const before = reached.length;
    const sent = await sendBody("/login", 100 * MB, { chunked: true });
    expect(sent.status).toBe(413);
    expect(sent.body).toContain("64 KiB");
    expect(reached.length).toBe(before);
    expect(sent.serverRead).toBeLessThan(16 * MB);
  });

  it("lets ordinary forms through whole, declared or chunked, and gives larger forms a larger limit", async () => {
    for (const chunked of [false, true]) {
      const before = reached.length;
      const sent = await sendBody("/tasks/abc", 300_000, { chunked });
      expect(sent.status).toBe(200);
      expect(reached[before]!.bodyBytes).toBe(300_000);
    }
    expect((await sendBody("/login", 2 * MB)).status).toBe(413);
    expect((await sendBody("/tasks/abc", 2 * MB)).status).toBe(413);
  });

  it("gives the evidence upload and the CSV import their declared maxima", async () => {
    expect(bodyLimits.evidenceUpload).toBeGreaterThan(100 * MB);
    const boundary = "----edge";
    const multipart = { "Content-Type": `multipart/form-data; boundary=${boundary}` };
    const upload = await sendBody("/tasks/abc/evidence", 2 * MB, { headers: multipart });
    // Not refused by the edge (the stand-in handler then fails to parse the filler as multipart).
    expect(upload.status).not.toBe(413);
    expect((await sendBody("/tasks/abc/evidence", bodyLimits.evidenceUpload + 1, { headers: multipart })).status).toBe(413);
    expect((await sendBody("/admin/users/import", 2 * MB, { headers: multipart })).status).not.toBe(413);
    expect((await sendBody("/admin/users/import", bodyLimits.userImport + 1, { headers: multipart })).status).toBe(413);
    // A cohort's roster import (2 MB like the user import) and a session's paper sign-in sheet (10 MB).
    const id = "00000000-0000-0000-0000-000000000000";
    expect((await sendBody(`/admin/cohorts/${id}`, 1.9 * MB, { headers: multipart })).status).not.toBe(413);
    expect((await sendBody(`/admin/cohorts/${id}`, bodyLimits.userImport + 1, { headers: multipart })).status).toBe(413);
    expect((await sendBody(`/admin/sessions/${id}`, 9 * MB, { headers: multipart })).status).not.toBe(413);
    expect((await sendBody(`/admin/sessions/${id}`, bodyLimits.sessionSheet + 1, { headers: multipart })).status).toBe(413);
    // Only the page itself: its exports and check-in screen keep the form limit.
    expect((await sendBody(`/admin/sessions/${id}/checkin`, 2 * MB, { headers: multipart })).status).toBe(413);
  });

  it("times out a body that trickles in (slow loris) and closes the connection", async () => {
    for (const chunked of [false, true]) {
      const started = Date.now();
      const result = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const headers: Record<string, string> = { Origin: base, "Content-Type": "application/x-www-form-urlencoded" };
        if (!chunked) headers["Content-Length"] = "1000";
        const req = httpRequest(`${base}/login`, { method: "POST", headers });
        req.on("response", (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (body += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("error", reject);
        req.write("identifier=1");
        const drip = setInterval(() => (req.destroyed ? clearInterval(drip) : req.write("3")), 100);
        req.on("close", () => clearInterval(drip));
      });
      expect(result.status).toBe(408);
      expect(result.body).toContain("上传时间过长");
      expect(Date.now() - started).toBeLessThan(10_000);
    }
  });

  it("sets the HTTP server's own header and request timeouts", () => {
    expect(server.headersTimeout).toBeLessThanOrEqual(30_000);
    expect(server.requestTimeout).toBeGreaterThan(0);
    expect(server.requestTimeout).toBeLessThanOrEqual(15 * 60_000);
  });
});

describe("forms and malformed posts", () => {
  it("reads an empty POST with no content type as an empty form, not a 500", async () => {
    const before = reached.length;
    const res = await fetch(`${base}/logout`, { method: "POST", headers: { Origin: base } });
    expect(res.status).toBe(200);
    expect(reached[before]!.fields).toEqual({});
  });

  it.each([
    ["application/json", '{"identifier":"x"}', 415],
    ["text/plain", "identifier=x", 415],
    ["application/octet-stream", "xxxx", 415],
    ["multipart/form-data", "--x--", 400],
  ])("answers %s with %i and a Chinese message, never reaching an action", async (type, body, status) => {
    const before = reached.length;
    const res = await fetch(`${base}/profile`, { method: "POST", headers: { Origin: base, "Content-Type": type }, body });
    expect(res.status).toBe(status);
    expect(await res.text()).toMatch(/[\u4e00-\u9fff]/);
    expect(reached.length).toBe(before);
  });

  it("answers an unparsable Referer with 403, never a stack trace", async () => {
    for (const referer of ["http://[oops", "::::", "http://%zz/"]) {
      const res = await fetch(`${base}/login`, { method: "POST", headers: { Referer: referer, "Content-Type": "application/x-www-form-urlencoded" }, body: "a=1" });
      expect(res.status).toBe(403);
      const text = await res.text();
      expect(text).toContain("跨站请求已被拒绝");
      expect(text).not.toMatch(/at .*\.(ts|js):\d+/);
    }
  });

  it("refuses posts from another origin and session-bearing posts with no origin at all", async () => {
    const foreign = await fetch(`${base}/login`, { method: "POST", headers: { Origin: "http://attacker.example", "Content-Type": "application/x-www-form-urlencoded" }, body: "a=1" });
    expect(foreign.status).toBe(403);
    const { id } = await app.signIn(["trainee"]);
    const cookie = (await startSession(id, {})).split(";")[0]!;
    const bare = await fetch(`${base}/profile`, { method: "POST", headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" }, body: "a=1" });
    expect(bare.status).toBe(403);
    const ours = await fetch(`${base}/profile`, { method: "POST", headers: { Cookie: cookie, Origin: base, "Content-Type": "application/x-www-form-urlencoded" }, body: "a=1" });
    expect(ours.status).toBe(200);
  });

  it("answers an error with a short apology and logs it, never showing the stack", async () => {
    const res = await fetch(`${base}/boom`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).toContain("抱歉");
    expect(text).not.toContain("exploded");
    expect(text).not.toContain(path.resolve("."));
    expect(logLines.some((l) => l.includes("request failed") && l.includes("exploded"))).toBe(true);
  });
});

describe("the origin Remix sees", () => {
  it("is APP_URL's, whatever Host or X-Forwarded-Host the request claims", async () => {
    const before = reached.length;
    const port = new URL(base).port;
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path: "/credentials/status/0", headers: { Host: "attacker.example", "X-Forwarded-Host": "evil.example" } }, (res) => {
        res.resume();
        res.on("end", resolve);
      });
      req.on("error", reject);
      req.end();
    });
    expect(new URL(reached[before]!.url).origin).toBe(base);
    expect(reached[before]!.url).toBe(`${base}/credentials/status/0`);
  });
});

describe("security headers", () => {
  const expectHardened = (res: Response) => {
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  };

  it("are on every kind of response: HTML, JSON, static files, refusals", async () => {
    for (const [url, init] of [
      ["/", {}],
      ["/healthz", {}],
      ["/favicon.svg", {}],
      ["/build/entry.js", {}],
      ["/login", { method: "POST", headers: { Origin: "http://attacker.example" } }],
      ["/login", { method: "POST", headers: { Origin: base, "Content-Type": "application/json" }, body: "{}" }],
    ] as const) {
      const res = await fetch(`${base}${url}`, init);
      expectHardened(res);
    }
  });

  it("give pages a script nonce of their own, and no 'unsafe-eval' or 'unsafe-inline' for scripts", async () => {
    const first = await fetch(`${base}/learn/campus/foundation/x`);
    const second = await fetch(`${base}/learn/campus/foundation/x`);
    const csp = first.headers.get("content-security-policy")!;
    const scriptSrc = csp.split(";").find((d) => d.trim().startsWith("script-src"))!;
    expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
    expect(scriptSrc).not.toContain("unsafe-eval");
    expect(scriptSrc).not.toContain("unsafe-inline");
    expect(second.headers.get("content-security-policy")).not.toBe(csp);
    const nonce = /'nonce-([^']+)'/.exec(scriptSrc)![1];
    expect(reached.some((r) => r.nonce === nonce)).toBe(true);
  });

  it("cut each nonce from fresh random bytes: 16 of them, never the same twice across refills of the pool", () => {
    const nonces = Array.from({ length: 2000 }, () => newNonce());
    expect(new Set(nonces).size).toBe(nonces.length);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
    // Not a counter or a pattern: the bytes spread over every value.
    const bytes = Buffer.concat(nonces.map((n) => Buffer.from(n, "base64")));
    expect(new Set(bytes).size).toBe(256);
  });

  it("keep /verify pages out of search engines and shared caches", async () => {
    for (const url of ["/verify", "/verify/BC-2026-AAAA-BBBB"]) {
      const res = await fetch(`${base}${url}`);
      expect(res.headers.get("x-robots-tag")).toContain("noindex");
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
  });
});

describe("compression", () => {
  /** The raw bytes on the wire, not what fetch decodes. */
  const raw = (pathname: string, acceptEncoding?: string) =>
    new Promise<{ encoding: string | undefined; bytes: number; vary: string | undefined }>((resolve, reject) => {
      const req = httpRequest(`${base}${pathname}`, { headers: acceptEncoding ? { "Accept-Encoding": acceptEncoding } : {}, agent: false }, (res) => {
        let bytes = 0;
        res.on("data", (c: Buffer) => (bytes += c.length));
        res.on("end", () => resolve({ encoding: res.headers["content-encoding"], bytes, vary: res.headers.vary }));
      });
      req.on("error", reject);
      req.end();
    });

  it("sends pages gzip- or br-encoded when the browser asks, and plain when it does not", async () => {
    const plain = await raw("/long");
    const gzip = await raw("/long", "gzip");
    const br = await raw("/long", "br, gzip");
    expect(plain.encoding).toBeUndefined();
    expect(gzip.encoding).toBe("gzip");
    expect(br.encoding).toBe("br");
    expect(gzip.vary).toContain("Accept-Encoding");
    expect(gzip.bytes).toBeLessThan(plain.bytes / 5);
    expect(br.bytes).toBeLessThan(plain.bytes / 5);
  });
});

describe("the request log", () => {
  it("never holds an invitation token or a token in the query", async () => {
    const token = "Zx9-SECRET-invite-token-abcdefghijklmnopqrstu";
    await fetch(`${base}/invite/${token}`);
    await fetch(`${base}/invite/${token}?_data=routes%2Finvite.%24token`);
    await fetch(`${base}/anything?token=${token}&page=2`);
    await fetch(`${base}/invite/${token}`, { method: "POST", headers: { Origin: "http://attacker.example" } });
    await new Promise((r) => setTimeout(r, 50));
    const logged = logLines.join("");
    expect(logged).toContain("/invite/[redacted]");
    expect(logged).toContain("page=2");
    expect(logged).not.toContain(token);
  });
});
