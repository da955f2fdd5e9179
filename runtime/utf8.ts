/**
 * UTF-8 encoding of JS strings, for targets without TextEncoder. Matches the WHATWG Encoding
 * Standard's TextEncoder: a lone surrogate is encoded as U+FFFD (EF BF BD).
 *
 * The per-character helpers let a console driver encode straight into its transmit path without
 * allocating a byte array per string.
 */

/** The Unicode scalar value at UTF-16 index `i`: a surrogate pair is combined, a lone surrogate is U+FFFD. */
export function scalarValueAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 0xd800 || c > 0xdfff) return c;
  if (c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
  }
  return 0xfffd;
}

/** UTF-16 code units taken by the scalar value `cp` (as returned by scalarValueAt). */
export function utf16Length(cp: number): number {
  return cp > 0xffff ? 2 : 1;
}

/** Writes the 1 to 4 UTF-8 bytes of scalar value `cp` to `out` at `offset`; returns the count. */
export function encodeScalar(cp: number, out: Uint8Array, offset: number): number {
  if (cp < 0x80) {
    out[offset] = cp;
    return 1;
  }
  if (cp < 0x800) {
    out[offset] = 0xc0 | (cp >> 6);
    out[offset + 1] = 0x80 | (cp & 0x3f);
    return 2;
  }
  if (cp < 0x10000) {
    out[offset] = 0xe0 | (cp >> 12);
    out[offset + 1] = 0x80 | ((cp >> 6) & 0x3f);
    out[offset + 2] = 0x80 | (cp & 0x3f);
    return 3;
  }
  out[offset] = 0xf0 | (cp >> 18);
  out[offset + 1] = 0x80 | ((cp >> 12) & 0x3f);
  out[offset + 2] = 0x80 | ((cp >> 6) & 0x3f);
  out[offset + 3] = 0x80 | (cp & 0x3f);
  return 4;
}

/** Number of bytes the UTF-8 encoding of `s` takes. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; ) {
    const cp = scalarValueAt(s, i);
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += utf16Length(cp);
  }
  return n;
}

/** The UTF-8 encoding of `s`, like `new TextEncoder().encode(s)`. */
export function encodeUtf8(s: string): Uint8Array {
  const out = new Uint8Array(utf8Length(s));
  let o = 0;
  for (let i = 0; i < s.length; ) {
    const cp = scalarValueAt(s, i);
    o += encodeScalar(cp, out, o);
    i += utf16Length(cp);
  }
  return out;
}

/** Made on first use: a console that only ever prints ASCII never allocates it. */
let scratch: Uint8Array | undefined;

/** Sends `s` as UTF-8 through `port.writeByte`: the writeString of UARTs that send byte by byte. */
export function writeUtf8(s: string, port: { writeByte(b: number): void }): void {
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      port.writeByte(c);
      i++;
      continue;
    }
    i = writeCharAt(s, i, port);
  }
}

/**
 * Sends the character at UTF-16 index `i` of `s` as UTF-8 through `port.writeByte`; returns the
 * index after it. For the non-ASCII path of console drivers, which send ASCII themselves.
 */
export function writeCharAt(s: string, i: number, port: { writeByte(b: number): void }): number {
  const cp = scalarValueAt(s, i);
  const bytes = (scratch ??= new Uint8Array(4));
  const n = encodeScalar(cp, bytes, 0);
  for (let j = 0; j < n; j++) port.writeByte(bytes[j]);
  return i + utf16Length(cp);
}
