import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConfig } from "~/config.server";
import { statusPosition } from "~/domain/status-list";
import { action as userAction } from "~/routes/admin.users.$userId";
import { loader as statusListLoader } from "~/routes/credentials.status.$list";
import { loader as verifyLoader } from "~/routes/verify.$code";
import { certificateNumber, publicOrigin, renderAndStoreCertificate } from "~/services/certificate-document.server";
import { LocalDiskStorage, registerStorage } from "~/services/storage.server";
import { createTestApp, makeRequest, responseOf } from "../support/app";

// Every absolute URL comes from APP_URL: a forged Host header (which becomes request.url's origin
// behind a proxy that passes it on) changes none of them.

let app: Awaited<ReturnType<typeof createTestApp>>;
let root: string;
const forged = "http://attacker.example";

beforeAll(async () => {
  app = await createTestApp();
  root = mkdtempSync(path.join(tmpdir(), "baicheng-origin-"));
  registerStorage(new LocalDiskStorage(root));
});
afterAll(async () => {
  registerStorage(null);
  rmSync(root, { recursive: true, force: true });
  await app?.close();
});

function forgedRequest(pathname: string) {
  return new Request(`${forged}${pathname}`, { headers: { Host: "attacker.example" } });
}

describe("publicOrigin", () => {
  it("is APP_URL's origin, whatever request it is handed", () => {
    expect(publicOrigin()).toBe(getConfig().APP_URL);
    expect(publicOrigin(forgedRequest("/"))).toBe(getConfig().APP_URL);
  });
});

describe("a forged Host header", () => {
  it("does not change the status list's issuer or id", async () => {
    const holder = await app.signIn(["trainee"], { name: "周敏" });
    const cert = await app.db
      .insertInto("certificates")
      .values({ number: certificateNumber(), user_id: holder.id, track: "campus", tier: "foundation", name_on_certificate: "周敏" })
      .returning(["id", "number", "status_number"])
      .executeTakeFirstOrThrow();
    await renderAndStoreCertificate(app.db, cert.id, publicOrigin());
    const list = String(statusPosition(Number(cert.status_number)).list);
    const res = await responseOf(() => statusListLoader({ request: forgedRequest(`/credentials/status/${list}`), context: app.anonymous(), params: { list } }));
    expect(res.status).toBe(200);
    const payload = decodeJwt(await res.text()) as { iss?: string; id?: string; issuer?: { id: string }; vc?: { issuer?: { id: string } } };
    const text = JSON.stringify(payload);
    expect(text).not.toContain("attacker.example");
    expect(text).toContain(getConfig().APP_URL);

    const page = await responseOf(() => verifyLoader({ request: forgedRequest(`/verify/${cert.number}`), context: app.anonymous(), params: { code: cert.number } }));
    const view = await page.json();
    expect(view.kind).toBe("found");
    expect(view.jwksUrl).toBe(`${getConfig().APP_URL}/.well-known/jwks.json`);
  });

  it("does not change the invitation link an administrator hands out", async () => {
    const admin = await app.signIn(["admin"]);
    const { id } = await app.signIn(["trainee"]);
    const request = new Request(`${forged}/admin/users/${id}`, { method: "POST", body: new URLSearchParams({ intent: "link" }), headers: { Host: "attacker.example" } });
    const res = await responseOf(() => userAction({ request, context: admin.context, params: { userId: id } }));
    const body = await res.json();
    expect(new URL(body.url).origin).toBe(getConfig().APP_URL);
  });
});
