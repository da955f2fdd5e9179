/**
 * Byte helpers of the Web Crypto unit: BufferSource arguments (Web IDL § 3.2.8: an ArrayBuffer or
 * an ArrayBufferView; the algorithms work on "a copy of the bytes held by" it, so a caller changing
 * its buffer afterwards changes nothing), base64url (RFC 4648 § 5, unpadded, as JWK uses it,
 * RFC 7515 § 2). Concatenation and comparison in constant time are runtime/bytes.ts's, shared with
 * the protocol stacks.
 */
import { fail } from "./errors.ts";

/** A copy of the bytes of BufferSource `value`; anything else is a TypeError naming `what`. */
export function copyBytes(value: unknown, what: string): Uint8Array {
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  throw new TypeError(`${what} must be an ArrayBuffer, a typed array or a DataView`);
}

/** `bytes` as a fresh ArrayBuffer of its own (what the API's promises resolve to). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

export function base64url(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let j = 0; j < chars; j++) out += ALPHABET[(n >> (18 - 6 * j)) & 63];
  }
  return out;
}

/**
 * The bytes of base64url string `text` (padding "=" tolerated, as Node and browsers do); a
 * character outside the alphabet or a length no encoding has is a DataError naming `what`.
 */
export function fromBase64url(text: unknown, what: string): Uint8Array {
  if (typeof text !== "string") fail("DataError", `${what} must be a base64url string`);
  const s = text.replace(/=+$/, "");
  if (s.length % 4 === 1) fail("DataError", `${what} is not valid base64url (length ${text.length})`);
  const out = new Uint8Array(Math.floor((s.length * 6) / 8));
  let bits = 0, value = 0, at = 0;
  for (const c of s) {
    const v = ALPHABET.indexOf(c);
    if (v < 0) fail("DataError", `${what} is not valid base64url (character ${JSON.stringify(c)})`);
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (value >> bits) & 0xff;
    }
  }
  return out;
}
