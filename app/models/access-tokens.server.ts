import { createHash, randomBytes } from "node:crypto";
import type { Db } from "./types";

// One-time links for invitations and password resets: 256-bit random tokens, only their hash stored.
export type TokenPurpose = "invite" | "reset";

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export async function issueAccessToken(
  db: Db,
  input: { userId: string; purpose: TokenPurpose; createdBy: string | null; validHours: number; handoutFor?: string },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + input.validHours * 3600_000);
  // A new link replaces any unused one of the same purpose.
  await db
    .updateTable("access_tokens")
    .set({ used_at: new Date(), handout_token: null })
    .where("user_id", "=", input.userId)
    .where("purpose", "=", input.purpose)
    .where("used_at", "is", null)
    .execute();
  await db
    .insertInto("access_tokens")
    .values({
      user_id: input.userId,
      purpose: input.purpose,
      token_hash: hashToken(token),
      expires_at: expiresAt,
      created_by: input.createdBy,
      // A handout link (bulk onboarding) keeps its token until it is used, for the list and the printed sheet.
      ...(input.handoutFor && { user_import_id: input.handoutFor, handout_token: token }),
    })
    .execute();
  return { token, expiresAt };
}

export type TokenState = { state: "valid"; tokenId: string; userId: string; purpose: TokenPurpose; userName: string } | { state: "expired" | "used" | "unknown" };

export async function inspectAccessToken(db: Db, token: string): Promise<TokenState> {
  const row = await db
    .selectFrom("access_tokens as t")
    .innerJoin("users as u", "u.id", "t.user_id")
    .select(["t.id", "t.user_id", "t.purpose", "t.expires_at", "t.used_at", "u.name", "u.status"])
    .where("t.token_hash", "=", hashToken(token))
    .executeTakeFirst();
  if (!row || row.status !== "active") return { state: "unknown" };
  if (row.used_at) return { state: "used" };
  if (new Date(row.expires_at) <= new Date()) return { state: "expired" };
  return { state: "valid", tokenId: row.id, userId: row.user_id, purpose: row.purpose, userName: row.name };
}

/** Marks the token used, atomically: of two concurrent uses only one gets the user id. */
export async function consumeAccessToken(db: Db, token: string): Promise<{ userId: string; purpose: TokenPurpose } | null> {
  const row = await db
    .updateTable("access_tokens")
    .set({ used_at: new Date(), handout_token: null })
    .where("token_hash", "=", hashToken(token))
    .where("used_at", "is", null)
    .where("expires_at", ">", new Date())
    .returning(["user_id", "purpose"])
    .executeTakeFirst();
  return row ? { userId: row.user_id, purpose: row.purpose } : null;
}
