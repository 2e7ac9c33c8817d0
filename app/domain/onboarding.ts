// Bulk onboarding (docs/decisions/014-onboarding.md): after an import, every new person gets a
// handout link; a link unused after 72 hours is expired and can be made again. Pure: the model
// reads the rows, the service writes the links.

/** How long a handout link (and any invitation link) stays usable. */
export const handoutLinkValidHours = 72;

/**
 * Where a person of an import stands:
 * - `signedUp`: has set a password, needs no link (and never gets a new one from here);
 * - `inactive`: deactivated, gets no link;
 * - `none`: no usable handout link yet (never made, or replaced by a link made elsewhere);
 * - `active`: an unused link that still works;
 * - `expired`: an unused link older than its 72 hours.
 */
export type HandoutState = "signedUp" | "inactive" | "none" | "active" | "expired";

export interface HandoutLink {
  expiresAt: Date;
  usedAt: Date | null;
  /** False once the link was replaced or used: its token is no longer kept. */
  readable: boolean;
}

export function handoutStateOf(person: { hasPassword: boolean; active: boolean; link: HandoutLink | null }, now: Date): HandoutState {
  if (person.hasPassword) return "signedUp";
  if (!person.active) return "inactive";
  const link = person.link;
  if (!link || link.usedAt || !link.readable) return "none";
  return link.expiresAt.getTime() <= now.getTime() ? "expired" : "active";
}

/** Who the "make links" action gives a new link: those without a working one. A live link is kept, so a printed sheet stays valid. */
export function needsNewLink(state: HandoutState): boolean {
  return state === "none" || state === "expired";
}

export type HandoutCounts = Record<HandoutState, number>;

export function countHandoutStates(states: readonly HandoutState[]): HandoutCounts {
  const counts: HandoutCounts = { signedUp: 0, inactive: 0, none: 0, active: 0, expired: 0 };
  for (const s of states) counts[s] += 1;
  return counts;
}

/** A phone as printed on a card: 138 0013 8000 reads better than 13800138000 when typed from paper. */
export function groupedPhone(phone: string | null): string {
  if (!phone) return "";
  const digits = phone.replace(/^\+86/, "");
  return /^1\d{10}$/.test(digits) ? `${digits.slice(0, 3)} ${digits.slice(3, 7)} ${digits.slice(7)}` : phone;
}
