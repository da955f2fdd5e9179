/**
 * The Web Crypto API over one random generator: `subtle`, `randomUUID` and `seed` for a
 * `source` of hardware entropy. The unit (unit.ts) makes the firmware's; host tests make their own
 * over a source of their choosing.
 */
import { copyBytes } from "./bytes.ts";
import { RandomGenerator, type EntropySource } from "./random.ts";
import { SubtleCrypto } from "./subtle.ts";
import { randomUUIDWith } from "./uuid.ts";

export interface WebCrypto {
  readonly subtle: SubtleCrypto;
  randomUUID(): string;
  /** Mixes at least 32 bytes of secret entropy into the generator (the only entropy on a board without a random source). */
  seed(entropy: ArrayBuffer | ArrayBufferView): void;
}

export function createWebCrypto(source: EntropySource): WebCrypto {
  const generator = new RandomGenerator(source);
  const random = (n: number, what: string) => generator.bytes(n, what);
  return {
    subtle: new SubtleCrypto(random),
    randomUUID: randomUUIDWith(random),
    seed: (entropy) => generator.seed(copyBytes(entropy, "crypto.seed: entropy")),
  };
}
