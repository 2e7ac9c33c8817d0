import { sql } from "kysely";
import type { ChannelName } from "~/domain/channels";
import type { Db } from "./types";

// Verification of a person's phone number and e-mail address by a code (one row per person and
// channel). Verified only while the address is still the person's (app/models/deliveries.server.ts).

export async function saveVerificationCode(db: Db, input: { userId: string; channel: ChannelName; address: string; codeHash: string; expiresAt: Date }): Promise<void> {
  await db
    .insertInto("contact_verifications")
    .values({ user_id: input.userId, channel: input.channel, address: input.address, code_hash: input.codeHash, code_expires_at: input.expiresAt })
    .onConflict((oc) =>
      oc.columns(["user_id", "channel"]).doUpdateSet({
        address: input.address,
        code_hash: input.codeHash,
        code_expires_at: input.expiresAt,
        failed_attempts: 0,
        // A new address is unverified until its own code is typed.
        verified_at: sql`case when contact_verifications.address = ${input.address} then contact_verifications.verified_at else null end`,
      }),
    )
    .execute();
}

export async function getVerification(db: Db, userId: string, channel: ChannelName) {
  return db.selectFrom("contact_verifications").selectAll().where("user_id", "=", userId).where("channel", "=", channel).executeTakeFirst();
}

export async function verificationsOf(db: Db, userId: string) {
  return db.selectFrom("contact_verifications").select(["channel", "address", "verified_at", "code_expires_at"]).where("user_id", "=", userId).execute();
}

/** The code was right: verified, and the code spent. */
export async function markVerified(db: Db, userId: string, channel: ChannelName, now: Date): Promise<void> {
  await db.updateTable("contact_verifications").set({ verified_at: now, code_hash: null, code_expires_at: null, failed_attempts: 0 }).where("user_id", "=", userId).where("channel", "=", channel).execute();
}

export async function recordVerificationFailure(db: Db, userId: string, channel: ChannelName): Promise<void> {
  await db.updateTable("contact_verifications").set({ failed_attempts: sql`failed_attempts + 1` }).where("user_id", "=", userId).where("channel", "=", channel).execute();
}
