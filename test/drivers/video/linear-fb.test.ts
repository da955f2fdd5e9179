import { test } from "uvu";
import * as assert from "uvu/assert";
import { LinearFramebuffer, type PixelLayout } from "../../../drivers/video/linear-fb.ts";
import { Canvas } from "../../../drivers/video/graphics/canvas.ts";

/** A sink that records 32-bit writes by address. */
class Sink {
  readonly words = new Map<number, number>();
  write32(addr: number, value: number): void {
    this.words.set(addr, value >>> 0);
  }
}

const BASE = 0x8000_0000;
const fb = (layout: PixelLayout, over: Partial<{ width: number; height: number; pixelsPerRow: number; size: number; base: number }> = {}) => {
  const sink = new Sink();
  const o = { base: BASE, width: 4, height: 3, pixelsPerRow: 8, size: 8 * 4 * 3, ...over };
  return { sink, fb: new LinearFramebuffer({ ...o, layout, sink }) };
};

test("bgrx (PixelBlueGreenRedReserved8BitPerColor): 0xRRGGBB is the word as it is; rows pixelsPerRow apart", () => {
  const { sink, fb: f } = fb({ kind: "bgrx" });
  f.setPixel(1, 2, 0x123456);
  assert.equal([...sink.words], [[BASE + 2 * 32 + 4, 0x123456]]);
});

test("rgbx (PixelRedGreenBlueReserved8BitPerColor): red in byte 0, blue in byte 2", () => {
  const { sink, fb: f } = fb({ kind: "rgbx" });
  f.setPixel(0, 0, 0x123456);
  assert.is(sink.words.get(BASE), 0x563412);
});

test("PixelBitMask: each component scaled into its mask (here RGB565 in the low half)", () => {
  const { sink, fb: f } = fb({ kind: "mask", red: 0xf800, green: 0x07e0, blue: 0x001f });
  f.setPixel(0, 0, 0xffffff);
  f.setPixel(1, 0, 0x804020);
  assert.is(sink.words.get(BASE), 0xffff);
  assert.is(sink.words.get(BASE + 4), (0x10 << 11) | (0x10 << 5) | 0x04);
});

test("fillRect and writeRow are clipped to the screen, never writing outside it", () => {
  const { sink, fb: f } = fb({ kind: "bgrx" });
  f.fillRect(-5, -5, 100, 100, 0xff);
  assert.is(sink.words.size, 12);
  for (const addr of sink.words.keys()) {
    const off = addr - BASE, row = Math.floor(off / 32), col = (off % 32) / 4;
    assert.ok(row < 3 && col < 4, `write at row ${row} column ${col}`);
  }
  sink.words.clear();
  f.writeRow(2, 1, new Uint32Array([1, 2, 3, 4]), 0, 4);
  assert.equal([...sink.words], [[BASE + 32 + 8, 1], [BASE + 32 + 12, 2]]);
  f.setPixel(4, 0, 1);
  f.setPixel(0, 3, 1);
  assert.is(sink.words.size, 2);
});

test("a Canvas draws through it", () => {
  const { sink, fb: f } = fb({ kind: "bgrx" });
  new Canvas(f).fill(0x00ff00);
  assert.is(sink.words.size, 12);
  assert.ok([...sink.words.values()].every((v) => v === 0x00ff00));
});

test("bad modes are refused with the reason", () => {
  assert.throws(() => fb({ kind: "bgrx" }, { pixelsPerRow: 3 }), /3 pixels per row is less than the width 4/);
  assert.throws(() => fb({ kind: "bgrx" }, { size: 8 * 4 * 2 }), /smaller than 3 rows of 8 pixels/);
  assert.throws(() => fb({ kind: "bgrx" }, { width: 0 }), /size 0x3/);
  assert.throws(() => fb({ kind: "bgrx" }, { base: 2 }), /4-byte aligned/);
  assert.throws(() => fb({ kind: "mask", red: 0, green: 0xff00, blue: 0xff }), /the red mask is 0/);
  assert.throws(() => fb({ kind: "mask", red: 0xf0f, green: 0xff00, blue: 0xff }), /not one run of bits/);
  assert.throws(() => fb({ kind: "bgrx" }).fb.fillRect(NaN, 0, 1, 1, 0), /NaN/);
});

test.run();
