/**
 * The HTML Standard's WindowOrWorkerGlobalScope functions the engine lacks: atob and btoa
 * (§ 8.3 "Base64 utility methods", over Infra's forgiving-base64), structuredClone (§ 2.7.10,
 * runtime/web/structured-clone.ts) and reportError (§ 8.1.4.7): the image unit "html".
 * engine/src/web-globals.c defines each global from this module's exports the first time it is
 * looked up. Errors are the global DOMException (unit "abort"), so that `instanceof` holds.
 */
import { structuredClone } from "./structured-clone.ts";

export { structuredClone };

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function invalidCharacter(message: string): Error {
  return new DOMException(message, "InvalidCharacterError");
}

function requireArgument(name: string, count: number): void {
  if (count === 0) throw new TypeError(`${name}: 1 argument required, but only 0 present`);
}

/** btoa(data): `data` as Latin-1 bytes, base64-encoded; a code unit above U+00FF is an error. */
export function btoa(data: string): string {
  requireArgument("btoa", arguments.length);
  const s = String(data);
  let out = "";
  for (let i = 0; i < s.length; i += 3) {
    const a = s.charCodeAt(i);
    const b = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
    const c = i + 2 < s.length ? s.charCodeAt(i + 2) : 0;
    if (a > 0xff || b > 0xff || c > 0xff) throw invalidCharacter("Invalid character");
    const n = (a << 16) | (b << 8) | c;
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63];
    out += i + 1 < s.length ? ALPHABET[(n >> 6) & 63] : "=";
    out += i + 2 < s.length ? ALPHABET[n & 63] : "=";
  }
  return out;
}

/** Infra's ASCII whitespace: TAB, LF, FF, CR, SPACE. */
const ASCII_WHITESPACE = /[\t\n\f\r ]/g;

/** atob(data): Infra § 4.7 forgiving-base64 decode, each byte a code unit of the result. */
export function atob(data: string): string {
  requireArgument("atob", arguments.length);
  let s = String(data).replace(ASCII_WHITESPACE, "");
  if (s.length % 4 === 0) s = s.replace(/==?$/, "");
  if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) throw invalidCharacter("The string to be decoded is not correctly encoded.");
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    buffer = (buffer << 6) | ALPHABET.indexOf(s[i]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((buffer >> bits) & 0xff);
    }
  }
  return out;
}

/**
 * reportError(e): reports `e` as an uncaught exception would be (HTML § 8.1.4.7 "report an
 * exception"), without interrupting the caller: thrown from a microtask, it is printed with its
 * stack and ends the firmware with exit code 1, as an uncaught error does everywhere in tsmetal
 * (and as Node 22 does).
 */
export function reportError(e: unknown): void {
  requireArgument("reportError", arguments.length);
  queueMicrotask(() => {
    throw e;
  });
}
