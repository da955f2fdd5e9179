/**
 * Byte helpers shared by the protocol stacks (stacks/ssh, stacks/tls, stacks/net), the Web Crypto
 * unit (runtime/web/crypto) and the console-line codecs (io/repl, io/update): fixed-size unsigned
 * integers in big-endian (network byte order, RFC 791 appendix B; RFC 4251 5's uint32, RFC 8446
 * 3.3's uint16/uint24) and little-endian order, concatenation, and comparison in constant time.
 *
 * It lives in runtime/, the lowest folder all of them may import (docs/architecture.md: stacks/
 * may import this one file, which imports nothing, so the stacks stay free of the HAL). Each
 * protocol keeps its own framing (SSH strings and mpints, TLS vectors) and its own bound checks:
 * the readers here read what the caller has checked is there.
 */

/** The big-endian 16-bit unsigned integer at `at`. */
export function readU16BE(data: ArrayLike<number>, at: number): number {
  return (data[at] << 8) | data[at + 1];
}

/** The big-endian 24-bit unsigned integer at `at`. */
export function readU24BE(data: ArrayLike<number>, at: number): number {
  return (data[at] << 16) | (data[at + 1] << 8) | data[at + 2];
}

/** The big-endian 32-bit unsigned integer at `at`. */
export function readU32BE(data: ArrayLike<number>, at: number): number {
  return ((data[at] << 24) | (data[at + 1] << 16) | (data[at + 2] << 8) | data[at + 3]) >>> 0;
}

/** Stores the low 16 bits of `v` at `at`, big-endian. */
export function writeU16BE(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 8;
  out[at + 1] = v;
}

/** Stores the low 24 bits of `v` at `at`, big-endian. */
export function writeU24BE(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 16;
  out[at + 1] = v >>> 8;
  out[at + 2] = v;
}

/** Stores `v` (32 bits) at `at`, big-endian. */
export function writeU32BE(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = v >>> 16;
  out[at + 2] = v >>> 8;
  out[at + 3] = v;
}

/** The little-endian 32-bit unsigned integer at `at`. */
export function readU32LE(data: ArrayLike<number>, at: number): number {
  return (data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) | (data[at + 3] << 24)) >>> 0;
}

/** Stores `v` (32 bits) at `at`, little-endian. */
export function writeU32LE(out: Uint8Array, at: number, v: number): void {
  out[at] = v;
  out[at + 1] = v >>> 8;
  out[at + 2] = v >>> 16;
  out[at + 3] = v >>> 24;
}

/** The bytes of `parts`, one after the other, in a new array. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Whether `a` and `b` hold the same bytes, in time that depends on their lengths only: a MAC,
 * tag or key comparison must not tell an attacker where the first difference is.
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}
