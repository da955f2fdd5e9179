/**
 * The data types of RFC 4251 5 (byte, boolean, uint32, uint64, string, mpint, name-list), read
 * with a bound check on every field and written into a growing buffer. A read past the end, a
 * length beyond what is left, or a name-list that is not US-ASCII is a PROTOCOL_ERROR
 * (errors.ts), never an exception of another kind. The integers, concatenation and comparison are
 * runtime/bytes.ts's, shared with stacks/tls and the Web Crypto unit.
 */
import { readU32BE, writeU32BE } from "../../runtime/bytes.ts";
import { protocolError } from "./errors.ts";

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

export class SshReader {
  private at = 0;

  constructor(private readonly data: Uint8Array) {}

  get remaining(): number {
    return this.data.length - this.at;
  }

  private need(n: number, what: string): void {
    if (n > this.data.length - this.at) throw protocolError(`truncated message: ${what} needs ${n} bytes, ${this.remaining} left`);
  }

  byte(what = "byte"): number {
    this.need(1, what);
    return this.data[this.at++];
  }

  /** RFC 4251 5: any non-zero value is TRUE. */
  boolean(what = "boolean"): boolean {
    return this.byte(what) !== 0;
  }

  uint32(what = "uint32"): number {
    this.need(4, what);
    const v = readU32BE(this.data, this.at);
    this.at += 4;
    return v;
  }

  /** The next `n` bytes (a view, not a copy). */
  raw(n: number, what = "bytes"): Uint8Array {
    this.need(n, what);
    const v = this.data.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }

  /** A string as bytes (a view). */
  string(what = "string"): Uint8Array {
    const n = this.uint32(`${what} length`);
    return this.raw(n, what);
  }

  /** A string that must be UTF-8 (RFC 4251 5: "ISO-10646 UTF-8" where text is meant), at most `max` bytes. */
  text(what = "text", max = 1024): string {
    const bytes = this.string(what);
    if (bytes.length > max) throw protocolError(`${what}: ${bytes.length} bytes, at most ${max}`);
    try {
      return utf8Decoder.decode(bytes);
    } catch {
      throw protocolError(`${what}: not UTF-8`);
    }
  }

  /** A name-list: comma-separated US-ASCII names, none empty (RFC 4251 5). */
  nameList(what = "name-list"): string[] {
    const bytes = this.string(what);
    if (bytes.length === 0) return [];
    let s = "";
    for (const b of bytes) {
      if (b < 0x21 || b > 0x7e) throw protocolError(`${what}: byte 0x${b.toString(16)} is not a printable US-ASCII name character`);
      s += String.fromCharCode(b);
    }
    const names = s.split(",");
    if (names.some((n) => n.length === 0 || n.length > 64)) throw protocolError(`${what}: an empty name or one over 64 characters`);
    return names;
  }

  /** Nothing may follow the last field. */
  end(what: string): void {
    if (this.remaining !== 0) throw protocolError(`${what}: ${this.remaining} unexpected bytes at the end`);
  }
}

export class SshWriter {
  private buf = new Uint8Array(64);
  private len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(v: number): this {
    this.room(1);
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  boolean(v: boolean): this {
    return this.byte(v ? 1 : 0);
  }

  uint32(v: number): this {
    this.room(4);
    writeU32BE(this.buf, this.len, v);
    this.len += 4;
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.room(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
    return this;
  }

  string(v: Uint8Array | string): this {
    const bytes = typeof v === "string" ? utf8.encode(v) : v;
    return this.uint32(bytes.length).raw(bytes);
  }

  nameList(names: readonly string[]): this {
    return this.string(names.join(","));
  }

  /** An unsigned big-endian integer as an mpint (RFC 4251 5): no leading zero bytes, one 0x00 when the top bit is set. */
  mpint(unsigned: Uint8Array): this {
    let i = 0;
    while (i < unsigned.length && unsigned[i] === 0) i++;
    const v = unsigned.subarray(i);
    if (v.length === 0) return this.uint32(0);
    if (v[0] & 0x80) return this.uint32(v.length + 1).byte(0).raw(v);
    return this.uint32(v.length).raw(v);
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export function utf8Bytes(s: string): Uint8Array {
  return utf8.encode(s);
}
