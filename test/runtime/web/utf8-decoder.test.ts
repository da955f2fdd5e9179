import { test } from "uvu";
import * as assert from "uvu/assert";
import { UTF8_BROKEN, UTF8_ERROR, UTF8_MORE, Utf8Decoder } from "../../../runtime/web/utf8-decoder.ts";

/** What step() answers for each byte of `bytes`, one decoder throughout. */
function steps(bytes: number[]): number[] {
  const d = new Utf8Decoder(false);
  return bytes.map((b) => d.step(b));
}

test("step: ASCII at once, a sequence's code point on its last byte", () => {
  assert.equal(steps([0x41]), [0x41]);
  assert.equal(steps([0xc3, 0xa9]), [UTF8_MORE, 0xe9]);
  assert.equal(steps([0xe2, 0x82, 0xac]), [UTF8_MORE, UTF8_MORE, 0x20ac]);
  assert.equal(steps([0xf0, 0x9f, 0x98, 0x80]), [UTF8_MORE, UTF8_MORE, UTF8_MORE, 0x1f600]);
});

test("step: a byte no sequence starts with is an error; one that breaks a sequence is to be fed again", () => {
  assert.equal(steps([0x80, 0xc0, 0xf5, 0xff]), [UTF8_ERROR, UTF8_ERROR, UTF8_ERROR, UTF8_ERROR]);
  // After E0 the next byte must be A0-BF (no overlong forms), after ED 80-9F (no surrogates).
  assert.equal(steps([0xe0, 0x80]), [UTF8_MORE, UTF8_BROKEN]);
  assert.equal(steps([0xed, 0xa0]), [UTF8_MORE, UTF8_BROKEN]);
  const d = new Utf8Decoder(false);
  assert.equal([d.step(0xc3), d.step(0x41)], [UTF8_MORE, UTF8_BROKEN]);
  assert.is(d.pending, false, "the broken sequence is forgotten");
  assert.is(d.step(0x41), 0x41, "the byte fed again starts afresh");
});

test("decode: long ASCII runs around sequences and errors give Node's text, in one call and split", () => {
  // Runs longer than the 4096-unit chunk, sequences and broken ones right after and before them.
  const parts: number[] = [];
  for (const n of [1, 4095, 4096, 4097, 9000]) {
    for (let i = 0; i < n; i++) parts.push(0x20 + (i % 95));
    parts.push(0xc3, 0xa9, 0xe2, 0x82, 0xc3, 0x41, 0xf0, 0x9f, 0x98, 0x80, 0xff);
  }
  parts.push(0xe2, 0x82);
  const bytes = Uint8Array.from(parts);
  assert.is(new Utf8Decoder(false).decode(bytes, true), new TextDecoder().decode(bytes));
  for (const at of [1, 4095, 4097, 8195, bytes.length - 1]) {
    const d = new Utf8Decoder(false);
    const text = d.decode(bytes.subarray(0, at), false) + d.decode(bytes.subarray(at), true);
    assert.is(text, new TextDecoder().decode(bytes), `split at ${at}`);
  }
  assert.throws(() => new Utf8Decoder(true).decode(bytes, true), (e: Error) => e instanceof TypeError);
});

test.run();
