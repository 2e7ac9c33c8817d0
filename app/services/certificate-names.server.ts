import type { EligibilityKey } from "~/models/eligibility.server";
import { currentNames } from "~/models/certificates.server";
import type { Db } from "~/models/types";
import { unprintableCharacters } from "./certificate-fonts.server";

// Before a batch is issued: whose name holds a character no certificate font can print. Such a
// person is held back until the name is corrected or an admin confirms the name as it is.

export const eligibilityKeyOf = (c: EligibilityKey) => `${c.userId}|${c.track}|${c.tier}`;

export interface HeldBack extends EligibilityKey {
  name: string;
  /** The characters that would print as boxes. */
  chars: string[];
}

export async function screenNamesForPrinting(
  db: Db,
  candidates: EligibilityKey[],
  confirmed: ReadonlySet<string>,
): Promise<{ accepted: EligibilityKey[]; heldBack: HeldBack[] }> {
  const names = await currentNames(db, candidates.map((c) => c.userId));
  const accepted: EligibilityKey[] = [];
  const heldBack: HeldBack[] = [];
  for (const candidate of candidates) {
    const name = names.get(candidate.userId) ?? "";
    const chars = await unprintableCharacters(name);
    if (chars.length > 0 && !confirmed.has(eligibilityKeyOf(candidate))) heldBack.push({ ...candidate, name, chars });
    else accepted.push(candidate);
  }
  return { accepted, heldBack };
}
