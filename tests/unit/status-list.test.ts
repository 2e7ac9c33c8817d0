import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeStatusList, encodeStatusList, statusBit, statusListSize, statusPosition } from "~/domain/status-list";

describe("bitstring status list", () => {
  it("places running numbers into lists of 131,072", () => {
    expect(statusPosition(0)).toEqual({ list: 0, index: 0 });
    expect(statusPosition(131_071)).toEqual({ list: 0, index: 131_071 });
    expect(statusPosition(131_072)).toEqual({ list: 1, index: 0 });
    expect(statusPosition(400_000)).toEqual({ list: 3, index: 6_784 });
    expect(() => statusPosition(-1)).toThrow(RangeError);
    expect(() => statusPosition(1.5)).toThrow(RangeError);
  });

  it("writes index 0 as the left-most bit of the first byte, GZIP-compressed, multibase base64url", () => {
    const encoded = encodeStatusList([0, 9, statusListSize - 1]);
    expect(encoded.startsWith("u")).toBe(true);
    expect(encoded.slice(1)).toMatch(/^[A-Za-z0-9_-]+$/);
    // Decoded here with zlib directly, not with our decoder.
    const raw = gunzipSync(Buffer.from(encoded.slice(1), "base64url"));
    expect(raw.length).toBe(16 * 1024);
    expect(raw[0]).toBe(0b1000_0000);
    expect(raw[1]).toBe(0b0100_0000);
    expect(raw[raw.length - 1]).toBe(0b0000_0001);
    expect(raw.subarray(2, raw.length - 1).every((b) => b === 0)).toBe(true);
  });

  it("reads the W3C specification's example of an empty list", () => {
    const bits = decodeStatusList("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA");
    expect(bits).not.toBeNull();
    expect(bits!.length).toBe(16 * 1024);
    expect(statusBit(bits!, 0)).toBe(false);
    expect(statusBit(bits!, statusListSize - 1)).toBe(false);
  });

  it("round-trips and reads bits, out of range as unknown", () => {
    const set = [3, 94_567, 100_000];
    const bits = decodeStatusList(encodeStatusList(set))!;
    for (const i of set) expect(statusBit(bits, i)).toBe(true);
    expect(statusBit(bits, 4)).toBe(false);
    expect(statusBit(bits, statusListSize)).toBeNull();
    expect(statusBit(bits, -1)).toBeNull();
  });

  it("refuses indexes outside the list and undecodable input without throwing", () => {
    expect(() => encodeStatusList([statusListSize])).toThrow(RangeError);
    expect(() => encodeStatusList([-1])).toThrow(RangeError);
    expect(decodeStatusList("zNotMultibaseBase64url")).toBeNull();
    expect(decodeStatusList("u!!!")).toBeNull();
    expect(decodeStatusList("uAAAA")).toBeNull();
    // A valid GZIP of a too-short bitstring is not a status list either.
    expect(decodeStatusList(`u${gzipSync(Buffer.alloc(1024)).toString("base64url")}`)).toBeNull();
  });
});
