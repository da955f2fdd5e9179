import { test } from "uvu";
import * as assert from "uvu/assert";
import { TextDecoder as OurDecoder, TextEncoder as OurEncoder } from "../../../runtime/web/encoding.ts";

type Decoder = { decode(input?: Uint8Array, options?: { stream?: boolean }): string };
const outcome = (f: () => unknown): unknown => {
  try {
    return f();
  } catch (e) {
    return `throws ${(e as Error).name}`;
  }
};

// WPT encoding/textdecoder-fatal and textdecoder-streaming style cases: every prefix of the
// sequence space that matters (overlongs, surrogates, above U+10FFFF, truncations).
const SEQUENCES: number[][] = [
  [], [0x00], [0x7f], [0x80], [0xbf], [0xc0], [0xc1, 0xbf], [0xc2, 0x80], [0xdf, 0xbf], [0xe0, 0x80, 0x80], [0xe0, 0x9f, 0xbf],
  [0xe0, 0xa0, 0x80], [0xed, 0x9f, 0xbf], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xee, 0x80, 0x80], [0xef, 0xbf, 0xbf],
  [0xf0, 0x8f, 0xbf, 0xbf], [0xf0, 0x90, 0x80, 0x80], [0xf4, 0x8f, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf5], [0xfe], [0xff],
  [0xc2], [0xe0, 0xa0], [0xf0, 0x90, 0x80], [0xc2, 0x41], [0xe0, 0xa0, 0x41], [0xf0, 0x90, 0x41], [0xef, 0xbb, 0xbf],
  [0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], [0x41, 0xef, 0xbb, 0xbf], [0xef, 0xbb], [0xf0, 0x80, 0x80], [0xe2, 0x82, 0xac, 0xe2],
];

test("decode matches Node's TextDecoder: replacement, fatal, ignoreBOM", () => {
  for (const fatal of [false, true]) {
    for (const ignoreBOM of [false, true]) {
      const ours = new OurDecoder("utf-8", { fatal, ignoreBOM });
      const node = new TextDecoder("utf-8", { fatal, ignoreBOM });
      for (const seq of SEQUENCES) {
        const b = new Uint8Array(seq);
        assert.equal(outcome(() => ours.decode(b)), outcome(() => node.decode(b)), `${JSON.stringify(seq)} fatal=${fatal} ignoreBOM=${ignoreBOM}`);
      }
    }
  }
});

test("stream: true gives the same text for every split of the input into chunks", () => {
  const all = SEQUENCES.flat();
  for (const size of [1, 2, 3, 5, 7]) {
    const run = (d: Decoder) => {
      const out: string[] = [];
      for (let i = 0; i < all.length; i += size) out.push(d.decode(new Uint8Array(all.slice(i, i + size)), { stream: true }));
      out.push(d.decode());
      return out.join("|");
    };
    assert.is(run(new OurDecoder()), run(new TextDecoder()), `chunks of ${size}`);
  }
});

test("encode and encodeInto match Node's TextEncoder, surrogates included", () => {
  const ours = new OurEncoder();
  const node = new TextEncoder();
  for (const s of ["", "abc", "é€😀", "\ud800", "a\udc00b", "\udbff\udfff", "x".repeat(5000) + "€"]) {
    assert.equal(Array.from(ours.encode(s)), Array.from(node.encode(s)), JSON.stringify(s.slice(0, 20)));
    for (const room of [0, 1, 2, 3, 4, 5, 8]) {
      const a = new Uint8Array(room), b = new Uint8Array(room);
      assert.equal(ours.encodeInto(s, a), node.encodeInto(s, b), `${JSON.stringify(s.slice(0, 20))} into ${room}`);
      assert.equal(Array.from(a), Array.from(b));
    }
  }
});

test("labels, inputs and errors", () => {
  assert.is(new OurDecoder(" Unicode-1-1-UTF-8\n").encoding, "utf-8");
  assert.throws(() => new OurDecoder("latin1"), (e: Error) => e instanceof RangeError && /only UTF-8/.test(e.message));
  assert.throws(() => new OurDecoder().decode("x" as unknown as Uint8Array), TypeError);
  const buf = new Uint8Array([0x61, 0x62, 0x63]).buffer;
  assert.is(new OurDecoder().decode(buf), "abc");
  assert.is(new OurDecoder().decode(new DataView(buf, 1, 1)), "b");
  assert.is(new OurDecoder().decode(), "");
});

test.run();
