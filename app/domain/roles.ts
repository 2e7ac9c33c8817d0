// Who may do what: the one map from roles to permissions, used by every guard.
export const roles = ["trainee", "mentor", "admin"] as const;
export type Role = (typeof roles)[number];

export const permissions = {
  "learn": ["trainee", "mentor", "admin"],
  "content.preview": ["mentor", "admin"],
  "grade": ["mentor", "admin"],
  "users.manage": ["admin"],
  "orgs.manage": ["admin"],
  "audit.view": ["admin"],
  "certificates.manage": ["admin"],
  "outcomes.view": ["admin"],
  "assignments.manage": ["admin"],
  "deliveries.manage": ["admin"],
  "reminders.manage": ["admin"],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof permissions;

export function can(userRoles: readonly Role[], permission: Permission): boolean {
  const allowed: readonly Role[] = permissions[permission];
  return userRoles.some((r) => allowed.includes(r));
}

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

/** Where a user lands after signing in: the page for their most capable role. */
export function homePathFor(userRoles: readonly Role[]): string {
  if (userRoles.includes("admin")) return "/admin";
  if (userRoles.includes("mentor")) return "/mentor";
  return "/learn";
}
