import { test } from "uvu";
import * as assert from "uvu/assert";
import { boardEntropy } from "../../../soc/pc/entropy.ts";
import { ChaCha20Stream } from "../../../runtime/chacha20.ts";

const seed = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
const counter = () => {
  let n = 0;
  return () => (n++ * 0x01010101) >>> 0;
};
const keystream = (n: number) => {
  const b = new Uint8Array(n);
  new ChaCha20Stream(seed).xorInto(b);
  return b;
};

test("RDRAND and the EFI seed: each byte is RDRAND's XOR the seed's ChaCha20 keystream", () => {
  const e = boardEntropy(counter(), new ChaCha20Stream(seed))!;
  assert.is(e.sources, "rdrand+efi-rng");
  const out = new Uint8Array(10);
  e.fill(out);
  // boardEntropy tried RDRAND once (value 0), so the words are 1, 2, 3 (each byte the same).
  const rdrand = [1, 1, 1, 1, 2, 2, 2, 2, 3, 3];
  const ks = keystream(10);
  assert.equal([...out], rdrand.map((r, i) => r ^ ks[i]));
});

test("the seed alone: the keystream; RDRAND alone: RDRAND", () => {
  const s = boardEntropy(undefined, new ChaCha20Stream(seed))!;
  assert.is(s.sources, "efi-rng");
  const out = new Uint8Array(70).fill(0xaa);
  s.fill(out);
  assert.equal([...out], [...keystream(70)]);
  const r = boardEntropy(counter(), undefined)!;
  assert.is(r.sources, "rdrand");
  const b = new Uint8Array(4);
  r.fill(b);
  assert.equal([...b], [1, 1, 1, 1]);
});

test("an RDRAND that fails is not used; with no seed there is no source at all", () => {
  const broken = () => {
    throw new Error("cpu.random32: the CPU's random number generator failed 10 times");
  };
  assert.is(boardEntropy(broken, undefined), undefined);
  assert.is(boardEntropy(broken, new ChaCha20Stream(seed))!.sources, "efi-rng");
  assert.is(boardEntropy(undefined, undefined), undefined);
});

test.run();
