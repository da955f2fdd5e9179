/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of
 * the data taken as big-endian 16-bit words. Used by IPv4 (RFC 791 section 3.1), ICMP (RFC 792),
 * UDP (RFC 768) and TCP (RFC 9293 section 3.1), the last two over a pseudo-header.
 */

/** Whether Uint16Array reads bytes little-endian (every board is; checked, not assumed). */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
/** Below this many bytes the word view costs more than it saves (an IPv4 header is 20). */
const WORDS_FROM = 64;

/**
 * A word view of the whole buffer last summed, kept: received frames all lie in the NIC's one
 * DMA buffer, and a typed array made per segment costs about as much as summing 20 words.
 */
let wordsOf: ArrayBufferLike | null = null;
let words: Uint16Array<ArrayBufferLike> = new Uint16Array(0);

/**
 * Adds `length` bytes of `data` from `offset` to the running sum `initial` (RFC 1071 section
 * 4.1); an odd last byte is padded with a zero byte on the right. The result is unfolded: pass it
 * on to the next call, or to finish().
 *
 * Long runs at an even address are read as native 16-bit words, 32 to a loop turn: QuickJS
 * executes bytecode, and one element read per word, instead of two byte reads, a shift and an
 * or, is most of the cost of a segment. (32-bit words would be fewer reads, but QuickJS holds
 * those above 2^31 as doubles, and their sums leave its fast integer path: slower, and by how
 * much would depend on the data.) The sum is independent of byte order (RFC 1071 section 2 (B)):
 * the folded sum of the little-endian words is the byte-swapped folded sum, so it is folded and
 * swapped back before it joins `initial`.
 */
export function sum16(data: Uint8Array, offset: number, length: number, initial = 0): number {
  let sum = initial;
  let i = offset;
  const end = offset + length;
  const at = data.byteOffset + offset;
  if (LITTLE_ENDIAN && length >= WORDS_FROM && (at & 1) === 0) {
    const n = length >>> 1;
    const buffer = data.buffer;
    // (A buffer that shrank would fail the length check and be viewed afresh.)
    if (buffer !== wordsOf || (at >>> 1) + n > words.length) {
      words = new Uint16Array(buffer, 0, buffer.byteLength >>> 1);
      wordsOf = buffer;
    }
    const w = words;
    // Below 32768 words (64 KiB) the sum stays below 2^31: a QuickJS small integer throughout.
    let s = 0;
    let k = at >>> 1;
    const last = k + n;
    for (const n32 = k + (n & ~31); k < n32; k += 32) {
      s += w[k] + w[k + 1] + w[k + 2] + w[k + 3] + w[k + 4] + w[k + 5] + w[k + 6] + w[k + 7] +
        w[k + 8] + w[k + 9] + w[k + 10] + w[k + 11] + w[k + 12] + w[k + 13] + w[k + 14] + w[k + 15] +
        w[k + 16] + w[k + 17] + w[k + 18] + w[k + 19] + w[k + 20] + w[k + 21] + w[k + 22] + w[k + 23] +
        w[k + 24] + w[k + 25] + w[k + 26] + w[k + 27] + w[k + 28] + w[k + 29] + w[k + 30] + w[k + 31];
    }
    for (; k < last; k++) s += w[k];
    i += 2 * n;
    s = fold(s);
    sum += ((s & 0xff) << 8) | (s >>> 8);
  }
  // What is left (short sums: IPv4 headers, bare ACKs), eight bytes to a turn; the high bytes
  // and the low bytes of the words are summed apart, and the high ones shifted once at the end.
  let high = 0;
  let low = 0;
  for (; i + 7 < end; i += 8) {
    high += data[i] + data[i + 2] + data[i + 4] + data[i + 6];
    low += data[i + 1] + data[i + 3] + data[i + 5] + data[i + 7];
  }
  for (; i + 1 < end; i += 2) {
    high += data[i];
    low += data[i + 1];
  }
  if (i < end) high += data[i];
  sum += high * 256 + low;
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
