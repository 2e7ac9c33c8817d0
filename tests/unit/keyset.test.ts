import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, firstPageSearch, pageOf, pageSearch, readPageRequest, type CursorKind, type PageRequest } from "~/domain/keyset";

const shape: CursorKind[] = ["timestamp", "uuid"];
const id = "0b3c2c4e-8f0a-4b7e-9c1d-2e3f4a5b6c7d";

describe("cursor encoding", () => {
  it("round-trips a key, microseconds and non-ASCII text included", () => {
    const key = ["2026-11-30 06:02:01.369496+00", id];
    expect(decodeCursor(encodeCursor(key), shape)).toEqual(key);
    expect(decodeCursor(encodeCursor(["王敏", 42]), ["text", "int"])).toEqual(["王敏", 42]);
  });

  it.each([
    ["empty", ""],
    ["not base64url", "a+b/c="],
    ["not JSON", Buffer.from("{oops").toString("base64url")],
    ["not an array", Buffer.from('{"a":1}').toString("base64url")],
    ["wrong length", encodeCursor([id])],
    ["wrong kind", encodeCursor([id, "2026-11-30 06:02:01+00"])],
    ["an impossible date", encodeCursor(["2026-13-45 06:02:01+00", id])],
    ["31 February", encodeCursor(["2026-02-31T00:00:00.000000Z", id])],
    ["25 o'clock", encodeCursor(["2026-02-03 25:00:00+08", id])],
    ["SQL in a uuid", encodeCursor(["2026-11-30 06:02:01+00", "x' or 1=1 --"])],
    ["too long", "A".repeat(601)],
  ])("refuses %s", (_what, raw) => {
    expect(decodeCursor(raw, shape)).toBeNull();
  });

  it("refuses a fractional or unsafe integer and an overlong text", () => {
    expect(decodeCursor(encodeCursor([1.5]), ["int"])).toBeNull();
    expect(decodeCursor(encodeCursor([2 ** 60]), ["int"])).toBeNull();
    expect(decodeCursor(encodeCursor(["x".repeat(201)]), ["text"])).toBeNull();
  });
});

describe("readPageRequest", () => {
  it("reads the first page, a page after and a page before", () => {
    const cursor = encodeCursor(["2026-11-30T06:02:01.369Z", id]);
    expect(readPageRequest(new URLSearchParams(""), shape)).toEqual({ direction: "first", size: 50 });
    expect(readPageRequest(new URLSearchParams({ after: cursor }), shape, { size: 25 })).toEqual({ direction: "after", key: ["2026-11-30T06:02:01.369Z", id], size: 25 });
    expect(readPageRequest(new URLSearchParams({ cbefore: cursor }), shape, { prefix: "c" })?.direction).toBe("before");
  });

  it("answers null (a 400) for a malformed cursor or both at once", () => {
    const cursor = encodeCursor(["2026-11-30T06:02:01.369Z", id]);
    expect(readPageRequest(new URLSearchParams({ after: "garbage" }), shape)).toBeNull();
    expect(readPageRequest(new URLSearchParams({ after: cursor, before: cursor }), shape)).toBeNull();
  });
});

describe("pageOf", () => {
  // A list of 7 rows sorted by n, read 3 at a time: the model fetches size + 1 rows past the cursor.
  const all = [1, 2, 3, 4, 5, 6, 7].map((n) => ({ n }));
  const keyOf = (r: { n: number }) => [r.n];
  const fetch = (request: PageRequest) => {
    if (request.direction === "first") return all.slice(0, request.size + 1);
    const k = request.key[0] as number;
    return request.direction === "after"
      ? all.filter((r) => r.n > k).slice(0, request.size + 1)
      : all.filter((r) => r.n < k).reverse().slice(0, request.size + 1);
  };
  const read = (request: PageRequest) => pageOf(fetch(request), request, keyOf);
  const cursorKey = (cursor: string | null) => (cursor ? decodeCursor(cursor, ["int"]) : null);

  it("walks forward to the end and back to the start, each row once", () => {
    const first = read({ direction: "first", size: 3 });
    expect(first.rows.map((r) => r.n)).toEqual([1, 2, 3]);
    expect(first.prev).toBeNull();
    const second = read({ direction: "after", key: cursorKey(first.next)!, size: 3 });
    expect(second.rows.map((r) => r.n)).toEqual([4, 5, 6]);
    const third = read({ direction: "after", key: cursorKey(second.next)!, size: 3 });
    expect(third.rows.map((r) => r.n)).toEqual([7]);
    expect(third.next).toBeNull();
    const back = read({ direction: "before", key: cursorKey(third.prev)!, size: 3 });
    expect(back.rows.map((r) => r.n)).toEqual([4, 5, 6]);
    expect(back.next).not.toBeNull();
    const start = read({ direction: "before", key: cursorKey(back.prev)!, size: 3 });
    expect(start.rows.map((r) => r.n)).toEqual([1, 2, 3]);
    expect(start.prev).toBeNull();
  });

  it("has neither link when everything fits on one page, and an empty page has no links", () => {
    const one = read({ direction: "first", size: 10 });
    expect(one.rows).toHaveLength(7);
    expect([one.next, one.prev]).toEqual([null, null]);
    const none = pageOf([], { direction: "first", size: 10 }, keyOf);
    expect(none).toEqual({ rows: [], next: null, prev: null });
  });
});

describe("page links", () => {
  it("keep the filters and replace the list's own cursor", () => {
    expect(pageSearch("q=王&status=issued&before=old", "next", "abc")).toBe(`?q=${encodeURIComponent("王")}&status=issued&after=abc`);
    expect(pageSearch("cafter=x&after=keep", "prev", "abc", "c")).toBe("?after=keep&cbefore=abc");
    expect(firstPageSearch("q=x&after=abc")).toBe("?q=x");
    expect(firstPageSearch("after=abc")).toBe("");
  });
});
