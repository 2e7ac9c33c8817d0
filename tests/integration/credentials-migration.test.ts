import { randomBytes } from "node:crypto";
import { Migrator, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertUser } from "~/models/users.server";
import { openDatabase, type DatabaseHandle } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { migrations } from "../../db/migrations/index";
import { admin } from "../support/database";
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
    const userId = await insertUser(db, { name: "旧证书持有人", phone: "13900000099", email: null, orgUnitId: null, track: "campus" }, ["trainee"], null);
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
    const next = await sql<{ status_number: number }>`insert into certificates (number, user_id, track, tier, name_on_certificate)
      values ('BC-2026-0000-0004', ${userId}, 'campus', 'supervisor', '旧证书持有人') returning status_number`.execute(db);
    expect(next.rows[0]!.status_number).toBe(3);

    const keys = await sql<Record<string, unknown>>`select * from signing_keys`.execute(db);
    expect(keys.rows).toHaveLength(1);
    expect(keys.rows[0]).not.toHaveProperty("private_pem");
    expect(keys.rows[0]!.retired_at).toBeInstanceOf(Date);
  });
});
