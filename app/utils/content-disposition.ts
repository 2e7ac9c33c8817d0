// The Content-Disposition of a stored file served back (evidence, sign-in sheets).

/** RFC 5987 value: encodeURIComponent leaves ' ( ) * unescaped, which the header grammar forbids. */
function encodeHeaderValue(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function contentDisposition(type: "inline" | "attachment", name: string, asciiStem = "evidence"): string {
  const dot = name.lastIndexOf(".");
  // Older clients read the plain filename; it must stay ASCII, so it gets a neutral stand-in.
  const asciiFallback = `${asciiStem}${dot > 0 ? name.slice(dot).replace(/[^A-Za-z0-9.]/g, "") : ""}`;
  return `${type}; filename="${asciiFallback}"; filename*=UTF-8''${encodeHeaderValue(name)}`;
}
