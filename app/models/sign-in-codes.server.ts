import { sql } from "kysely";
import type { StoredSignInCode } from "~/domain/sign-in-codes";
import type { Db } from "./types";

// Sign-in codes (docs/decisions/028-sms-sign-in.md): one row per person and purpose, the code only
// as an HMAC, spent by an atomic update.

export type SignInCodePurpose = "login" | "invite";

/** The account a number belongs to, and its live login code if any, in one query. */
export async function findPhoneAccount(db: Db, phone: string, purpose: SignInCodePurpose) {
  const row = await db
    .selectFrom("users as u")
    .leftJoin("sign_in_codes as c", (j) => j.onRef("c.user_id", "=", "u.id").on("c.purpose", "=", purpose))
    .select([
      "u.id",
      "u.phone",
      "u.status",
      sql<boolean>`u.password_hash is not null`.as("hasPassword"),
      sql<boolean>`u.last_sign_in_at is not null`.as("hasSignedIn"),
      "c.phone as codePhone",
      "c.code_hash",
      "c.expires_at",
      "c.failed_attempts",
      "c.used_at",
      "c.access_token_id",
    ])
    .where("u.phone", "=", phone)
    .executeTakeFirst();
  return row ? { ...row, code: storedCode(row) } : undefined;
}

/** A person's live code of one purpose. */
export async function findSignInCode(db: Db, userId: string, purpose: SignInCodePurpose) {
  const row = await db
    .selectFrom("sign_in_codes as c")
    .select(["c.phone as codePhone", "c.code_hash", "c.expires_at", "c.failed_attempts", "c.used_at", "c.access_token_id"])
    .where("c.user_id", "=", userId)
    .where("c.purpose", "=", purpose)
    .executeTakeFirst();
  return row ? { code: storedCode(row), accessTokenId: row.access_token_id } : undefined;
}

function storedCode(row: {
  codePhone: string | null;
  code_hash: string | null;
  expires_at: Date | string | null;
  failed_attempts: number | null;
  used_at: Date | string | null;
}): StoredSignInCode | null {
  if (row.codePhone === null || row.expires_at === null) return null;
  return {
    phone: row.codePhone,
    codeHash: row.code_hash,
    expiresAt: new Date(row.expires_at),
    failedAttempts: row.failed_attempts ?? 0,
    usedAt: row.used_at ? new Date(row.used_at) : null,
  };
}

/** A new code replaces the person's earlier one of that purpose (used or not). */
export async function saveSignInCode(
  db: Db,
  input: { userId: string; purpose: SignInCodePurpose; phone: string; codeHash: string; expiresAt: Date; accessTokenId: string | null },
): Promise<void> {
  const values = { phone: input.phone, code_hash: input.codeHash, expires_at: input.expiresAt, access_token_id: input.accessTokenId, failed_attempts: 0, used_at: null, created_at: new Date() };
  await db
    .insertInto("sign_in_codes")
    .values({ user_id: input.userId, purpose: input.purpose, ...values })
    .onConflict((oc) => oc.columns(["user_id", "purpose"]).doUpdateSet(values))
    .execute();
}

/**
 * Spends the code whose hash was read and matched: of two uses at once only one gets true. The hash
 * goes with it, so the row can never match again.
 */
export async function spendSignInCode(db: Db, input: { userId: string; purpose: SignInCodePurpose; codeHash: string; now: Date }): Promise<boolean> {
  const row = await db
    .updateTable("sign_in_codes")
    .set({ used_at: input.now, code_hash: null })
    .where("user_id", "=", input.userId)
    .where("purpose", "=", input.purpose)
    .where("code_hash", "=", input.codeHash)
    .where("used_at", "is", null)
    .where("expires_at", ">", input.now)
    .returning("user_id")
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * A wrong code typed for this person, or for whoever has this number: by number, an unknown one
 * runs the same statement and changes nothing, so the answer takes as long.
 */
export async function recordWrongCode(db: Db, input: ({ userId: string } | { phone: string }) & { purpose: SignInCodePurpose }): Promise<void> {
  await db
    .updateTable("sign_in_codes")
    .set({ failed_attempts: sql`failed_attempts + 1` })
    .where("purpose", "=", input.purpose)
    .where("used_at", "is", null)
    .$if("userId" in input, (q) => q.where("user_id", "=", (input as { userId: string }).userId))
    .$if("phone" in input, (q) => q.where("user_id", "=", (eb) => eb.selectFrom("users").select("id").where("phone", "=", (input as { phone: string }).phone)))
    .execute();
}

/**
 * The person just proved they hold this number: it is verified for messages too (decision 024's
 * contact verification), replacing any half-done verification of another number.
 */
export async function markPhoneVerified(db: Db, input: { userId: string; phone: string; now: Date }): Promise<void> {
  const values = { address: input.phone, verified_at: input.now, code_hash: null, code_expires_at: null, failed_attempts: 0 };
  await db
    .insertInto("contact_verifications")
    .values({ user_id: input.userId, channel: "sms", ...values })
    .onConflict((oc) => oc.columns(["user_id", "channel"]).doUpdateSet(values))
    .execute();
}
