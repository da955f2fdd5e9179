/**
 * runtime/web/crypto/hmac-drbg.ts (SP 800-90A HMAC_DRBG, SHA-256) against two independent
 * implementations: @noble/curves' createHmacDrbg (RFC 6979 § 3.2's generator, the same
 * Instantiate/Generate steps) and the steps of SP 800-90A § 10.1.2 written out here over Node's
 * HMAC, with reseeds and additional input.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHmac, randomBytes } from "node:crypto";
import { createHmacDrbg } from "@noble/curves/utils.js";
import { HmacDrbg, MAX_REQUEST_BYTES } from "../../../../runtime/web/crypto/hmac-drbg.ts";

const mac = (key: Buffer, ...parts: Uint8Array[]) => createHmac("sha256", key).update(Buffer.concat(parts)).digest();

/** SP 800-90A § 10.1.2 over Node's HMAC-SHA-256, step by step. */
class Reference {
  k = Buffer.alloc(32);
  v = Buffer.alloc(32, 1);
  constructor(seed: Uint8Array) {
    this.update(seed);
  }
  update(data?: Uint8Array): void {
    this.k = mac(this.k, this.v, Uint8Array.of(0), data ?? new Uint8Array(0));
    this.v = mac(this.k, this.v);
    if (!data || data.length === 0) return;
    this.k = mac(this.k, this.v, Uint8Array.of(1), data);
    this.v = mac(this.k, this.v);
  }
  generate(n: number, additional?: Uint8Array): Buffer {
    if (additional?.length) this.update(additional);
    const out: Buffer[] = [];
    let have = 0;
    while (have < n) {
      this.v = mac(this.k, this.v);
      out.push(this.v);
      have += 32;
    }
    this.update(additional?.length ? additional : undefined);
    return Buffer.concat(out).subarray(0, n);
  }
}

test("Instantiate + Generate equal noble's RFC 6979 HMAC-DRBG (first output, and after a rejected one)", () => {
  for (const n of [32, 48, 64]) {
    const seed = randomBytes(n);
    const ours = new HmacDrbg(seed);
    const hmacFn = (key: Uint8Array, message: Uint8Array) => new Uint8Array(mac(Buffer.from(key), message));
    const first = createHmacDrbg<Uint8Array>(32, 32, hmacFn)(seed, (b) => b.slice());
    let rejected = 0;
    const second = createHmacDrbg<Uint8Array>(32, 32, hmacFn)(seed, (b) => (rejected++ === 0 ? undefined : b.slice()));
    assert.is(Buffer.from(ours.generate(32)).toString("hex"), Buffer.from(first).toString("hex"));
    assert.is(Buffer.from(ours.generate(32)).toString("hex"), Buffer.from(second).toString("hex"));
  }
});

test("Generate, Reseed and additional input follow SP 800-90A § 10.1.2 step by step", () => {
  const seed = randomBytes(48);
  const ours = new HmacDrbg(seed);
  const ref = new Reference(seed);
  for (const [n, extra] of [[1, undefined], [31, randomBytes(5)], [33, undefined], [100, randomBytes(40)], [0, undefined]] as const) {
    assert.is(Buffer.from(ours.generate(n, extra)).toString("hex"), ref.generate(n, extra).toString("hex"), `${n} bytes`);
  }
  const entropy = randomBytes(48);
  ours.reseed(entropy);
  ref.update(entropy);
  assert.is(ours.reseedCounter, 1);
  assert.is(Buffer.from(ours.generate(64)).toString("hex"), ref.generate(64).toString("hex"));
  assert.is(ours.reseedCounter, 2);
});

test("a request over 64 KiB or not a whole count is a RangeError", () => {
  const d = new HmacDrbg(randomBytes(48));
  assert.throws(() => d.generate(MAX_REQUEST_BYTES + 1), RangeError);
  assert.throws(() => d.generate(1.5), RangeError);
  assert.is(d.generate(MAX_REQUEST_BYTES).length, MAX_REQUEST_BYTES);
});

test.run();
