import { test } from "uvu";
import * as assert from "uvu/assert";
import { chacha20Block, ChaCha20Stream } from "../../runtime/chacha20.ts";

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, "").match(/../g)!.map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array) => Buffer.from(b).toString("hex");

test("RFC 8439 2.3.2: the block function's test vector", () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => i);
  const nonce = hex("000000090000004a00000000");
  assert.is(
    toHex(chacha20Block(key, 1, nonce)),
    "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e" +
      "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e",
  );
});

test("RFC 8439 A.1 test vector 1: the all-zero key and nonce, block 0", () => {
  assert.is(
    toHex(chacha20Block(new Uint8Array(32), 0, new Uint8Array(12))),
    "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7" +
      "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586",
  );
});

test("the stream XORs the keystream in, across block boundaries, whatever the chunking", () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
  const whole = new Uint8Array(200);
  new ChaCha20Stream(key).xorInto(whole);
  const s = new ChaCha20Stream(key);
  const parts = [new Uint8Array(3), new Uint8Array(64), new Uint8Array(70), new Uint8Array(63)];
  for (const p of parts) s.xorInto(p);
  assert.is(toHex(Uint8Array.from(parts.flatMap((p) => [...p]))), toHex(whole));
  const nonce = new Uint8Array(12);
  assert.is(toHex(whole.subarray(64, 128)), toHex(chacha20Block(key, 1, nonce)));
});

test("wrong key or nonce sizes are refused", () => {
  assert.throws(() => chacha20Block(new Uint8Array(16), 0, new Uint8Array(12)), /32 bytes/);
  assert.throws(() => new ChaCha20Stream(new Uint8Array(31)), /32 bytes/);
});

test.run();
