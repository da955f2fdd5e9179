/**
 * Percent-encoding (WHATWG URL Standard § 1.3 "Percent-encoded bytes"): the encode sets of each
 * URL component, UTF-8 encoding of what they contain, and percent-decoding.
 */
import { encodeUtf8 } from "../utf8.ts";
import { decodeUtf8 } from "./utf8-decoder.ts";

/** A percent-encode set: which code points at or below U+007E are in it (all above always are). */
export type EncodeSet = (c: number) => boolean;

const C0_CONTROL: EncodeSet = (c) => c < 0x20 || c > 0x7e;
export const C0_CONTROL_SET = C0_CONTROL;
/** Fragment: C0 control and space " < > `. */
export const FRAGMENT_SET: EncodeSet = (c) => C0_CONTROL(c) || c === 0x20 || c === 0x22 || c === 0x3c || c === 0x3e || c === 0x60;
/** Query: C0 control and space " # < >. */
export const QUERY_SET: EncodeSet = (c) => C0_CONTROL(c) || c === 0x20 || c === 0x22 || c === 0x23 || c === 0x3c || c === 0x3e;
/** Special-query: the query set and '. */
export const SPECIAL_QUERY_SET: EncodeSet = (c) => QUERY_SET(c) || c === 0x27;
/** Path: the query set and ? ` { } (Node 20's set: ^ is left as it is). */
export const PATH_SET: EncodeSet = (c) => QUERY_SET(c) || c === 0x3f || c === 0x60 || c === 0x7b || c === 0x7d;
/** Userinfo: the path set and / : ; = @ [ \ ] ^ |. */
export const USERINFO_SET: EncodeSet = (c) =>
  PATH_SET(c) || c === 0x2f || c === 0x3a || c === 0x3b || c === 0x3d || c === 0x40 || (c >= 0x5b && c <= 0x5e) || c === 0x7c;
/** Component: the userinfo set and $ % & + ,. */
export const COMPONENT_SET: EncodeSet = (c) => USERINFO_SET(c) || (c >= 0x24 && c <= 0x26) || c === 0x2b || c === 0x2c;
/** application/x-www-form-urlencoded: the component set and ! ' ( ) ~. */
export const FORM_SET: EncodeSet = (c) => COMPONENT_SET(c) || c === 0x21 || (c >= 0x27 && c <= 0x29) || c === 0x7e;

const HEX = "0123456789ABCDEF";

/** UTF-8 percent-encodes each code point of `s` in `set`; `spaceAsPlus` for form encoding. */
export function percentEncode(s: string, set: EncodeSet, spaceAsPlus = false): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (spaceAsPlus && c === 0x20) out += "+";
      else if (set(c)) out += "%" + HEX[c >> 4] + HEX[c & 15];
      else out += s[i];
      continue;
    }
    // A non-ASCII code point (a surrogate pair together; a lone surrogate encodes U+FFFD).
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    const bytes = encodeUtf8(pair ? s.slice(i, i + 2) : s[i]);
    if (pair) i++;
    for (let j = 0; j < bytes.length; j++) out += "%" + HEX[bytes[j] >> 4] + HEX[bytes[j] & 15];
  }
  return out;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** § 1.3 percent-decode: the UTF-8 bytes of `s` with each valid %XX replaced by its byte. */
export function percentDecodeBytes(s: string): Uint8Array {
  const bytes = encodeUtf8(s);
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x25 && i + 2 < bytes.length) {
      const hi = hexValue(bytes[i + 1]);
      const lo = hexValue(bytes[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[n++] = b;
  }
  return out.subarray(0, n);
}

/** Percent-decodes `s` and decodes the bytes as UTF-8 (invalid sequences become U+FFFD). */
export function percentDecode(s: string): string {
  return s.indexOf("%") < 0 ? s : decodeUtf8(percentDecodeBytes(s));
}
