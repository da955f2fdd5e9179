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
  const v = new DataView(data.buffer, data.byteOffset, data.length);
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
      mss = v.getUint16(i + 2);
    }
    i += len;
  }
  return {
    srcPort: v.getUint16(0),
    dstPort: v.getUint16(2),
    seq: v.getUint32(4),
    ack: v.getUint32(8),
    flags: data[13] & 0x3f,
    window: v.getUint16(14),
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
  const v = new DataView(buf.buffer, buf.byteOffset + offset, headerLength);
  v.setUint16(0, h.srcPort);
  v.setUint16(2, h.dstPort);
  v.setUint32(4, h.seq >>> 0);
  v.setUint32(8, h.ack >>> 0);
  v.setUint8(12, (headerLength / 4) << 4);
  v.setUint8(13, h.flags);
  v.setUint16(14, h.window);
  v.setUint16(16, 0);
  v.setUint16(18, 0);
  if (h.mss !== undefined) {
    v.setUint8(20, OPT_MSS);
    v.setUint8(21, 4);
    v.setUint16(22, h.mss);
  }
  const length = headerLength + payloadLength;
  v.setUint16(16, finish(sum16(buf, offset, length, pseudoHeaderSum(src, dst, PROTO_TCP, length))));
}
