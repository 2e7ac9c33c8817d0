import { normaliseEmail, normalisePhone } from "./contact";
import { isRole, type Role } from "./roles";
import { cleanPersonName, type NameProblem } from "./text-hygiene";

// Validation of the user form (admin create/edit, profile): values to keep and errors by field.
export interface UserFormValues {
  name: string;
  phone: string;
  email: string;
  orgUnitId: string;
  track: string;
  roles: string[];
}

export type UserFormError =
  | "form.error.name"
  | NameErrorKey
  | "form.error.phone"
  | "form.error.email"
  | "form.error.contact"
  | "users.error.roles"
  | "users.error.org";

export interface ParsedUser {
  name: string;
  phone: string | null;
  email: string | null;
  orgUnitId: string | null;
  track: "campus" | "community" | null;
  roles: Role[];
}

export type NameErrorKey = "form.error.name" | "name.error.invisible" | "name.error.controlCharacters";

/** The message for a refused name: empty or too long, nothing visible, or invisible control characters. */
export function nameErrorKey(problem: NameProblem): NameErrorKey {
  if (problem === "invisible") return "name.error.invisible";
  if (problem === "controlCharacters") return "name.error.controlCharacters";
  return "form.error.name";
}

/** The person form's fields as posted (parsed by the action's schema, or read from a FormData). */
export type UserFormFields = Omit<UserFormValues, "roles"> & { roles: string[] };

export function readUserForm(source: FormData | UserFormFields): UserFormValues {
  const get = (k: Exclude<keyof UserFormValues, "roles">) => (source instanceof FormData ? String(source.get(k) ?? "") : source[k]).trim();
  return {
    name: get("name").slice(0, 200),
    phone: get("phone").slice(0, 40),
    email: get("email").slice(0, 300),
    orgUnitId: get("orgUnitId"),
    track: get("track"),
    roles: source instanceof FormData ? source.getAll("roles").map(String) : source.roles,
  };
}

export function validateUserForm(
  v: UserFormValues,
  options: { requireRoles: boolean; requireOrg: boolean },
): { ok: true; user: ParsedUser } | { ok: false; errors: Partial<Record<keyof UserFormValues, UserFormError>> } {
  const errors: Partial<Record<keyof UserFormValues, UserFormError>> = {};
  const name = cleanPersonName(v.name);
  if (!name.ok) errors.name = nameErrorKey(name.problem);
  const phone = v.phone ? normalisePhone(v.phone) : null;
  const email = v.email ? normaliseEmail(v.email) : null;
  if (v.phone && !phone) errors.phone = "form.error.phone";
  if (v.email && !email) errors.email = "form.error.email";
  if (!v.phone && !v.email) errors.phone = "form.error.contact";
  const roles = v.roles.filter(isRole);
  if (options.requireRoles && (roles.length === 0 || roles.length !== v.roles.length)) errors.roles = "users.error.roles";
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  if ((options.requireOrg || v.orgUnitId) && !uuid.test(v.orgUnitId)) errors.orgUnitId = "users.error.org";
  const track = v.track === "campus" || v.track === "community" ? v.track : null;
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, user: { name: name.ok ? name.name : v.name, phone, email, orgUnitId: v.orgUnitId || null, track, roles } };
}
