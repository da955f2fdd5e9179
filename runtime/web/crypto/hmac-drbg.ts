/**
 * HMAC_DRBG with SHA-256 (NIST SP 800-90A Rev. 1, § 10.1.2), without prediction resistance: the
 * deterministic half of the Web Crypto unit's random generator (random.ts says where its entropy
 * comes from). Chosen over a ChaCha20 generator because it is NIST-approved, well analysed, and
 * built from the HMAC-SHA-256 this unit carries anyway; noble's ChaCha-based generators are
 * documented as test-only. Speed does not matter here: keys and UUIDs draw tens of bytes.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";

/** SP 800-90A Table 2: at most 2^19 bits (64 KiB) per generate request. */
export const MAX_REQUEST_BYTES = 65536;

export class HmacDrbg {
  private key = new Uint8Array(32);
  private value = new Uint8Array(32).fill(1);
  /** Generate requests since the last (re)seed (§ 10.1.2.1 reseed_counter, from 1). */
  reseedCounter = 1;

  /** § 10.1.2.3 Instantiate: seed_material = entropy_input || nonce || personalization_string. */
  constructor(seedMaterial: Uint8Array) {
    this.update(seedMaterial);
  }

  /** § 10.1.2.2 HMAC_DRBG_Update. */
  private update(data: Uint8Array | undefined): void {
    const n = data?.length ?? 0;
    for (const round of [0, 1]) {
      if (round === 1 && n === 0) return;
      const msg = new Uint8Array(33 + n);
      msg.set(this.value);
      msg[32] = round;
      if (data) msg.set(data, 33);
      this.key = hmac(sha256, this.key, msg);
      this.value = hmac(sha256, this.key, this.value);
    }
  }

  /** § 10.1.2.4 Reseed: seed_material = entropy_input || additional_input. */
  reseed(seedMaterial: Uint8Array): void {
    this.update(seedMaterial);
    this.reseedCounter = 1;
  }

  /** § 10.1.2.5 Generate: `length` bytes (at most MAX_REQUEST_BYTES). */
  generate(length: number, additional?: Uint8Array): Uint8Array {
    if (!Number.isInteger(length) || length < 0 || length > MAX_REQUEST_BYTES) throw new RangeError(`HMAC_DRBG: cannot generate ${length} bytes in one request`);
    if (additional && additional.length > 0) this.update(additional);
    const out = new Uint8Array(length);
    for (let at = 0; at < length; at += 32) {
      this.value = hmac(sha256, this.key, this.value);
      out.set(this.value.subarray(0, Math.min(32, length - at)), at);
    }
    this.update(additional && additional.length > 0 ? additional : undefined);
    this.reseedCounter++;
    return out;
  }
}
