import { getConfig, sessionCookieSecure } from "~/config.server";
import { secondsToWait, signInThrottle, type SignInRefusal } from "~/domain/sign-in-throttle";
import type { MessageKey } from "~/i18n";
import { recordAudit } from "~/models/audit.server";
import type { Db } from "~/models/types";
import { liftSignInThrottle } from "~/rate-limit.server";

// Password throttling at the edges of sign-in: the known-device cookie, the words a refused
// person reads, and an administrator's unlock (docs/decisions/010-login-throttling.md).

const deviceCookieName = "bc_device";

/** The known-device id this browser sent, if any. */
export function readDeviceId(request: Request): string | null {
  const match = new RegExp(`(?:^|;\\s*)${deviceCookieName}=([A-Za-z0-9_-]{16,64})(?:;|$)`).exec(request.headers.get("Cookie") ?? "");
  return match?.[1] ?? null;
}

/** Set-Cookie for the known-device id: long-lived, never readable by scripts. */
export function deviceCookie(deviceId: string): string {
  const secure = sessionCookieSecure(getConfig()) ? "; Secure" : "";
  return `${deviceCookieName}=${deviceId}; Path=/; Max-Age=${signInThrottle.knownDeviceDays * 86_400}; HttpOnly; SameSite=Lax${secure}`;
}

/** What to tell someone whose attempt was not checked. */
export function refusalMessage(refusal: SignInRefusal, context: "login" | "currentPassword"): { key: MessageKey; params: Record<string, number> } {
  const seconds = secondsToWait(refusal.retryAfterMs);
  if (refusal.reason === "network") return { key: "login.error.network", params: { minutes: Math.ceil(seconds / 60) } };
  if (refusal.reason === "accountCeiling" && context === "login") return { key: "login.error.accountCeiling", params: {} };
  return { key: context === "login" ? "login.error.slowDown" : "password.error.slowDown", params: { seconds } };
}

/** An administrator lifts every sign-in limit of a user; audited. */
export async function liftSignInLimits(db: Db, input: { userId: string; adminId: string; ip: string | null }): Promise<void> {
  await liftSignInThrottle(input.userId);
  await recordAudit(db, { actorId: input.adminId, action: "user.sign_in_unlocked", targetType: "user", targetId: input.userId, ip: input.ip });
}
