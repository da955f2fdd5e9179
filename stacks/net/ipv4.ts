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
  /**
   * Bytes of the header, options included: they lie just before `payload` in its buffer (ICMP
   * quotes them). A count rather than a view of the whole datagram, which every segment would
   * pay for and only ICMP errors use.
   */
  readonly headerLength: number;
  /** The payload (link padding cut off). */
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
  // Fields read byte by byte: a DataView per datagram costs more than the shifts (QuickJS).
  const totalLength = (data[2] << 8) | data[3];
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
  const fragment = (data[6] << 8) | data[7];
  if ((fragment & 0x2000) !== 0 || (fragment & 0x1fff) !== 0) {
    counters.add("ipv4_fragment");
    return null;
  }
  const src = ((data[12] << 24) | (data[13] << 16) | (data[14] << 8) | data[15]) >>> 0;
  const dst = ((data[16] << 24) | (data[17] << 16) | (data[18] << 8) | data[19]) >>> 0;
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
    headerLength,
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
  // Byte stores rather than a DataView per datagram (cheaper in QuickJS); typed-array stores
  // keep the low 8 bits, so the shifts need no masks.
  const o = offset;
  const total = IPV4_HEADER_LENGTH + h.payloadLength;
  const { id, src, dst } = h;
  buf[o] = 0x45;
  buf[o + 1] = 0;
  buf[o + 2] = total >>> 8;
  buf[o + 3] = total;
  buf[o + 4] = id >>> 8;
  buf[o + 5] = id;
  buf[o + 6] = 0x40;
  buf[o + 7] = 0;
  buf[o + 8] = h.ttl ?? DEFAULT_TTL;
  buf[o + 9] = h.protocol;
  buf[o + 10] = 0;
  buf[o + 11] = 0;
  buf[o + 12] = src >>> 24;
  buf[o + 13] = src >>> 16;
  buf[o + 14] = src >>> 8;
  buf[o + 15] = src;
  buf[o + 16] = dst >>> 24;
  buf[o + 17] = dst >>> 16;
  buf[o + 18] = dst >>> 8;
  buf[o + 19] = dst;
  // The checksum from the field values rather than read back from the bytes just written: the
  // same 16-bit words (RFC 791 3.1 layout; RFC 1071), a tenth of the work in QuickJS.
  const ttl = h.ttl ?? DEFAULT_TTL;
  const sum = finish(0x4500 + (total & 0xffff) + (id & 0xffff) + 0x4000 + (((ttl & 0xff) << 8) | (h.protocol & 0xff)) +
    (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff));
  buf[o + 10] = sum >>> 8;
  buf[o + 11] = sum;
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
