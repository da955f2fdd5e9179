/** TCP segment headers (RFC 9293 section 3.1): parsing with checks, and construction. */
import { finish, pseudoHeaderSum, sum16, verifies } from "../checksum.ts";
import type { Counters } from "../counters.ts";
import { PROTO_TCP } from "../ipv4.ts";

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;
export const URG = 0x20;

export const TCP_HEADER_LENGTH = 20;
/** Header length of a SYN: the MSS option (kind 2, length 4; RFC 9293 section 3.2). */
export const TCP_SYN_HEADER_LENGTH = 24;

const OPT_END = 0;
const OPT_NOP = 1;
const OPT_MSS = 2;

/** The fixed header's fields (RFC 9293 section 3.1) besides data offset and checksum. */
interface TcpFixedHeader {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window: number;
}

export interface TcpSegment extends TcpFixedHeader {
  /** The MSS option's value, when present. */
  readonly mss: number | null;
  /** A view into the received frame: copy what is kept. */
  readonly payload: Uint8Array;
}

/** Segment length in sequence space: data, plus one each for SYN and FIN (RFC 9293 3.4). */
export function segmentLength(s: TcpSegment): number {
  return s.payload.length + (s.flags & SYN ? 1 : 0) + (s.flags & FIN ? 1 : 0);
}

/** Checks a received segment; returns null, counting the reason, when it is unusable. */
export function parseTcp(data: Uint8Array, src: number, dst: number, counters: Counters): TcpSegment | null {
  if (data.length < TCP_HEADER_LENGTH) {
    counters.add("tcp_truncated");
    return null;
  }
  const headerLength = (data[12] >>> 4) * 4;
  if (headerLength < TCP_HEADER_LENGTH || headerLength > data.length) {
    counters.add("tcp_bad_header_length");
    return null;
  }
  if (!verifies(sum16(data, 0, data.length, pseudoHeaderSum(src, dst, PROTO_TCP, data.length)))) {
    counters.add("tcp_bad_checksum");
    return null;
  }
  // Options (RFC 9293 section 3.2): only MSS is used; others (window scale, SACK, timestamps)
  // are skipped, and never offered, so the peer does not use them (RFC 7323 section 1.3).
  let mss: number | null = null;
  for (let i = TCP_HEADER_LENGTH; i < headerLength; ) {
    const kind = data[i];
    if (kind === OPT_END) break;
    if (kind === OPT_NOP) {
      i++;
      continue;
    }
    if (i + 1 >= headerLength) {
      counters.add("tcp_bad_options");
      return null;
    }
    const len = data[i + 1];
    if (len < 2 || i + len > headerLength) {
      counters.add("tcp_bad_options");
      return null;
    }
    if (kind === OPT_MSS) {
      if (len !== 4) {
        counters.add("tcp_bad_options");
        return null;
      }
      mss = (data[i + 2] << 8) | data[i + 3];
    }
    i += len;
  }
  // Fields read byte by byte: a DataView per segment costs more than the shifts (QuickJS).
  return {
    srcPort: (data[0] << 8) | data[1],
    dstPort: (data[2] << 8) | data[3],
    seq: ((data[4] << 24) | (data[5] << 16) | (data[6] << 8) | data[7]) >>> 0,
    ack: ((data[8] << 24) | (data[9] << 16) | (data[10] << 8) | data[11]) >>> 0,
    flags: data[13] & 0x3f,
    window: (data[14] << 8) | data[15],
    mss,
    payload: data.subarray(headerLength),
  };
}

export interface TcpHeaderFields extends TcpFixedHeader {
  /** Sent as the MSS option (SYN segments only). */
  readonly mss?: number;
}

export function headerLengthFor(h: TcpHeaderFields): number {
  return h.mss === undefined ? TCP_HEADER_LENGTH : TCP_SYN_HEADER_LENGTH;
}

/**
 * Writes the header at `offset` and the checksum over header and the `payloadLength` bytes
 * already written after it.
 */
export function writeTcp(buf: Uint8Array, offset: number, h: TcpHeaderFields, payloadLength: number, src: number, dst: number): void {
  const headerLength = headerLengthFor(h);
  // Byte stores rather than a DataView per segment (cheaper in QuickJS); typed-array stores
  // keep the low 8 bits, so the shifts need no masks.
  const o = offset;
  const { srcPort, dstPort, seq, ack, window } = h;
  buf[o] = srcPort >>> 8;
  buf[o + 1] = srcPort;
  buf[o + 2] = dstPort >>> 8;
  buf[o + 3] = dstPort;
  buf[o + 4] = seq >>> 24;
  buf[o + 5] = seq >>> 16;
  buf[o + 6] = seq >>> 8;
  buf[o + 7] = seq;
  buf[o + 8] = ack >>> 24;
  buf[o + 9] = ack >>> 16;
  buf[o + 10] = ack >>> 8;
  buf[o + 11] = ack;
  buf[o + 12] = (headerLength / 4) << 4;
  buf[o + 13] = h.flags;
  buf[o + 14] = window >>> 8;
  buf[o + 15] = window;
  buf[o + 16] = 0;
  buf[o + 17] = 0;
  buf[o + 18] = 0;
  buf[o + 19] = 0;
  if (h.mss !== undefined) {
    buf[o + 20] = OPT_MSS;
    buf[o + 21] = 4;
    buf[o + 22] = h.mss >>> 8;
    buf[o + 23] = h.mss;
  }
  const length = headerLength + payloadLength;
  // The header's words from the field values (the same 16-bit words as the bytes above, RFC
  // 9293 3.1), the bytes summed only for the payload: a bare ACK sums no bytes at all.
  let sum = pseudoHeaderSum(src, dst, PROTO_TCP, length) + (srcPort & 0xffff) + (dstPort & 0xffff) +
    ((seq >>> 16) & 0xffff) + (seq & 0xffff) + ((ack >>> 16) & 0xffff) + (ack & 0xffff) +
    (((headerLength / 4) << 12) | (h.flags & 0xff)) + (window & 0xffff);
  if (h.mss !== undefined) sum += ((OPT_MSS << 8) | 4) + (h.mss & 0xffff);
  sum = finish(sum16(buf, offset + headerLength, payloadLength, sum));
  buf[o + 16] = sum >>> 8;
  buf[o + 17] = sum;
}
