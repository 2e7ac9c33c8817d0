// Sessions: the only module that imports lucia (deprecated upstream; keep it contained).
import { Lucia, TimeSpan, type Adapter } from "lucia";
import { getConfig, sessionCookieSecure } from "./config.server";
import { db } from "./db.server";
import type { Role } from "./domain/roles";
import {
  deleteExpiredSessions,
  deleteSession,
  deleteUserSessions,
  findSessionAndOwner,
  insertSession,
  listUserSessions,
  updateSessionExpiry,
} from "./models/sessions.server";
import { recordSignIn } from "./models/users.server";
import { recentSessions, type SessionCache } from "./runtime/session-cache.server";

/** Idle timeout (sliding) and absolute timeout: see docs/decisions/002-sessions.md. */
export const sessionIdleDays = 3;
export const sessionAbsoluteDays = 30;

interface SessionAttributes {
  createdAt?: Date;
  ip?: string | null;
  userAgent?: string | null;
}
interface UserAttributes {
  name: string;
  status: "active" | "deactivated";
  roles: string[];
  orgUnitId: string | null;
  orgPath: string | null;
}

const adapter: Adapter = {
  async getSessionAndUser(sessionId) {
    const [session, owner] = await findSessionAndOwner(db(), sessionId);
    return [
      session && { id: session.id, userId: session.userId, expiresAt: session.expiresAt, attributes: { createdAt: session.createdAt } },
      owner && {
        id: owner.id,
        attributes: { name: owner.name, status: owner.status, roles: owner.roles, orgUnitId: owner.orgUnitId, orgPath: owner.orgPath },
      },
    ];
  },
  async getUserSessions(userId) {
    const sessions = await listUserSessions(db(), userId);
    return sessions.map((s) => ({ id: s.id, userId: s.userId, expiresAt: s.expiresAt, attributes: { createdAt: s.createdAt } }));
  },
  async setSession(session) {
    await insertSession(db(), {
      id: session.id,
      userId: session.userId,
      expiresAt: session.expiresAt,
      ip: session.attributes.ip,
      userAgent: session.attributes.userAgent,
    });
  },
  updateSessionExpiration: (sessionId, expiresAt) => updateSessionExpiry(db(), sessionId, expiresAt),
  deleteSession: (sessionId) => deleteSession(db(), sessionId),
  deleteUserSessions: (userId) => deleteUserSessions(db(), userId),
  deleteExpiredSessions: () => deleteExpiredSessions(db()),
};

function cookieSecure(): boolean {
  return sessionCookieSecure(getConfig());
}

function createLucia() {
  return new Lucia(adapter, {
    sessionExpiresIn: new TimeSpan(sessionIdleDays, "d"),
    sessionCookie: { name: "bc_session", attributes: { secure: cookieSecure(), sameSite: "lax" } },
    getSessionAttributes: (attributes) => ({ createdAt: attributes.createdAt }),
    getUserAttributes: (attributes) => attributes,
  });
}

// Created on first use, after the configuration has been validated.
let instance: ReturnType<typeof createLucia> | undefined;
function auth() {
  instance ??= createLucia();
  return instance;
}

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    DatabaseSessionAttributes: SessionAttributes;
    DatabaseUserAttributes: UserAttributes;
  }
}

export interface AuthUser {
  id: string;
  name: string;
  roles: Role[];
  /** The unit the user belongs to, and its path: an admin acts only inside that subtree. */
  orgUnitId: string | null;
  orgPath: string | null;
}

export interface AuthState {
  user: AuthUser | null;
  sessionId: string | null;
}

/**
 * Validates the session cookie once per request. Returns who is signed in and, when the
 * session was extended or has ended, the Set-Cookie header to send.
 */
export async function authenticate(cookieHeader: string | undefined): Promise<{ auth: AuthState; setCookie?: string }> {
  const sessionId = auth().readSessionCookie(cookieHeader ?? "");
  if (!sessionId) return { auth: { user: null, sessionId: null } };
  // Validated a moment ago in this process, and nothing has changed since (decision 022).
  const recent = sessions().get(sessionId);
  if (recent && !(recent.createdAt !== null && Date.now() - recent.createdAt > sessionAbsoluteDays * 86400_000)) {
    return { auth: { user: recent.user, sessionId } };
  }
  // When a remembered session runs out, every request of that person in flight would look it up at
  // once (a phone's page and its assets, a reload): one look-up answers them all.
  const pending = validating.get(sessionId);
  if (pending) return pending;
  const lookUp = validateSessionCookie(sessionId).finally(() => validating.delete(sessionId));
  validating.set(sessionId, lookUp);
  return lookUp;
}

const validating = new Map<string, Promise<{ auth: AuthState; setCookie?: string }>>();

async function validateSessionCookie(sessionId: string): Promise<{ auth: AuthState; setCookie?: string }> {
  const { session, user } = await auth().validateSession(sessionId);
  const blank = auth().createBlankSessionCookie().serialize();
  if (!session || !user) return { auth: { user: null, sessionId: null }, setCookie: blank };
  const tooOld = session.createdAt && Date.now() - new Date(session.createdAt).getTime() > sessionAbsoluteDays * 86400_000;
  if (tooOld || user.status !== "active") {
    await auth().invalidateSession(session.id);
    return { auth: { user: null, sessionId: null }, setCookie: blank };
  }
  const signedIn: AuthUser = { id: user.id, name: user.name, roles: user.roles as Role[], orgUnitId: user.orgUnitId, orgPath: user.orgPath };
  sessions().set(session.id, {
    user: signedIn,
    expiresAt: session.expiresAt.getTime(),
    createdAt: session.createdAt ? new Date(session.createdAt).getTime() : null,
    storedAt: Date.now(),
  });
  return {
    auth: {
      user: signedIn,
      sessionId: session.id,
    },
    setCookie: session.fresh ? auth().createSessionCookie(session.id).serialize() : undefined,
  };
}

/** Starts a new session (always a new id) and returns its Set-Cookie header. */
export async function startSession(userId: string, meta: { ip?: string | null; userAgent?: string | null }): Promise<string> {
  const session = await auth().createSession(userId, { ip: meta.ip ?? null, userAgent: meta.userAgent ?? null });
  await recordSignIn(db(), userId);
  return auth().createSessionCookie(session.id).serialize();
}

const sessions = () => recentSessions as SessionCache<AuthUser>;

/** After a request that may have changed who someone is (roles, unit, status, name): validate afresh. */
export function forgetRecentSessions(): void {
  sessions().clear();
}

export async function endSession(sessionId: string): Promise<string> {
  sessions().forget(sessionId);
  await auth().invalidateSession(sessionId);
  sessions().forget(sessionId);
  return auth().createBlankSessionCookie().serialize();
}

/** Ends every session of the user (deactivation, "log out of all devices"). */
export async function endAllSessions(userId: string): Promise<void> {
  await auth().invalidateUserSessions(userId);
  sessions().forgetUser(userId);
}

/** Ends the user's other sessions, keeping the current one (after a password change). */
export async function endOtherSessions(userId: string, keepSessionId: string): Promise<void> {
  await deleteUserSessions(db(), userId, keepSessionId);
  sessions().forgetUser(userId);
}
