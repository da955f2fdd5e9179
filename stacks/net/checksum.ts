/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of
 * the data taken as big-endian 16-bit words. Used by IPv4 (RFC 791 section 3.1), ICMP (RFC 792),
 * UDP (RFC 768) and TCP (RFC 9293 section 3.1), the last two over a pseudo-header.
 */

/**
 * Adds `length` bytes of `data` from `offset` to the running sum `initial` (RFC 1071 section
 * 4.1); an odd last byte is padded with a zero byte on the right. The result is unfolded: pass it
 * on to the next call, or to finish().
 */
export function sum16(data: Uint8Array, offset: number, length: number, initial = 0): number {
  let sum = initial;
  const end = offset + length;
  let i = offset;
  for (; i + 1 < end; i += 2) sum += (data[i] << 8) | data[i + 1];
  if (i < end) sum += data[i] << 8;
  // Deferred carries (RFC 1071 section 2 (B)): 65535 words of 0xffff stay below 2^32, and a
  // double holds far more, so one fold at the end is exact.
  return sum;
}

/** Folds the carries of a sum into 16 bits (RFC 1071 section 2 (C), end-around carry). */
export function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return sum;
}

/** The checksum field for a sum taken with the field itself zero. */
export function finish(sum: number): number {
  return ~fold(sum) & 0xffff;
}

/** Whether a sum over the data including its checksum field verifies (folds to all ones). */
export function verifies(sum: number): boolean {
  return fold(sum) === 0xffff;
}

/**
 * The sum of the IPv4 pseudo-header of UDP (RFC 768) and TCP (RFC 9293 section 3.1): source and
 * destination address, zero, protocol, and the transport length.
 */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}
