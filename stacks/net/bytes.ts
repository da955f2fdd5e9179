/**
 * Big-endian field readers for the parsers (DHCP, DNS, ICMP, Ethernet): multi-byte header fields
 * are in network byte order, most significant byte first (RFC 791 appendix B, "Data
 * Transmission Order"). The caller has checked that the bytes are there.
 */

/** The 16-bit field at `at`. */
export function readU16(data: ArrayLike<number>, at: number): number {
  return (data[at] << 8) | data[at + 1];
}

/** The 32-bit field at `at`, unsigned. */
export function readU32(data: ArrayLike<number>, at: number): number {
  return ((data[at] << 24) | (data[at + 1] << 16) | (data[at + 2] << 8) | data[at + 3]) >>> 0;
}
