/**
 * Ethernet II framing (IEEE 802.3 clause 3.2, "DIX" type field): 6-byte destination, 6-byte
 * source, 2-byte EtherType, payload. No frame check sequence (the driver handles it; see
 * drivers/interfaces/network-interface.ts).
 */
import { isGroupMac, sameMac, BROADCAST_MAC } from "./address.ts";
import type { Counters } from "./counters.ts";

export const ETH_HEADER_LENGTH = 14;
/** 64 bytes on the wire less the 4-byte FCS (IEEE 802.3 clause 3.2.8). */
export const ETH_MIN_FRAME = 60;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
/** 802.1Q and 802.1ad tags: this stack is not VLAN-aware. */
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
/** Values below this are an 802.3 length, not a type (IEEE 802.3 clause 3.2.6). */
const ETHERTYPE_MIN = 0x0600;

export interface EthernetFrame {
  readonly type: number;
  /** Whether the destination was the broadcast address (upper layers need it for RFC 1122). */
  readonly broadcast: boolean;
  /** Offset of the source MAC in the frame is 6. */
  readonly frame: Uint8Array;
  readonly payload: Uint8Array;
}

/**
 * Checks a received frame; returns null, counting the reason, when it is not one for this host
 * (`ownMac`) in a type it understands.
 */
export function parseEthernet(frame: Uint8Array, ownMac: Uint8Array, mtu: number, counters: Counters): EthernetFrame | null {
  if (frame.length < ETH_HEADER_LENGTH) {
    counters.add("eth_truncated");
    return null;
  }
  if (frame.length > ETH_HEADER_LENGTH + mtu) {
    counters.add("eth_oversized");
    return null;
  }
  // Our own address first, unrolled: every received frame passes here, and a call per
  // comparison is what costs most in QuickJS.
  const mine = frame[0] === ownMac[0] && frame[1] === ownMac[1] && frame[2] === ownMac[2] &&
    frame[3] === ownMac[3] && frame[4] === ownMac[4] && frame[5] === ownMac[5];
  const broadcast = !mine && sameMac(frame, 0, BROADCAST_MAC);
  if (!mine && !broadcast) {
    counters.add(isGroupMac(frame, 0) ? "eth_multicast" : "eth_not_for_us");
    return null;
  }
  if ((frame[6] & 1) === 1) {
    // A group address is never a source (IEEE 802.3 clause 3.2.3 (b)).
    counters.add("eth_bad_source");
    return null;
  }
  const type = (frame[12] << 8) | frame[13];
  if (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ) {
    counters.add("eth_vlan");
    return null;
  }
  if (type < ETHERTYPE_MIN) {
    counters.add("eth_not_ethernet_ii");
    return null;
  }
  if (type !== ETHERTYPE_IPV4 && type !== ETHERTYPE_ARP) {
    counters.add("eth_unknown_type");
    return null;
  }
  return { type, broadcast, frame, payload: frame.subarray(ETH_HEADER_LENGTH) };
}

/**
 * A zeroed frame for `payloadLength` bytes of payload, padded to the minimum size, with the
 * source address and type written; the destination is written when the next hop is resolved.
 */
export function allocateFrame(payloadLength: number, src: Uint8Array, type: number): Uint8Array {
  const frame = new Uint8Array(Math.max(ETH_MIN_FRAME, ETH_HEADER_LENGTH + payloadLength));
  // A 6-byte address is set as it is: a subarray costs a typed array per frame.
  frame.set(src.length === 6 ? src : src.subarray(0, 6), 6);
  frame[12] = type >>> 8;
  frame[13] = type & 0xff;
  return frame;
}

export function setDestination(frame: Uint8Array, dst: Uint8Array): void {
  frame.set(dst.length === 6 ? dst : dst.subarray(0, 6), 0);
}
