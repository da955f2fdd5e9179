/**
 * The PC boards' random source for crypto.getRandomValues(): the CPU's RDRAND (hal.cpu.random32)
 * and, on uefi-x64, a 32-byte seed the loader took from EFI_RNG_PROTOCOL (soc/pc/efi-facts.ts).
 * With both, each output byte is an RDRAND byte XOR the next byte of a ChaCha20 keystream keyed
 * by the seed (runtime/chacha20.ts): the XOR of two independent sources is at least as
 * unpredictable as the better one, so a weak or subverted RDRAND still gives the seed's strength
 * and a leaked seed still leaves RDRAND's. With the seed alone the keystream is the output (a
 * 256-bit seed stretched, as a DRBG does); with RDRAND alone, RDRAND. Math.random is reseeded from
 * the same source.
 */
import type { RandomFill } from "../../runtime/crypto.ts";

/** A keystream keyed by the EFI seed (runtime/chacha20.ts's ChaCha20Stream, built by efi-unit.ts). */
export interface SeedStream {
  xorInto(bytes: Uint8Array): unknown;
}

/** Which sources feed the board's randomness (board().info().random). */
export type RandomSources = "rdrand" | "efi-rng" | "rdrand+efi-rng";

/** Fills `bytes` from `random32`, four bytes per call. */
function fillFromCpu(random32: () => number, bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i += 4) {
    let v = random32();
    for (let j = i; j < Math.min(i + 4, bytes.length); j++, v >>>= 8) bytes[j] = v & 0xff;
  }
}

/**
 * The fill over what there is, and its name; undefined when there is nothing (no RDRAND that
 * works, no seed): crypto then keeps the engine's "no random number source" error rather than a
 * weak source. `random32` is tried once here, so an RDRAND that fails is not used.
 */
export function boardEntropy(random32: (() => number) | undefined, stream: SeedStream | undefined): { fill: RandomFill; sources: RandomSources } | undefined {
  let cpu = random32;
  if (cpu) {
    try {
      cpu();
    } catch {
      cpu = undefined;
    }
  }
  if (cpu && stream) {
    const rdrand = cpu;
    return { sources: "rdrand+efi-rng", fill: (b) => { fillFromCpu(rdrand, b); stream.xorInto(b); } };
  }
  if (cpu) {
    const rdrand = cpu;
    return { sources: "rdrand", fill: (b) => fillFromCpu(rdrand, b) };
  }
  if (stream) return { sources: "efi-rng", fill: (b) => stream.xorInto(b.fill(0)) };
  return undefined;
}
