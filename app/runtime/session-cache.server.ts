import { singleton } from "~/utils/singleton.server";

// Sessions validated in the last few seconds, so a signed-in page does not look its session up in
// the database on every request (decision 022). Every way a session ends or its owner changes
// empties it in this process at once: sign-out, "everywhere", a password change and deactivation
// forget the sessions they end, and any state-changing request (a form post: role, unit, status,
// name) clears it all when it finishes. Other processes behind a load balancer catch up within
// `freshForMs`.

export interface RecentSession<U extends { id: string } = { id: string }> {
  user: U;
  /** When the session itself expires (ms since the epoch): never served past it. */
  expiresAt: number;
  /** When the session was made, for the absolute timeout. */
  createdAt: number | null;
  storedAt: number;
}

export class SessionCache<U extends { id: string } = { id: string }> {
  private readonly entries = new Map<string, RecentSession<U>>();
  constructor(
    readonly freshForMs = 5_000,
    readonly maxEntries = 10_000,
  ) {}

  get(sessionId: string, now = Date.now()): RecentSession<U> | undefined {
    const entry = this.entries.get(sessionId);
    if (!entry) return undefined;
    if (now - entry.storedAt < this.freshForMs && now < entry.expiresAt) return entry;
    this.entries.delete(sessionId);
    return undefined;
  }

  set(sessionId: string, entry: RecentSession<U>): void {
    // Oldest first out: many sessions at once cannot grow memory without bound.
    this.entries.delete(sessionId);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(sessionId, entry);
  }

  forget(sessionId: string): void {
    this.entries.delete(sessionId);
  }

  /** Every remembered session of this user (all their devices). */
  forgetUser(userId: string): void {
    for (const [id, entry] of this.entries) if (entry.user.id === userId) this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

// One per process: the edge (server bundle) reads it, routes (Remix build) end sessions.
export const recentSessions = singleton("recent-sessions", () => new SessionCache());
