/**
 * Bounds-checked reading and writing of TLS's presentation language (RFC 8446 3): big-endian
 * integers and vectors with 1-, 2- or 3-byte length prefixes. Every read past the end, and every
 * vector length outside its declared range, is a decode_error (RFC 8446 6.2: "a message could not
 * be decoded because some field was out of the specified range or the length of the message was
 * incorrect"). The integers and concatenation are runtime/bytes.ts's, shared with stacks/ssh and
 * the Web Crypto unit.
 */
import { concatBytes, readU16BE, readU24BE, writeU16BE, writeU24BE } from "../../runtime/bytes.ts";
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
    const v = readU16BE(this.bytes, this.pos);
    this.pos += 2;
    return v;
  }

  u24(field: string): number {
    this.need(3, field);
    const v = readU24BE(this.bytes, this.pos);
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

/** A uint16 (RFC 8446 3.3) as its own two bytes. */
export function u16(v: number): Uint8Array {
  const out = new Uint8Array(2);
  writeU16BE(out, 0, v);
  return out;
}

/** A uint24 (RFC 8446 3.3) as its own three bytes. */
export function u24(v: number): Uint8Array {
  const out = new Uint8Array(3);
  writeU24BE(out, 0, v);
  return out;
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
