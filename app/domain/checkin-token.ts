// The rotating check-in code (docs/decisions/023-cohorts-sessions-attendance.md). The screen shows a
// QR code of /checkin/<sessionId>?t=<window>.<signature>, where the window is the 20-second period
// the code was made in and the signature an HMAC over the session id and that window, keyed with
// the session's own secret (kept on the server). A code is accepted in its own window and the next
// one only, and only for its own session: a photo sent to a friend stops working within 40 s.
// The HMAC itself is passed in (`sign`), so this stays a pure rule.

export const checkinWindowMs = 20_000;

export type Sign = (message: string) => string;

export function windowOf(at: Date, windowMs = checkinWindowMs): number {
  return Math.floor(at.getTime() / windowMs);
}

export function tokenMessage(sessionId: string, window: number): string {
  return `checkin:${sessionId}:${window}`;
}

/** The code for the window `at` falls in. */
export function checkinToken(sessionId: string, at: Date, sign: Sign): string {
  const window = windowOf(at);
  return `${window}.${sign(tokenMessage(sessionId, window))}`;
}

/** Milliseconds until the code changes (the screen refreshes then). */
export function msUntilNextWindow(at: Date, windowMs = checkinWindowMs): number {
  return windowMs - (at.getTime() % windowMs);
}

/** Same length and same characters, compared without an early exit. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i += 1) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Whether a scanned code is good for this session now: signed for this session, made in the current
 * window or the one before. Anything else (expired, replayed later, another session's, tampered,
 * malformed) is the same "expired" answer.
 */
export function verifyCheckinToken(sessionId: string, token: string, now: Date, sign: Sign): boolean {
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{16,100})$/.exec(token);
  if (!match) return false;
  const window = Number(match[1]);
  const current = windowOf(now);
  if (window !== current && window !== current - 1) return false;
  return sameText(sign(tokenMessage(sessionId, window)), match[2]!);
}
