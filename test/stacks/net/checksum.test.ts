import { test } from "uvu";
import * as assert from "uvu/assert";
import { finish, fold, pseudoHeaderSum, sum16, verifies } from "../../../stacks/net/checksum.ts";
import { hex, inetChecksum } from "../../support/net/frames.ts";

test("RFC 1071 section 3 example: 0001 f203 f4f5 f6f7 sums to ddf2, checksum 220d", () => {
  const data = hex("0001f203f4f5f6f7");
  assert.is(fold(sum16(data, 0, data.length)), 0xddf2);
  assert.is(finish(sum16(data, 0, data.length)), 0x220d);
});

test("a textbook IPv4 header (192.168.0.1 -> 192.168.0.199) has checksum b861", () => {
  const header = hex("450000730000400040110000c0a80001c0a800c7");
  assert.is(finish(sum16(header, 0, 20)), 0xb861);
  header[10] = 0xb8;
  header[11] = 0x61;
  assert.ok(verifies(sum16(header, 0, 20)));
  header[15] ^= 1;
  assert.not.ok(verifies(sum16(header, 0, 20)));
});

test("an odd length pads the last byte with zero on the right", () => {
  assert.is(finish(sum16(hex("01"), 0, 1)), finish(sum16(hex("0100"), 0, 2)));
  assert.is(finish(sum16(hex("abcdef"), 0, 3)), inetChecksum(hex("abcdef")));
});

test("offset and length select the bytes, and sums chain", () => {
  const data = hex("ffff0102030405ffff");
  assert.is(finish(sum16(data, 2, 5)), inetChecksum(hex("0102030405")));
  assert.is(finish(sum16(data, 4, 3, sum16(data, 2, 2))), finish(sum16(data, 2, 5)));
});

test("64 KiB of 0xff folds exactly (deferred carries)", () => {
  const data = new Uint8Array(65535).fill(0xff);
  assert.is(finish(sum16(data, 0, data.length)), inetChecksum(data));
  const random = Uint8Array.from({ length: 9001 }, (_, i) => (i * 7919) & 0xff);
  assert.is(finish(sum16(random, 0, random.length)), inetChecksum(random));
});

test("the pseudo-header sum is the sum of its 12 bytes", () => {
  const src = 0x0a00020f;
  const dst = 0xc0a800c7;
  const bytes = hex("0a00020fc0a800c7000600 1c".replace(" ", ""));
  assert.is(fold(pseudoHeaderSum(src, dst, 6, 0x1c)), fold(sum16(bytes, 0, 12)));
});

test.run();
