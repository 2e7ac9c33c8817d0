import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectAccessToken } from "~/models/access-tokens.server";
import { createFirstAdmin, FirstAdminError } from "../../db/first-admin";
import { createTestApp } from "../support/app";

// Production seeds no demo accounts: the first administrator comes from this bootstrap, with a link.
let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

describe("createFirstAdmin", () => {
  it("refuses a name of invisible characters and a contact that is neither phone nor e-mail", async () => {
    await expect(createFirstAdmin(app.db, { name: "\u200b", contact: "13800000000", origin: "https://lms.example.org" })).rejects.toThrow(FirstAdminError);
    await expect(createFirstAdmin(app.db, { name: "王敏", contact: "nobody", origin: "https://lms.example.org" })).rejects.toThrow(/--contact/);
  });

  it("creates a programme-wide administrator with a one-time link on APP_URL, once", async () => {
    const { userId, link } = await createFirstAdmin(app.db, { name: "王敏", contact: "admin@lms.example.org", origin: "https://lms.example.org" });
    expect(link).toMatch(/^https:\/\/lms\.example\.org\/invite\/[A-Za-z0-9_-]{43}$/);
    const state = await inspectAccessToken(app.db, link.split("/").pop()!);
    expect(state).toMatchObject({ state: "valid", userId, purpose: "invite" });
    const roles = await app.db.selectFrom("user_roles").select("role").where("user_id", "=", userId).execute();
    expect(roles.map((r) => r.role)).toEqual(["admin"]);
    await expect(createFirstAdmin(app.db, { name: "另一人", contact: "13800000009", origin: "https://lms.example.org" })).rejects.toThrow(/exists already/);
  });
});
