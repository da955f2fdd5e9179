import { test } from "uvu";
import * as assert from "uvu/assert";
import { encodeScalar, encodeUtf8, scalarValueAt, utf8Length, writeUtf8 } from "../../runtime/utf8.ts";

const reference = new TextEncoder();

const SAMPLES = [
  "", "a", "hello, world\n", "\u0000\u007f", "\u0080", "é", "\u07ff", "\u0800", "€", "日本語",
  "\uffff", "\ufeffBOM", "😀", "a😀b", "👩‍👩‍👧", "𝄞 clef", "\u{10000}", "\u{10ffff}",
  "\ud800", "\udfff", "\udc00\ud800", "x\ud800y", "\ud83d", "\ud83dx", "\ude00", "😀\ud83d", "\ud800\ud800\udc00",
];

function check(s: string): void {
  const expected = reference.encode(s);
  assert.equal(Array.from(encodeUtf8(s)), Array.from(expected), JSON.stringify(s));
  assert.is(utf8Length(s), expected.length, JSON.stringify(s));
}

test("encodeUtf8 matches TextEncoder on ASCII, 2-, 3-, 4-byte sequences and lone surrogates", () => {
  for (const s of SAMPLES) check(s);
});

test("lone surrogates become U+FFFD (EF BF BD), as TextEncoder does", () => {
  assert.equal(Array.from(encodeUtf8("\ud800")), [0xef, 0xbf, 0xbd]);
  assert.equal(Array.from(encodeUtf8("a\udc00")), [0x61, 0xef, 0xbf, 0xbd]);
  assert.is(scalarValueAt("\ud83d\ude00", 0), 0x1f600);
  assert.is(scalarValueAt("\ud83d\ude00", 1), 0xfffd);
});

test("encodeScalar writes at an offset and returns the length", () => {
  const out = new Uint8Array(6);
  assert.is(encodeScalar(0x20ac, out, 2), 3);
  assert.equal(Array.from(out), [0, 0, 0xe2, 0x82, 0xac, 0]);
});

test("encodeUtf8 matches TextEncoder on random UTF-16 strings, surrogates included", () => {
  let seed = 0x2545f491;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);
  // Weighted towards the boundaries where encoders go wrong.
  const pools = [[0, 0x80], [0x80, 0x800], [0x800, 0xd800], [0xd800, 0xdc00], [0xdc00, 0xe000], [0xe000, 0x10000]];
  for (let n = 0; n < 2000; n++) {
    const units: number[] = [];
    const len = next() % 12;
    for (let i = 0; i < len; i++) {
      const [lo, hi] = pools[next() % pools.length];
      units.push(lo + (next() % (hi - lo)));
    }
    check(String.fromCharCode(...units));
  }
});

test("writeUtf8 sends ASCII, multi-byte characters and lone surrogates as TextEncoder encodes them", () => {
  const s = "a\u00e9\u20ac\ud83d\ude00\ud800z";
  const sent: number[] = [];
  writeUtf8(s, { writeByte: (b) => void sent.push(b) });
  assert.equal(sent, [...new TextEncoder().encode(s)]);
});

test.run();
