/**
 * The character classes of HTTP's grammar (RFC 9110 section 5.6) and the Fetch Standard's header
 * value rules, shared by the Headers class and the wire parser.
 */

/** RFC 9110 5.6.2: token = 1*tchar. */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** RFC 9110 5.5: field-value = *field-content, as bytes VCHAR / obs-text / SP / HTAB. */
export const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

const isOws = (c: number): boolean => c === 0x20 || c === 0x09;
const isHttpWhitespace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * `s` without the characters `is` accepts at either end. A loop rather than a /g RegExp replace:
 * each header of each request goes through here, and a replace reads the RegExp's `flags`
 * (ECMA-262 2024, RegExp.prototype[@@replace] step 8), which costs more than the trim.
 */
function trimEdges(s: string, is: (c: number) => boolean): string {
  let start = 0;
  let end = s.length;
  while (start < end && is(s.charCodeAt(start))) start++;
  while (end > start && is(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** RFC 9110 5.6.3: a field value without the OWS (SP, HTAB) at either end. */
export function trimOws(s: string): string {
  return trimEdges(s, isOws);
}

/** Fetch Standard 2.2: a header value without the "HTTP whitespace" (SP, HTAB, LF, CR) at either end. */
export function trimHttpWhitespace(s: string): string {
  return trimEdges(s, isHttpWhitespace);
}

/** RFC 9112 section 4: reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ). */
export const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A byte string (each character one byte, as HTTP/1.1 carries it): from latin1 bytes. */
export function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + 4096)));
  return s;
}

/** A byte string to bytes; characters above U+00FF are refused (they are not bytes). */
export function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new TypeError(`not a byte string (character U+${c.toString(16).toUpperCase().padStart(4, "0")} at ${i})`);
    out[i] = c;
  }
  return out;
}
