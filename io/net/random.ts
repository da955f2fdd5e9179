/**
 * The default network's random numbers (TCP initial sequence numbers, ephemeral ports, DNS ids,
 * DHCP transaction ids): `crypto.getRandomValues` when the board has a random source; where it
 * has none (QEMU's sifive_u and i.MX6UL, whose getRandomValues throws) one warning line and
 * Math.random, so that the network still works, predictably, rather than not at all.
 */

export const NO_RANDOM_SOURCE_WARNING = "network: this board has no random source; TCP sequence numbers, ports and DNS ids are predictable";

/** The part of WebCrypto used here (the firmware's runtime/crypto.ts and Node's both fit it). */
export interface RandomSource {
  getRandomValues(array: Uint32Array): Uint32Array;
}

/** A uniformly random unsigned 32-bit integer generator from `source`, or Math.random with a warning. */
export function systemRandom(source: RandomSource | undefined, warn: (line: string) => void): () => number {
  if (source && typeof source.getRandomValues === "function") {
    const word = new Uint32Array(1);
    try {
      source.getRandomValues(word);
      return () => {
        source.getRandomValues(word);
        return word[0];
      };
    } catch {
      // No entropy source on this board: fall through to the warning.
    }
  }
  warn(NO_RANDOM_SOURCE_WARNING);
  return () => Math.floor(Math.random() * 0x100000000) >>> 0;
}

/** The global `crypto`, if the runtime has one. */
export function globalRandomSource(): RandomSource | undefined {
  return (globalThis as { crypto?: RandomSource }).crypto;
}
