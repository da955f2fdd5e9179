/**
 * Bounds-checked reading and writing of TLS's presentation language (RFC 8446 3): big-endian
 * integers and vectors with 1-, 2- or 3-byte length prefixes. Every read past the end, and every
 * vector length outside its declared range, is a decode_error (RFC 8446 6.2: "a message could not
 * be decoded because some field was out of the specified range or the length of the message was
 * incorrect").
 */
import { Alert, fail } from "./alert.ts";

export class Reader {
  private pos = 0;

  constructor(
    private readonly bytes: Uint8Array,
    /** What is read, for the alert's message. */
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  get offset(): number {
    return this.pos;
  }

  private need(n: number, field: string): void {
    if (n > this.remaining) fail(Alert.decode_error, `${this.what}: ${field} runs past the end (${n} bytes wanted, ${this.remaining} left)`);
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.pos++];
  }

  u16(field: string): number {
    this.need(2, field);
    const v = (this.bytes[this.pos] << 8) | this.bytes[this.pos + 1];
    this.pos += 2;
    return v;
  }

  u24(field: string): number {
    this.need(3, field);
    const v = (this.bytes[this.pos] << 16) | (this.bytes[this.pos + 1] << 8) | this.bytes[this.pos + 2];
    this.pos += 3;
    return v;
  }

  /** `n` bytes (a view, not a copy). */
  bytesOf(n: number, field: string): Uint8Array {
    this.need(n, field);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A vector `<min..max>` with a `prefix`-byte length (RFC 8446 3.4). */
  vector(prefix: 1 | 2 | 3, min: number, max: number, field: string): Uint8Array {
    const n = prefix === 1 ? this.u8(field) : prefix === 2 ? this.u16(field) : this.u24(field);
    if (n < min || n > max) fail(Alert.decode_error, `${this.what}: ${field} has length ${n}, outside ${min}..${max}`);
    return this.bytesOf(n, field);
  }

  /** Requires that everything was read: trailing bytes are a decode_error too. */
  end(): void {
    if (this.remaining !== 0) fail(Alert.decode_error, `${this.what}: ${this.remaining} bytes after its end`);
  }
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function u16(v: number): Uint8Array {
  return Uint8Array.of(v >>> 8, v & 0xff);
}

export function u24(v: number): Uint8Array {
  return Uint8Array.of((v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

/** A vector with a `prefix`-byte length. */
export function vec(prefix: 1 | 2 | 3, body: Uint8Array): Uint8Array {
  const len = prefix === 1 ? Uint8Array.of(body.length) : prefix === 2 ? u16(body.length) : u24(body.length);
  return concatBytes(len, body);
}

/** An extension (RFC 8446 4.2): type, then its data as a 2-byte vector. */
export function extension(type: number, data: Uint8Array): Uint8Array {
  return concatBytes(u16(type), vec(2, data));
}

/** Equality in time independent of where the arrays differ (for MACs). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}
