// runtime/bytes.ts: the byte helpers the stacks, the Web Crypto unit and the console-line codecs
// share (big- and little-endian integers, concatenation, constant-time comparison).
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  concatBytes,
  equalBytes,
  readU16BE,
  readU24BE,
  readU32BE,
  readU32LE,
  writeU16BE,
  writeU24BE,
  writeU32BE,
  writeU32LE,
} from "../../runtime/bytes.ts";

test("big-endian readers: most significant byte first, at an offset, unsigned, from a plain array too", () => {
  const b = Uint8Array.of(0x00, 0x12, 0x34, 0x56, 0x78, 0x9a);
  assert.is(readU16BE(b, 1), 0x1234);
  assert.is(readU16BE(b, 4), 0x789a);
  assert.is(readU24BE(b, 1), 0x12_3456);
  assert.is(readU24BE(Uint8Array.of(0xff, 0xff, 0xff), 0), 0xff_ffff);
  assert.is(readU32BE(b, 1), 0x1234_5678);
  assert.is(readU32BE([0xff, 0xff, 0xff, 0xfe], 0), 0xffff_fffe);
});

test("big-endian writers store the low bits at an offset, and round trip with the readers", () => {
  const out = new Uint8Array(10);
  writeU16BE(out, 0, 0xabcd);
  writeU24BE(out, 2, 0x12_3456);
  writeU32BE(out, 5, 0xfedc_ba98);
  assert.equal([...out], [0xab, 0xcd, 0x12, 0x34, 0x56, 0xfe, 0xdc, 0xba, 0x98, 0]);
  assert.is(readU32BE(out, 5), 0xfedc_ba98);
  const wide = new Uint8Array(3);
  writeU16BE(wide, 0, 0x1_2345); // only the low 16 bits, as a uint16 field holds them
  assert.equal([...wide], [0x23, 0x45, 0]);
});

test("little-endian u32: least significant byte first, unsigned, round trip", () => {
  const out = new Uint8Array(6);
  writeU32LE(out, 1, 0x8765_4321);
  assert.equal([...out], [0, 0x21, 0x43, 0x65, 0x87, 0]);
  assert.is(readU32LE(out, 1), 0x8765_4321);
  assert.is(readU32LE([0xff, 0xff, 0xff, 0xff], 0), 0xffff_ffff);
});

test("concatBytes copies the parts in order into a new array", () => {
  const a = Uint8Array.of(1, 2);
  const joined = concatBytes(a, new Uint8Array(0), Uint8Array.of(3), Uint8Array.of(4, 5, 6).subarray(1));
  assert.equal([...joined], [1, 2, 3, 5, 6]);
  a[0] = 9;
  assert.is(joined[0], 1, "a copy, not a view");
  assert.is(concatBytes().length, 0);
});

test("equalBytes: same bytes and length, whatever the position of a difference", () => {
  assert.ok(equalBytes(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3)));
  assert.ok(equalBytes(new Uint8Array(0), new Uint8Array(0)));
  assert.not.ok(equalBytes(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2)));
  assert.not.ok(equalBytes(Uint8Array.of(0, 2, 3), Uint8Array.of(1, 2, 3)));
  assert.not.ok(equalBytes(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 4)));
});

test.run();
