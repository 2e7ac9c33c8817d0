// Request URLs as they may be logged: the secrets some of them carry are replaced.
const redacted = "[redacted]";

/** Path segments that follow one of these are credentials (the one-time invitation link). */
const secretAfter = new Set(["invite"]);

/** Query parameters that carry a credential, whatever the route. */
const secretParam = /token|secret|password|passwd|key|code|session|signature|jws/i;

/**
 * The URL (a path with its query, as `req.originalUrl`, or an absolute URL) with invitation
 * tokens and secret query values replaced, so that logs never hold a working credential.
 */
export function redactUrl(url: string): string {
  const queryAt = url.indexOf("?");
  const beforeQuery = queryAt < 0 ? url : url.slice(0, queryAt);
  const query = queryAt < 0 ? null : url.slice(queryAt + 1);
  const segments = beforeQuery.split("/");
  const path = segments.map((segment, i) => (i > 0 && secretAfter.has(segments[i - 1]!.toLowerCase()) && segment ? redacted : segment)).join("/");
  if (query === null) return path;
  const params = query.split("&").map((pair) => {
    const eq = pair.indexOf("=");
    const name = eq < 0 ? pair : pair.slice(0, eq);
    let decodedName = name;
    try {
      decodedName = decodeURIComponent(name.replace(/\+/g, " "));
    } catch {
      // A malformed escape is logged as it came.
    }
    return eq >= 0 && secretParam.test(decodedName) ? `${name}=${redacted}` : pair;
  });
  return `${path}?${params.join("&")}`;
}
