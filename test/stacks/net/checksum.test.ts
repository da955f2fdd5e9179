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

test("long runs read as words agree with the byte-wise sum at every alignment and length", () => {
  // One backing buffer, views at byte offsets 0..3 (word reads need an even address; TCP headers
  // sit 2 bytes past a 4-byte boundary), lengths around the word path's threshold and its
  // 32-word turns, odd lengths (a padded last byte) and chaining onto a running sum.
  const backing = Uint8Array.from({ length: 1600 }, (_, i) => (i * 7919 + (i >> 3)) & 0xff);
  for (let base = 0; base < 4; base++) {
    const view = backing.subarray(base);
    for (const length of [63, 64, 65, 66, 127, 128, 129, 130, 131, 1460, 1461, 1480, 1500]) {
      for (const offset of [0, 1, 2, 3]) {
        const bytes = view.subarray(offset, offset + length);
        const at = `base ${base}, offset ${offset}, length ${length}`;
        assert.is(finish(sum16(view, offset, length)), inetChecksum(bytes), at);
        assert.is(finish(sum16(view, offset, length, pseudoHeaderSum(0x0a00020f, 0xc0a80001, 6, length))),
          finish(sum16(bytes, 0, length, pseudoHeaderSum(0x0a00020f, 0xc0a80001, 6, length))), at);
      }
    }
  }
});

test("word sums that fold to 0 or to 0xffff (both zeros of one's complement) verify as the byte-wise sum does", () => {
  for (const fill of [0x00, 0xff]) {
    const data = new Uint8Array(130).fill(fill);
    assert.is(finish(sum16(data, 2, 128)), inetChecksum(data.subarray(2, 130)), `fill ${fill}`);
  }
  // A segment carrying its own checksum verifies through the word path.
  const segment = Uint8Array.from({ length: 200 }, (_, i) => (i * 31) & 0xff);
  segment[16] = 0;
  segment[17] = 0;
  const c = finish(sum16(segment, 0, segment.length));
  segment[16] = c >>> 8;
  segment[17] = c & 0xff;
  assert.ok(verifies(sum16(segment, 0, segment.length)));
  segment[150] ^= 0x10;
  assert.not.ok(verifies(sum16(segment, 0, segment.length)));
});

test("the pseudo-header sum is the sum of its 12 bytes", () => {
  const src = 0x0a00020f;
  const dst = 0xc0a800c7;
  const bytes = hex("0a00020fc0a800c7000600 1c".replace(" ", ""));
  assert.is(fold(pseudoHeaderSum(src, dst, 6, 0x1c)), fold(sum16(bytes, 0, 12)));
});

test.run();
