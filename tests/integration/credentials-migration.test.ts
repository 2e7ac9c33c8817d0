import { randomBytes, sign } from "node:crypto";
import { Migrator, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkCredentialFor } from "~/services/certificate-document.server";
import { publishIssuerKey } from "~/services/credentials.server";
import { openDatabase, type DatabaseHandle } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { migrations } from "../../db/migrations/index";
import { admin } from "../support/database";
import { testIssuerKey } from "../support/issuer-key";
import { databaseUrlFor } from "../support/test-env";

// Migration 10 on a database that already holds certificates and a key made by the old code:
// existing certificates are numbered into the status list in issue order, and the private key
// leaves the database while its public half stays (what it signed must still verify).

const name = `baicheng_m_${randomBytes(6).toString("hex")}`;
let handle: DatabaseHandle;

beforeAll(async () => {
  await admin((c) => c.query(`create database "${name}"`));
  handle = await openDatabase({ databaseUrl: databaseUrlFor(name), dataDir: "data", poolSize: 2 });
});
afterAll(async () => {
  await handle?.db.destroy();
  await admin((c) => c.query(`drop database if exists "${name}" with (force)`));
});

describe("migration 2026-11-29-10-credentials", () => {
  it("numbers existing certificates in issue order and keeps only public keys", async () => {
    const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } });
    const before = await migrator.migrateTo("2026-11-29-09-exports");
    expect(before.error).toBeUndefined();

    const db = handle.db;
    const userId = await insertOldUser(db, "旧证书持有人", "13900000099");
    const issued = [
      { number: "BC-2026-0000-0002", tier: "practitioner", at: "2026-10-02T00:00:00Z" },
      { number: "BC-2026-0000-0001", tier: "foundation", at: "2026-10-01T00:00:00Z" },
      { number: "BC-2026-0000-0003", tier: "specialist", at: "2026-10-03T00:00:00Z" },
    ] as const;
    for (const c of issued) {
      await sql`insert into certificates (number, user_id, track, tier, name_on_certificate, issued_at)
        values (${c.number}, ${userId}, 'campus', ${c.tier}, '旧证书持有人', ${c.at})`.execute(db);
    }
    await sql`insert into signing_keys (kid, algorithm, public_jwk, private_pem)
      values ('baicheng-ed25519-1', 'EdDSA', '{"kty":"OKP","crv":"Ed25519","x":"abc"}', 'PRIVATE')`.execute(db);

    expect(await migrateToLatest(db)).toContain("2026-11-29-10-credentials");

    const rows = await db.selectFrom("certificates").select(["number", "status_number"]).orderBy("status_number").execute();
    expect(rows).toEqual([
      { number: "BC-2026-0000-0001", status_number: 0 },
      { number: "BC-2026-0000-0002", status_number: 1 },
      { number: "BC-2026-0000-0003", status_number: 2 },
    ]);
    // Since migration 2026-11-30-04 new places are drawn at random in the open list, around the old ones.
    const next = await sql<{ status_number: number }>`insert into certificates (number, user_id, track, tier, name_on_certificate)
      values ('BC-2026-0000-0004', ${userId}, 'campus', 'supervisor', '旧证书持有人') returning status_number`.execute(db);
    expect(next.rows[0]!.status_number).toBeGreaterThan(2);
    expect(next.rows[0]!.status_number).toBeLessThan(131_072);

    const keys = await sql<Record<string, unknown>>`select * from signing_keys`.execute(db);
    expect(keys.rows).toHaveLength(1);
    expect(keys.rows[0]).not.toHaveProperty("private_pem");
    expect(keys.rows[0]!.retired_at).toBeInstanceOf(Date);
  });
});

describe("migration 2026-11-30-04-credentials", () => {
  const name2 = `baicheng_m_${randomBytes(6).toString("hex")}`;
  let handle2: DatabaseHandle;
  beforeAll(async () => {
    await admin((c) => c.query(`create database "${name2}"`));
    handle2 = await openDatabase({ databaseUrl: databaseUrlFor(name2), dataDir: "data", poolSize: 2 });
  });
  afterAll(async () => {
    await handle2?.db.destroy();
    await admin((c) => c.query(`drop database if exists "${name2}" with (force)`));
  });

  it("keeps credentials signed before it verifying at their places, and moves old revocation reasons to the internal note", async () => {
    const db = handle2.db;
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    expect((await migrator.migrateTo("2026-11-29-12-status-list-index")).error).toBeUndefined();
    await publishIssuerKey(db, testIssuerKey);
    const userId = await insertOldUser(db, "旧凭证持有人", "13900000098");
    const origin = "http://localhost:3000";
    const numbers = ["BC-2026-0000-0011", "BC-2026-0000-0012", "BC-2026-0000-0013"];
    for (const [i, number] of numbers.entries()) {
      await sql`insert into certificates (number, user_id, track, tier, name_on_certificate, issued_at)
        values (${number}, ${userId}, 'campus', ${["foundation", "practitioner", "specialist"][i]}, '旧凭证持有人', ${`2026-10-0${i + 1}T00:00:00Z`})`.execute(db);
    }
    await sql`update certificates set status = 'revoked', revoked_at = now(), revoked_reason = '本人来电 13912345678 称抑郁症复发，申请撤销' where number = ${numbers[2]}`.execute(db);
    // A credential in the shape the code before this migration signed: bare kid, typ vc+jwt, no JWT claims.
    const legacy = {
      "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
      id: `${origin}/verify/${numbers[1]}`,
      type: ["VerifiableCredential", "OpenBadgeCredential"],
      name: "心理健康实务员",
      issuer: { id: `${origin}/`, type: ["Profile"], name: "心关爱·进百城 项目办公室", url: `${origin}/` },
      validFrom: "2026-10-02T00:00:00.000Z",
      credentialStatus: {
        id: `${origin}/credentials/status/0#1`,
        type: "BitstringStatusListEntry",
        statusPurpose: "revocation",
        statusListIndex: "1",
        statusListCredential: `${origin}/credentials/status/0`,
      },
      credentialSubject: { type: ["AchievementSubject"], name: "旧凭证持有人", achievement: { id: `${origin}/achievements/campus/practitioner` } },
    };
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const input = `${b64({ alg: "EdDSA", kid: testIssuerKey.kid, typ: "vc+jwt" })}.${b64(legacy)}`;
    const jws = `${input}.${sign(null, Buffer.from(input), testIssuerKey.privateKey).toString("base64url")}`;
    await sql`update certificates set credential = ${JSON.stringify({ credential: legacy, jws })}, rendered_at = now() where number = ${numbers[1]}`.execute(db);

    expect(await migrateToLatest(db)).toContain("2026-11-30-04-credentials");

    const rows = await db.selectFrom("certificates").select(["number", "status_number", "revoked_reason", "revoked_note"]).orderBy("number").execute();
    expect(rows.map((r) => r.status_number)).toEqual([0, 1, 2]);
    expect(rows[2]).toMatchObject({ revoked_reason: null, revoked_note: "本人来电 13912345678 称抑郁症复发，申请撤销" });
    expect(await db.selectFrom("credential_status_lists").selectAll().execute()).toEqual([{ list: 0, allocated: 3, capacity: 65_536 }]);
    // Not re-signed: the stored credential is the one signed before, and it still checks out.
    const stored = await db.selectFrom("certificates").select("credential").where("number", "=", numbers[1]!).executeTakeFirstOrThrow();
    expect((stored.credential as { jws: string }).jws).toBe(jws);
    expect(await checkCredentialFor(db, numbers[1]!, jws)).toMatchObject({ verdict: "ok" });
    await db.updateTable("certificates").set({ status: "revoked" }).where("number", "=", numbers[1]!).execute();
    expect(await checkCredentialFor(db, numbers[1]!, jws)).toMatchObject({ verdict: "revoked" });

    const fresh = await sql<{ status_number: number }>`insert into certificates (number, user_id, track, tier, name_on_certificate)
      values ('BC-2026-0000-0014', ${userId}, 'campus', 'supervisor', '旧凭证持有人') returning status_number`.execute(db);
    expect([0, 1, 2]).not.toContain(fresh.rows[0]!.status_number);
    expect(fresh.rows[0]!.status_number).toBeLessThan(131_072);
  });
});

/** A trainee as the schema of that day holds one: only the columns every version has (the app's insertUser writes today's). */
async function insertOldUser(db: DatabaseHandle["db"], name: string, phone: string): Promise<string> {
  const { id } = await db.insertInto("users").values({ name, phone, email: null, org_unit_id: null, track: "campus" }).returning("id").executeTakeFirstOrThrow();
  await db.insertInto("user_roles").values({ user_id: id, role: "trainee", granted_by: null }).execute();
  return id;
}
