// Where a form may send the browser afterwards: only to a path of our own site.

const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The same-origin path to redirect to, or null. The target is resolved against our origin and
 * must stay on it; control characters (a tab makes `/\t/evil.example` read as `//evil.example`)
 * and backslashes (read as slashes by browsers) are refused outright.
 */
export function safeRedirectPath(target: unknown, origin: string): string | null {
  if (typeof target !== "string" || !target.startsWith("/") || target.length > 2048) return null;
  if (controlCharacters.test(target) || target.includes("\\")) return null;
  let resolved: URL;
  try {
    resolved = new URL(target, origin);
  } catch {
    return null;
  }
  if (resolved.origin !== new URL(origin).origin) return null;
  const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  // A path that still begins with two slashes would be read as another host by the browser.
  return path.startsWith("//") ? null : path;
}
