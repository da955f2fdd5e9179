/**
 * runtime/web/crypto/random.ts: the Web Crypto unit's CSPRNG draws its seed from the hardware
 * source, reseeds from it after RESEED_BYTES bytes or RESEED_REQUESTS requests, refuses with an
 * OperationError naming crypto.seed when the board has no source, and works from seed() then.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { randomFillSync } from "node:crypto";
import { MIN_SEED_BYTES, RandomGenerator, RESEED_BYTES, RESEED_REQUESTS } from "../../../../runtime/web/crypto/random.ts";

function counted() {
  const draws: number[] = [];
  return { draws, source: (b: Uint8Array) => (draws.push(b.length), randomFillSync(b), undefined) };
}

test("seeded from the hardware on first use, with 48 bytes; nothing is drawn before", () => {
  const { draws, source } = counted();
  const g = new RandomGenerator(source);
  assert.equal(draws, []);
  const a = g.bytes(32, "test"), b = g.bytes(32, "test");
  assert.equal(draws, [48]);
  assert.is.not(Buffer.from(a).toString("hex"), Buffer.from(b).toString("hex"));
});

test("reseeds from the hardware after RESEED_BYTES bytes and after RESEED_REQUESTS requests", () => {
  const { draws, source } = counted();
  const g = new RandomGenerator(source);
  g.bytes(RESEED_BYTES, "test");
  assert.equal(draws, [48]);
  g.bytes(1, "test");
  assert.equal(draws, [48, 48], "reseeded once RESEED_BYTES were out");
  const h = counted();
  const g2 = new RandomGenerator(h.source);
  for (let i = 0; i < RESEED_REQUESTS; i++) g2.bytes(1, "test");
  assert.equal(h.draws, [48]);
  g2.bytes(1, "test");
  assert.equal(h.draws, [48, 48], "reseeded after RESEED_REQUESTS requests");
});

test("no hardware source: an OperationError naming crypto.seed until seed(), which then suffices", () => {
  let tries = 0;
  const g = new RandomGenerator(() => {
    tries++;
    throw new TypeError("crypto.getRandomValues: this board has no random number source");
  });
  const e = (() => {
    try {
      g.bytes(32, "generateKey(Ed25519)");
    } catch (err) {
      return err as DOMException;
    }
  })();
  assert.ok(e instanceof DOMException);
  assert.is(e!.name, "OperationError");
  assert.match(e!.message, /^generateKey\(Ed25519\): the random generator has no entropy \(crypto\.getRandomValues: this board has no random number source\); call crypto\.seed\(bytes\) first/);
  assert.throws(() => g.seed(new Uint8Array(MIN_SEED_BYTES - 1)), (x: unknown) => x instanceof RangeError && /at least 32 bytes/.test((x as Error).message));
  g.seed(new Uint8Array(MIN_SEED_BYTES).fill(7));
  assert.is(g.bytes(16, "test").length, 16);
  assert.is(tries, 1, "a board without a source is asked once");
  // Two generators seeded alike agree: the seed is all the entropy there is (why it must be secret).
  const twin = new RandomGenerator(() => {
    throw new TypeError("none");
  });
  twin.seed(new Uint8Array(MIN_SEED_BYTES).fill(7));
  twin.bytes(16, "test");
  assert.is(Buffer.from(twin.bytes(8, "t")).toString("hex"), Buffer.from(g.bytes(8, "t")).toString("hex"));
});

test("seed() with a hardware source mixes the app's bytes in with fresh hardware entropy", () => {
  const { draws, source } = counted();
  const g = new RandomGenerator(source);
  g.seed(new Uint8Array(32));
  assert.equal(draws, [48]);
  const h = new RandomGenerator(source);
  h.seed(new Uint8Array(32));
  assert.is.not(Buffer.from(g.bytes(16, "t")).toString("hex"), Buffer.from(h.bytes(16, "t")).toString("hex"));
});

test.run();
