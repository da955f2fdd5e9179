/** IPv4 addresses as unsigned 32-bit numbers, and MAC addresses as 6-byte arrays. */

export const BROADCAST_MAC = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
export const LIMITED_BROADCAST = 0xffffffff;

/** Parses dotted-quad "10.0.2.15"; throws RangeError on anything else. */
export function parseIpv4(text: string): number {
  const parts = text.split(".");
  if (parts.length !== 4) throw new RangeError(`not an IPv4 address: ${JSON.stringify(text)}`);
  let value = 0;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) {
      throw new RangeError(`not an IPv4 address: ${JSON.stringify(text)}`);
    }
    value = value * 256 + Number(p);
  }
  return value;
}

export function formatIpv4(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}

export function formatMac(mac: Uint8Array): string {
  return Array.from(mac.subarray(0, 6), (b) => b.toString(16).padStart(2, "0")).join(":");
}

export function sameMac(a: Uint8Array, aOffset: number, b: Uint8Array, bOffset = 0): boolean {
  for (let i = 0; i < 6; i++) if (a[aOffset + i] !== b[bOffset + i]) return false;
  return true;
}

/** Group bit of the first octet (IEEE 802 section 8.2): multicast, broadcast included. */
export function isGroupMac(a: Uint8Array, offset: number): boolean {
  return (a[offset] & 1) === 1;
}

export function isAllZeroMac(a: Uint8Array, offset: number): boolean {
  for (let i = 0; i < 6; i++) if (a[offset + i] !== 0) return false;
  return true;
}

/** 224.0.0.0/4 (RFC 1112 section 4). */
export function isMulticastIpv4(ip: number): boolean {
  return ip >>> 28 === 0xe;
}

export function readIpv4(view: DataView, offset: number): number {
  return view.getUint32(offset);
}
