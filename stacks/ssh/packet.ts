/**
 * The binary packet protocol (RFC 4253 6): uint32 packet_length, byte padding_length, payload,
 * random padding (at least 4 bytes, the whole a multiple of the cipher's block), then the tag.
 * The reader takes TCP bytes as they come and hands out whole payloads; the writer frames
 * payloads. Each keeps its own sequence number (6.4: starts at 0, wraps at 2^32, not reset by
 * a key exchange unless strict kex asks for it), and each switches cipher at its NEWKEYS.
 */
import { writeU32BE } from "../../runtime/bytes.ts";
import { noneCipher, type PacketCipher } from "./cipher.ts";
import { protocolError } from "./errors.ts";

/** RFC 4253 6.1: an implementation must take packets of 35000 bytes in all; we take no more. */
export const MAX_PACKET_LENGTH = 35000;

export class PacketReader {
  private cipher: PacketCipher = noneCipher;
  private buf = new Uint8Array(0);
  /** packet_length of the packet being read, once its first bytes are in (the length of a chacha packet is decrypted once). */
  private pending = -1;
  seq = 0;

  useCipher(cipher: PacketCipher): void {
    this.cipher = cipher;
  }

  /** Bytes from the peer, in order. */
  push(bytes: Uint8Array): void {
    if (this.buf.length === 0) {
      this.buf = bytes.slice();
      return;
    }
    const next = new Uint8Array(this.buf.length + bytes.length);
    next.set(this.buf);
    next.set(bytes, this.buf.length);
    this.buf = next;
  }

  /** Bytes waiting that make no whole packet yet. */
  get buffered(): number {
    return this.buf.length;
  }

  /** The next whole packet's payload, or null until its bytes are in. Throws SshDisconnect on a bad length, padding or tag. */
  next(): Uint8Array | null {
    const c = this.cipher;
    if (this.pending < 0) {
      if (this.buf.length < 4) return null;
      const len = c.packetLength(this.buf, this.seq);
      const aligned = c.lengthAligned ? len + 4 : len;
      if (len < 5 || len > MAX_PACKET_LENGTH) throw protocolError(`bad packet length ${len}`);
      if (aligned % c.blockSize !== 0) throw protocolError(`packet length ${len} is not a multiple of the cipher block size ${c.blockSize}`);
      this.pending = len;
    }
    const total = 4 + this.pending + c.tagLength;
    if (this.buf.length < total) return null;
    const packet = this.buf.subarray(0, total);
    const plain = c.open(packet, this.seq);
    this.buf = this.buf.subarray(total);
    this.pending = -1;
    this.seq = (this.seq + 1) >>> 0;
    const padding = plain[0];
    if (padding < 4 || padding + 1 >= plain.length) throw protocolError(`bad padding length ${padding} in a packet of ${plain.length} bytes`);
    return plain.slice(1, plain.length - padding);
  }
}

export class PacketWriter {
  private cipher: PacketCipher = noneCipher;
  seq = 0;

  constructor(private readonly random: (n: number) => Uint8Array) {}

  useCipher(cipher: PacketCipher): void {
    this.cipher = cipher;
  }

  /** `payload` framed, padded and sealed as the next packet. */
  frame(payload: Uint8Array): Uint8Array {
    const c = this.cipher;
    const base = (c.lengthAligned ? 5 : 1) + payload.length;
    let padding = c.blockSize - (base % c.blockSize);
    if (padding < 4) padding += c.blockSize;
    const len = 1 + payload.length + padding;
    const plain = new Uint8Array(4 + len);
    writeU32BE(plain, 0, len);
    plain[4] = padding;
    plain.set(payload, 5);
    plain.set(this.random(padding), 5 + payload.length);
    const out = c.seal(plain, this.seq);
    this.seq = (this.seq + 1) >>> 0;
    return out;
  }
}
