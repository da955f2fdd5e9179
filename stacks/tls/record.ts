/**
 * The record layer (RFC 8446 5): framing of incoming TLSPlaintext/TLSCiphertext records with the
 * size limits of 5.1 and 5.2, and record protection (5.2-5.3): the per-record nonce from the IV
 * and the 64-bit sequence number, the additional data (the record header), TLSInnerPlaintext
 * with its content type and zero padding.
 */
import { Alert, fail } from "./alert.ts";
import { concatBytes, readU16BE } from "../../runtime/bytes.ts";
import { TAG_LENGTH, type CipherSuite } from "./cipher-suite.ts";
import { trafficKeys } from "./key-schedule.ts";

export const ContentType = { change_cipher_spec: 20, alert: 21, handshake: 22, application_data: 23 } as const;

/** 2^14: the most plaintext one record carries (RFC 8446 5.1). */
export const MAX_PLAINTEXT = 16384;
/** 2^14 + 256: the longest TLSCiphertext.encrypted_record (RFC 8446 5.2). */
export const MAX_CIPHERTEXT = MAX_PLAINTEXT + 256;
export const HEADER_LENGTH = 5;
/** Bytes a protected record adds to its content: header, inner content type, tag. */
export const RECORD_OVERHEAD = HEADER_LENGTH + 1 + TAG_LENGTH;

export interface TlsRecord {
  readonly type: number;
  readonly fragment: Uint8Array;
}

/**
 * Collects bytes from the transport and cuts them into records. A record whose length exceeds
 * what its type may carry is a record_overflow as soon as its header is in, before its body is
 * buffered (RFC 8446 5.1, 5.2); so the buffer never holds more than one record and a header.
 */
export class RecordReader {
  private buf: Uint8Array = new Uint8Array(0);

  push(data: Uint8Array): void {
    this.buf = this.buf.length === 0 ? data.slice() : concatBytes(this.buf, data);
  }

  get buffered(): number {
    return this.buf.length;
  }

  /** The next complete record, or null until one is in. */
  next(): TlsRecord | null {
    const b = this.buf;
    if (b.length < HEADER_LENGTH) return null;
    const type = b[0];
    // legacy_record_version is ignored for all purposes (RFC 8446 5.1), but a major version other
    // than 3 is no TLS record at all (an SSL 2 hello, or another protocol).
    if (b[1] !== 3) fail(Alert.protocol_version, `record version ${b[1]}.${b[2]} is no TLS record`);
    const length = readU16BE(b, 3);
    const max = type === ContentType.application_data ? MAX_CIPHERTEXT : MAX_PLAINTEXT;
    if (length > max) fail(Alert.record_overflow, `a record of type ${type} with ${length} bytes exceeds ${max}`);
    if (b.length < HEADER_LENGTH + length) return null;
    const fragment = b.slice(HEADER_LENGTH, HEADER_LENGTH + length);
    this.buf = b.subarray(HEADER_LENGTH + length);
    return { type, fragment };
  }
}

/** A record's header: type, legacy_record_version 0x0303, length (RFC 8446 5.1, 5.2). */
export function recordHeader(type: number, length: number): Uint8Array {
  return Uint8Array.of(type, 3, 3, length >>> 8, length & 0xff);
}

/** One direction's traffic protection under one traffic secret. */
export class Protection {
  private readonly key: Uint8Array;
  private readonly iv: Uint8Array;
  /** The record sequence number (RFC 8446 5.3); 2^53 records are never reached. */
  private seq = 0;

  constructor(
    readonly suite: CipherSuite,
    readonly secret: Uint8Array,
  ) {
    const k = trafficKeys(secret, suite.keyLength);
    this.key = k.key;
    this.iv = k.iv;
  }

  /** The per-record nonce: the IV XOR the sequence number padded to 12 bytes (RFC 8446 5.3). */
  private nonce(): Uint8Array {
    const n = this.iv.slice();
    let s = this.seq++;
    for (let i = 11; i >= 4 && s > 0; i--) {
      n[i] ^= s % 256;
      s = Math.floor(s / 256);
    }
    return n;
  }

  /** A whole protected record for `content` of inner type `type` (at most MAX_PLAINTEXT bytes). */
  seal(type: number, content: Uint8Array): Uint8Array {
    const inner = new Uint8Array(content.length + 1);
    inner.set(content);
    inner[content.length] = type;
    const header = recordHeader(ContentType.application_data, inner.length + TAG_LENGTH);
    const sealed = this.suite.aead(this.key, this.nonce(), header).encrypt(inner);
    return concatBytes(header, sealed);
  }

  /**
   * The content and inner type of a protected record's fragment: bad_record_mac when it does not
   * authenticate, record_overflow when the inner plaintext exceeds 2^14 + 1 bytes,
   * unexpected_message when it is all padding (RFC 8446 5.2, 5.4).
   */
  open(fragment: Uint8Array): TlsRecord {
    if (fragment.length < TAG_LENGTH + 1) fail(Alert.bad_record_mac, `a protected record of ${fragment.length} bytes is shorter than its tag`);
    const header = recordHeader(ContentType.application_data, fragment.length);
    let inner: Uint8Array;
    try {
      inner = this.suite.aead(this.key, this.nonce(), header).decrypt(fragment);
    } catch {
      fail(Alert.bad_record_mac, "a record failed to authenticate");
    }
    if (inner.length > MAX_PLAINTEXT + 1) fail(Alert.record_overflow, `a record's plaintext of ${inner.length} bytes exceeds 2^14 + 1`);
    let end = inner.length - 1;
    while (end >= 0 && inner[end] === 0) end--;
    if (end < 0) fail(Alert.unexpected_message, "a protected record holds no content type (all padding)");
    return { type: inner[end], fragment: inner.subarray(0, end) };
  }
}
