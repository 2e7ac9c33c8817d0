import { gunzipSync, gzipSync } from "node:zlib";

// W3C Bitstring Status List v1.0: one bit per credential, set when it is revoked. Index 0 is the
// left-most (most significant) bit of the first byte; the list is GZIP-compressed and written as
// multibase base64url ("u" prefix, no padding). Lists hold at least 16 KiB (131,072 entries) so
// that one holder's position says little about who else is in it.

export const statusListSize = 131_072;

export interface StatusPosition {
  list: number;
  index: number;
}

/** Where a certificate's running status number lands: which list, which bit in it. */
export function statusPosition(statusNumber: number): StatusPosition {
  if (!Number.isSafeInteger(statusNumber) || statusNumber < 0) throw new RangeError(`bad status number ${statusNumber}`);
  return { list: Math.floor(statusNumber / statusListSize), index: statusNumber % statusListSize };
}

/** The encodedList of a list in which exactly the given indexes (0 ≤ i < statusListSize) are set. */
export function encodeStatusList(setIndexes: Iterable<number>): string {
  const bits = Buffer.alloc(statusListSize / 8);
  for (const i of setIndexes) {
    if (!Number.isInteger(i) || i < 0 || i >= statusListSize) throw new RangeError(`status index ${i} outside the list`);
    bits[i >> 3]! |= 0x80 >> (i & 7);
  }
  return `u${gzipSync(bits).toString("base64url")}`;
}

/** The raw bitstring of an encodedList, or null when it is not one. Never throws for bad input. */
export function decodeStatusList(encoded: string): Buffer | null {
  if (!encoded.startsWith("u") || !/^[A-Za-z0-9_-]*$/.test(encoded.slice(1))) return null;
  try {
    const bits = gunzipSync(Buffer.from(encoded.slice(1), "base64url"), { maxOutputLength: 16 * 1024 * 1024 });
    return bits.length >= statusListSize / 8 ? bits : null;
  } catch {
    return null;
  }
}

/** Is bit `index` set? Out-of-range reads as null (the list cannot say). */
export function statusBit(bits: Buffer, index: number): boolean | null {
  if (!Number.isInteger(index) || index < 0 || index >= bits.length * 8) return null;
  return (bits[index >> 3]! & (0x80 >> (index & 7))) !== 0;
}
