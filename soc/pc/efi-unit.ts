/**
 * The image unit "efi" of the PC boards: what the uefi-x64 loader learned from UEFI boot services
 * (efi-facts.ts) and the ChaCha20 keystream keyed by its EFI_RNG_PROTOCOL seed (entropy.ts mixes
 * it with RDRAND). The build adds it only to boards that boot through UEFI (tools/lib/units.ts),
 * and services.ts loads it only when the command line carries the loader's "efi" word, so
 * microvm, Firecracker and Cloud Hypervisor carry none of it (bench image_bytes).
 */
import { ChaCha20Stream } from "../../runtime/chacha20.ts";
import { parseEfiFacts, type EfiFacts } from "./efi-facts.ts";

/** The facts on `cmdline` and the seed's keystream; undefined without the loader's "efi" word. */
export function readEfi(cmdline: string): { facts: EfiFacts; seed?: ChaCha20Stream } | undefined {
  const facts = parseEfiFacts(cmdline);
  if (!facts) return undefined;
  return { facts, seed: facts.rngSeed ? new ChaCha20Stream(facts.rngSeed) : undefined };
}
