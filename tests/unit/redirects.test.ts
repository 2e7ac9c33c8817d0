import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "~/domain/redirects";

const origin = "https://lms.example.org";

describe("safeRedirectPath", () => {
  it.each([
    ["/learn", "/learn"],
    ["/admin/users?page=2#top", "/admin/users?page=2#top"],
    ["/tasks/abc/../def", "/tasks/def"],
    ["/%E4%B8%AD", "/%E4%B8%AD"],
  ])("keeps our own path %s", (target, expected) => {
    expect(safeRedirectPath(target, origin)).toBe(expected);
  });

  it.each([
    // What the form field holds after url-decoding `/%09/localhost:9999/phish`: a tab browsers drop.
    "/\t/localhost:9999/phish",
    "/\t/evil.example",
    "/\n/evil.example",
    "/learn\r\nSet-Cookie: x=1",
    "/\u0000/evil.example",
    "/\u007f/evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "https://lms.example.org.evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "",
    " /learn",
    "/" + "a".repeat(3000),
  ])("refuses %j", (target) => {
    expect(safeRedirectPath(target, origin)).toBeNull();
  });

  it("refuses what is not a string", () => {
    expect(safeRedirectPath(null, origin)).toBeNull();
    expect(safeRedirectPath(undefined, origin)).toBeNull();
    expect(safeRedirectPath(new Blob(["/learn"]), origin)).toBeNull();
  });
});
