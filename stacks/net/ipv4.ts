/**
 * IPv4 headers (RFC 791 section 3.1) as a host sees them (RFC 1122 section 3.2.1): validation on
 * receive, construction on send. This host neither reassembles fragments nor forwards.
 */
import { LIMITED_BROADCAST, isMulticastIpv4 } from "./address.ts";
import { finish, sum16, verifies } from "./checksum.ts";
import type { Counters } from "./counters.ts";

export const IPV4_HEADER_LENGTH = 20;
export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
/** RFC 1700's default TTL; RFC 1122 section 3.2.1.7 forbids sending 0. */
export const DEFAULT_TTL = 64;

export interface Ipv4Packet {
  readonly src: number;
  readonly dst: number;
  readonly protocol: number;
  readonly ttl: number;
  /** Whether dst was a broadcast address (limited or the subnet's); RFC 1122 3.2.2 needs it. */
  readonly broadcast: boolean;
  /** The whole datagram, header through the last payload byte (link padding cut off). */
  readonly datagram: Uint8Array;
  readonly payload: Uint8Array;
}

export interface Ipv4Config {
  readonly address: number;
  readonly netmask: number;
}

/** Checks a received datagram; returns null, counting the reason, when it is not to be used. */
export function parseIpv4(data: Uint8Array, config: Ipv4Config, counters: Counters): Ipv4Packet | null {
  if (data.length < IPV4_HEADER_LENGTH) {
    counters.add("ipv4_truncated");
    return null;
  }
  const v = new DataView(data.buffer, data.byteOffset, data.length);
  const version = data[0] >>> 4;
  const headerLength = (data[0] & 0x0f) * 4;
  if (version !== 4) {
    counters.add("ipv4_bad_version");
    return null;
  }
  if (headerLength < IPV4_HEADER_LENGTH) {
    counters.add("ipv4_bad_header_length");
    return null;
  }
  const totalLength = v.getUint16(2);
  if (totalLength < headerLength) {
    counters.add("ipv4_bad_total_length");
    return null;
  }
  if (totalLength > data.length) {
    counters.add("ipv4_truncated");
    return null;
  }
  if (!verifies(sum16(data, 0, headerLength))) {
    counters.add("ipv4_bad_checksum");
    return null;
  }
  // Flags and fragment offset (RFC 791 section 3.1): a fragment is MF set or a non-zero offset.
  // This host does not reassemble (RFC 1122 section 3.3.2 asks for it; memory is the reason).
  const fragment = v.getUint16(6);
  if ((fragment & 0x2000) !== 0 || (fragment & 0x1fff) !== 0) {
    counters.add("ipv4_fragment");
    return null;
  }
  const src = v.getUint32(12);
  const dst = v.getUint32(16);
  // RFC 1122 section 3.2.1.3: a source that is broadcast or multicast is discarded; so is our own
  // address coming back from the wire (a loop or a spoof).
  const subnetBroadcast = config.address !== 0 && config.netmask !== 0 && config.netmask !== LIMITED_BROADCAST ? (config.address | ~config.netmask) >>> 0 : -1;
  if (src === LIMITED_BROADCAST || isMulticastIpv4(src) || src === subnetBroadcast || (config.address !== 0 && src === config.address)) {
    counters.add("ipv4_bad_source");
    return null;
  }
  let broadcast = false;
  if (dst === LIMITED_BROADCAST || dst === subnetBroadcast) broadcast = true;
  else if (isMulticastIpv4(dst)) {
    counters.add("ipv4_multicast");
    return null;
  } else if (dst !== config.address) {
    // Includes everything while unconfigured (address 0) but broadcasts, which DHCP needs.
    counters.add("ipv4_not_for_us");
    return null;
  }
  // TTL is not checked here: a host MUST NOT discard a datagram just because its TTL is below 2
  // (RFC 1122 section 3.2.1.7); TTL matters to routers, and to what this host sends (DEFAULT_TTL).
  // Options (RFC 791 section 3.1 "Options") are skipped: none is needed by a host that sends no
  // source routes (RFC 1122 section 3.2.1.8 lets a host ignore the ones it does not implement).
  if (headerLength > IPV4_HEADER_LENGTH) counters.add("ipv4_options_skipped");
  return {
    src,
    dst,
    protocol: data[9],
    ttl: data[8],
    broadcast,
    datagram: data.subarray(0, totalLength),
    payload: data.subarray(headerLength, totalLength),
  };
}

export interface Ipv4HeaderFields {
  readonly src: number;
  readonly dst: number;
  readonly protocol: number;
  readonly payloadLength: number;
  readonly id: number;
  readonly ttl?: number;
}

/** Writes a 20-byte header with DF set (this host sends no fragments) and its checksum. */
export function writeIpv4Header(buf: Uint8Array, offset: number, h: Ipv4HeaderFields): void {
  const v = new DataView(buf.buffer, buf.byteOffset + offset, IPV4_HEADER_LENGTH);
  v.setUint8(0, 0x45);
  v.setUint8(1, 0);
  v.setUint16(2, IPV4_HEADER_LENGTH + h.payloadLength);
  v.setUint16(4, h.id & 0xffff);
  v.setUint16(6, 0x4000);
  v.setUint8(8, h.ttl ?? DEFAULT_TTL);
  v.setUint8(9, h.protocol);
  v.setUint16(10, 0);
  v.setUint32(12, h.src);
  v.setUint32(16, h.dst);
  v.setUint16(10, finish(sum16(buf, offset, IPV4_HEADER_LENGTH)));
}

/** What the transports (ICMP, UDP, TCP) send through: the stack's IPv4 output. */
export interface Ipv4Output {
  /** The host's address, 0 while unconfigured. */
  address(): number;
  /**
   * Sends a datagram with `length` payload bytes to `dst`; `fill` writes the payload at `offset`
   * of `buf` (checksums included). Returns false when the NIC refused the frame (backpressure);
   * a frame queued for address resolution, or dropped and counted, returns true.
   */
  send(dst: number, protocol: number, length: number, fill: (buf: Uint8Array, offset: number) => void): boolean;
}
