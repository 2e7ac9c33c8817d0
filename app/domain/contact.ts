// Login identifiers: mainland mobile numbers and e-mail addresses, normalised one way everywhere.
export function normalisePhone(input: string): string | null {
  const digits = input.replace(/[\s-]/g, "").replace(/^(\+86|0086)/, "");
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

export function normaliseEmail(input: string): string | null {
  const email = input.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) && email.length <= 254 ? email : null;
}

export type LoginIdentifier = { phone: string } | { email: string };

export function parseLoginIdentifier(input: string): LoginIdentifier | null {
  const trimmed = input.trim();
  if (trimmed.includes("@")) {
    const email = normaliseEmail(trimmed);
    return email ? { email } : null;
  }
  const phone = normalisePhone(trimmed);
  return phone ? { phone } : null;
}

/**
 * What is wrong with the contact a person gives on their profile: a typed number that is no mobile
 * number is a format problem, never "give a phone or an e-mail" (that is for an empty field only).
 */
export function profilePhoneProblem(phoneInput: string, email: string | null): "format" | "noContact" | null {
  if (phoneInput.trim()) return normalisePhone(phoneInput) ? null : "format";
  return email ? null : "noContact";
}
