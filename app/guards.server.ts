import { redirect, type AppLoadContext } from "@remix-run/node";
import type { AuthState, AuthUser } from "./auth.server";
import { db } from "./db.server";
import { reachOf, type Reach } from "./domain/reach";
import { can, type Permission, type Role } from "./domain/roles";
import { logger } from "./logger.server";
import { recordAudit } from "./models/audit.server";

// server.ts validates the session once per request and hands the result to Remix here.
declare module "@remix-run/node" {
  interface AppLoadContext {
    auth: AuthState;
    ip: string | null;
  }
}

export function currentUser(context: AppLoadContext): AuthUser | null {
  return context.auth?.user ?? null;
}

/** The signed-in user, or a redirect to the login page that comes back here afterwards. */
export function requireUser(request: Request, context: AppLoadContext): AuthUser {
  const user = currentUser(context);
  if (!user) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return user;
}

export function requireRole(request: Request, context: AppLoadContext, role: Role): AuthUser {
  const user = requireUser(request, context);
  if (!user.roles.includes(role)) throw forbidden();
  return user;
}

export function requirePermission(request: Request, context: AppLoadContext, permission: Permission): AuthUser {
  const user = requireUser(request, context);
  if (!can(user.roles, permission)) throw forbidden();
  return user;
}

/** An admin with the subtree they may act in. */
export interface Steward extends AuthUser {
  reach: Reach;
}

/**
 * An admin page or action: the permission, and a reach. An admin who belongs to no unit reaches
 * nothing (there is no "no unit means everything"), so they are refused rather than shown all.
 */
export function requireReach(request: Request, context: AppLoadContext, permission: Permission): Steward {
  const user = requirePermission(request, context, permission);
  const reach = reachOf(user);
  if (!reach) throw forbidden("您的账号尚未归属任何单位，暂时无法使用管理功能。请联系上级管理员。");
  return { ...user, reach };
}

/** The reach of a signed-in user when they hold `permission` (admins), else null. */
export function reachFor(user: AuthUser, permission: Permission): Reach | null {
  return can(user.roles, permission) ? reachOf(user) : null;
}

/** A user as a grader: an admin carries their reach (work of their region), a mentor none. */
export function graderOf<U extends AuthUser>(user: U): U & { reach: Reach | null } {
  return { ...user, reach: user.roles.includes("admin") ? reachOf(user) : null };
}

export interface ReachAttempt {
  /** What was tried, e.g. "user.deactivate", "certificate.revoke". */
  attempted: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

/**
 * Writes the refused attempt to the audit log (on its own, outside any transaction that is being
 * rolled back) and answers as if the object did not exist, so other regions' ids cannot be probed.
 */
export async function refuseOutsideReach(context: AppLoadContext, attempt: ReachAttempt, message = "未找到，或不在您负责的范围内。"): Promise<never> {
  await auditRefusal(context, attempt);
  throw notFound(message);
}

/** The refusal's audit row, for answers other than a 404 (a message on the form). */
export async function auditRefusal(context: AppLoadContext, attempt: ReachAttempt): Promise<void> {
  const actor = currentUser(context);
  try {
    await recordAudit(db(), {
      actorId: actor?.id ?? null,
      action: "reach.refused",
      targetType: attempt.targetType,
      targetId: attempt.targetId,
      ip: context.ip,
      details: { attempted: attempt.attempted, ...attempt.details },
    });
  } catch (error) {
    logger.error({ err: error, attempt }, "could not audit a refused attempt");
  }
}

export function requireAnonymous(context: AppLoadContext, to = "/"): void {
  if (currentUser(context)) throw redirect(to);
}

export function forbidden(message = "您没有权限访问此页面。"): Response {
  return new Response(message, { status: 403 });
}

export function notFound(message = "Not found"): Response {
  return new Response(message, { status: 404 });
}
