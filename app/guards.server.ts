import { redirect, type AppLoadContext } from "@remix-run/node";
import type { AuthState, AuthUser } from "./auth.server";
import { can, type Permission, type Role } from "./domain/roles";

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

export function requireAnonymous(context: AppLoadContext, to = "/"): void {
  if (currentUser(context)) throw redirect(to);
}

export function forbidden(message = "您没有权限访问此页面。"): Response {
  return new Response(message, { status: 403 });
}

export function notFound(message = "Not found"): Response {
  return new Response(message, { status: 404 });
}
