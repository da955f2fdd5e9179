/**
 * Where the Web Crypto unit's random bytes come from (key generation, randomUUID, AES-GCM keys):
 * an HMAC_DRBG (hmac-drbg.ts) seeded from the board's hardware random source, the one behind
 * crypto.getRandomValues() (RDRAND, the BCM2835 RNG, the i.MX RNGB/CAAM, getrandom(2) on Linux),
 * and reseeded from it after every RESEED_BYTES bytes or RESEED_REQUESTS requests, whichever comes
 * first. Fresh hardware entropy is 48 bytes (security strength 256 bits plus a nonce of half
 * that, SP 800-90A § 8.6.7).
 *
 * A board without a random source (sifive_u) has nothing to seed from: every draw then fails with
 * an OperationError until the app calls crypto.seed(bytes) with at least 32 bytes of secret
 * entropy it has from elsewhere (provisioned at manufacture, a stored seed file). seed() on a
 * board with a source mixes the bytes in as well; it never replaces the hardware entropy.
 */
import { HmacDrbg, MAX_REQUEST_BYTES } from "./hmac-drbg.ts";
import { concatBytes } from "../../bytes.ts";
import { fail } from "./errors.ts";

/** Fills `bytes` from the hardware; throws if the board has no random source. */
export type EntropySource = (bytes: Uint8Array) => void;

export const RESEED_BYTES = 1 << 20;
export const RESEED_REQUESTS = 4096;
/** The least seed() takes: the generator's security strength, 256 bits. */
export const MIN_SEED_BYTES = 32;
const ENTROPY_BYTES = 48;

export class RandomGenerator {
  private drbg: HmacDrbg | undefined;
  private bytesSinceSeed = 0;
  /** Whether the hardware source failed: the board has none, so draws need seed(). */
  private noSource = false;
  /** Why it failed (the source's error message). */
  private sourceError = "";

  constructor(private readonly source: EntropySource) {}

  /** Hardware entropy, or undefined when the board has no random source. */
  private entropy(): Uint8Array | undefined {
    if (this.noSource) return undefined;
    const bytes = new Uint8Array(ENTROPY_BYTES);
    try {
      this.source(bytes);
    } catch (e) {
      this.noSource = true;
      this.sourceError = e instanceof Error ? e.message : String(e);
      return undefined;
    }
    return bytes;
  }

  /** Mixes app entropy in (crypto.seed); with no hardware source it is the only entropy. */
  seed(bytes: Uint8Array): void {
    if (bytes.length < MIN_SEED_BYTES) throw new RangeError(`crypto.seed: at least ${MIN_SEED_BYTES} bytes of secret entropy are needed, not ${bytes.length}`);
    const hw = this.entropy();
    const material = hw ? concatBytes(hw, bytes) : bytes;
    if (this.drbg) this.drbg.reseed(material);
    else this.drbg = new HmacDrbg(material);
    this.bytesSinceSeed = 0;
  }

  /** `length` random bytes for `what` (the operation named in the error when there is no entropy). */
  bytes(length: number, what: string): Uint8Array {
    if (!this.drbg) {
      const hw = this.entropy();
      if (!hw) fail("OperationError", `${what}: the random generator has no entropy (${this.sourceError}); call crypto.seed(bytes) first with at least ${MIN_SEED_BYTES} bytes of secret entropy (docs/security.md)`);
      this.drbg = new HmacDrbg(hw);
    } else if (this.bytesSinceSeed >= RESEED_BYTES || this.drbg.reseedCounter > RESEED_REQUESTS) {
      // Without a hardware source there is nothing to reseed from: the app's seed stands.
      const hw = this.entropy();
      if (hw) this.drbg.reseed(hw);
      this.bytesSinceSeed = 0;
    }
    const out = new Uint8Array(length);
    for (let at = 0; at < length; at += MAX_REQUEST_BYTES) out.set(this.drbg.generate(Math.min(MAX_REQUEST_BYTES, length - at)), at);
    this.bytesSinceSeed += length;
    return out;
  }
}
