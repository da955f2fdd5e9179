import { test } from "uvu";
import * as assert from "uvu/assert";
import { Canvas, GLYPH_SIZE, RGB } from "../../../../drivers/video/graphics/canvas.ts";
import type { Surface } from "../../../../drivers/interfaces/display.ts";
import { FONT8X8, FONT8X8_UNKNOWN, glyphOffset } from "../../../../drivers/video/graphics/font8x8.ts";

/**
 * A surface in memory that fails the test if the canvas ever calls it with anything but integers
 * inside it (the canvas promises to clip), and counts the calls.
 */
class Screen implements Surface {
  readonly px: Uint32Array;
  calls = { fillRect: 0, setPixel: 0, writeRow: 0 };
  writeRow?: Surface["writeRow"];

  constructor(readonly width: number, readonly height: number, options: { rows?: boolean } = {}) {
    this.px = new Uint32Array(width * height).fill(BG);
    if (options.rows) {
      this.writeRow = (x, y, pixels, offset, count) => {
        this.calls.writeRow++;
        this.inside(x, y, count, 1);
        assert.ok(Number.isInteger(offset) && offset >= 0 && offset + count <= pixels.length, `writeRow offset ${offset} count ${count}`);
        for (let i = 0; i < count; i++) this.px[y * this.width + x + i] = pixels[offset + i];
      };
    }
  }

  fillRect(x: number, y: number, w: number, h: number, color: number): void {
    this.calls.fillRect++;
    this.inside(x, y, w, h);
    for (let j = y; j < y + h; j++) this.px.fill(color, j * this.width + x, j * this.width + x + w);
  }

  setPixel(x: number, y: number, color: number): void {
    this.calls.setPixel++;
    this.inside(x, y, 1, 1);
    this.px[y * this.width + x] = color;
  }

  at(x: number, y: number): number {
    return this.px[y * this.width + x];
  }

  /** The pixels of colour `color` as "x,y" strings, in row order. */
  keys(color: number): string[] {
    const out: string[] = [];
    for (let y = 0; y < this.height; y++) for (let x = 0; x < this.width; x++) if (this.at(x, y) === color) out.push(`${x},${y}`);
    return out;
  }

  /** The screen as text rows, '#' for `color`, '.' for the background, '?' for anything else. */
  art(color: number, x0 = 0, y0 = 0, w = this.width, h = this.height): string[] {
    const rows: string[] = [];
    for (let y = y0; y < y0 + h; y++) {
      let row = "";
      for (let x = x0; x < x0 + w; x++) row += this.at(x, y) === color ? "#" : this.at(x, y) === BG ? "." : "?";
      rows.push(row);
    }
    return rows;
  }

  private inside(x: number, y: number, w: number, h: number): void {
    const ok = [x, y, w, h].every(Number.isInteger) && w >= 1 && h >= 1 && x >= 0 && y >= 0 && x + w <= this.width && y + h <= this.height;
    assert.ok(ok, `surface called with (${x}, ${y}, ${w}, ${h}) on ${this.width}x${this.height}`);
  }
}

const BG = 0x0a0b0c;
const INK = 0xffffff;

function keysOf(points: Array<[number, number]>): string[] {
  return points.sort((a, b) => a[1] - b[1] || a[0] - b[0]).map(([x, y]) => `${x},${y}`);
}

function rectKeys(x0: number, y0: number, x1: number, y1: number): string[] {
  const out: Array<[number, number]> = [];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out.push([x, y]);
  return keysOf(out);
}

test("RGB packs 0xRRGGBB, clamping each component to 0..255", () => {
  assert.is(RGB(0x12, 0x34, 0x56), 0x123456);
  assert.is(RGB(255, 0, 0), 0xff0000);
  assert.is(RGB(0, 255, 0), 0x00ff00);
  assert.is(RGB(0, 0, 255), 0x0000ff);
  assert.is(RGB(300, -5, 12.9), 0xff000c);
  assert.is(RGB(NaN, 256, 1), 0x00ff01);
});

test("fill covers the whole surface in one call", () => {
  const s = new Screen(7, 5);
  new Canvas(s).fill(INK);
  assert.is(s.keys(INK).length, 35);
  assert.is(s.calls.fillRect, 1);
});

test("rect: the 1-pixel outline by default, filled with { fill: true }", () => {
  const s = new Screen(8, 6);
  const c = new Canvas(s);
  c.rect(1, 1, 5, 4, INK);
  assert.equal(s.art(INK), [
    "........",
    ".#####..",
    ".#...#..",
    ".#...#..",
    ".#####..",
    "........",
  ]);
  const t = new Screen(8, 6);
  new Canvas(t).rect(2, 1, 3, 4, INK, { fill: true });
  assert.equal(t.keys(INK), rectKeys(2, 1, 5, 5));
  assert.is(t.calls.fillRect, 1);
});

test("rect: sizes below 1 draw nothing; 1- and 2-pixel sizes draw every pixel once", () => {
  const s = new Screen(8, 8);
  const c = new Canvas(s);
  for (const [w, h] of [[0, 3], [3, 0], [-2, 3], [3, -1], [0.5, 3]]) c.rect(2, 2, w, h, INK);
  assert.is(s.calls.fillRect, 0);
  c.rect(0, 0, 1, 1, INK);
  c.rect(3, 3, 2, 5, INK);
  c.rect(6, 0, 2, 1, INK);
  assert.equal(s.keys(INK), keysOf([[0, 0], [6, 0], [7, 0], [3, 3], [4, 3], [3, 4], [4, 4], [3, 5], [4, 5], [3, 6], [4, 6], [3, 7], [4, 7]]));
  assert.is(s.calls.fillRect, 3, "an outline with no inside is one rectangle, not four overlapping edges");
});

test("rect is clipped: negative coordinates, past the right and bottom edges, entirely outside", () => {
  const s = new Screen(6, 5);
  const c = new Canvas(s);
  c.rect(-2, -3, 5, 5, INK, { fill: true });
  assert.equal(s.keys(INK), rectKeys(0, 0, 3, 2));
  const t = new Screen(6, 5);
  const d = new Canvas(t);
  d.rect(3, 2, 10, 10, INK); // only the top and left edges are on screen
  assert.equal(t.art(INK), ["......", "......", "...###", "...#..", "...#.."]);
  for (const [x, y] of [[6, 0], [0, 5], [-10, 0], [0, -10], [-1e12, -1e12]]) d.rect(x, y, 10, 10, 0x123456);
  d.rect(-1e12, 0, 1e12, 3, 0x123456, { fill: true });
  assert.equal(t.keys(0x123456), []);
  d.rect(-1e12, -1e12, 2e12, 2e12, 0x123456, { fill: true });
  assert.is(t.keys(0x123456).length, 30);
});

test("coordinates are rounded down; NaN and infinities are refused", () => {
  const s = new Screen(6, 6);
  const c = new Canvas(s);
  c.rect(1.9, 2.2, 2.7, 1.5, INK, { fill: true });
  assert.equal(s.keys(INK), ["1,2", "2,2"]);
  c.rect(-0.5, 0, 1, 1, 0x77);
  assert.equal(s.keys(0x77), [], "-0.5 rounds down to -1: off the surface");
  assert.throws(() => c.rect(NaN, 0, 1, 1, INK), RangeError);
  assert.throws(() => c.line(0, 0, Infinity, 1, INK), RangeError);
  assert.throws(() => c.text(0, NaN, "a", INK), RangeError);
  assert.throws(() => c.blit(0, 0, Infinity, 1, new Uint32Array(1)), RangeError);
});

/**
 * The pixels a line should have, worked out directly: at step i of n along the longer axis, the
 * other coordinate moves |d| * i / n rounded to the nearest integer, halves away from the start.
 * `from`/`to` limit the steps (for lines far longer than the screen).
 */
function expectedLine(x0: number, y0: number, x1: number, y1: number, from = 0, to = Infinity): Array<[number, number]> {
  const dx = x1 - x0, dy = y1 - y0, n = Math.max(Math.abs(dx), Math.abs(dy));
  const off = (d: number, i: number) => {
    const p = Math.abs(d) * i;
    let q = Math.floor(p / n);
    if (2 * (p - q * n) >= n) q++;
    return Math.sign(d) * q;
  };
  const out: Array<[number, number]> = [];
  for (let i = from; i <= Math.min(n, to); i++) out.push(n === 0 ? [x0, y0] : [x0 + off(dx, i), y0 + off(dy, i)]);
  return out;
}

test("line: both endpoints, one pixel per step of the longer axis, 8-connected, in every octant", () => {
  const ends: Array<[number, number]> = [[10, 3], [17, 10], [10, 17], [3, 10], [15, 4], [16, 15], [5, 16], [4, 6], [10, 10], [13, 2], [2, 12]];
  for (const [x1, y1] of ends) {
    const s = new Screen(20, 20);
    new Canvas(s).line(10, 10, x1, y1, INK);
    const got = s.keys(INK);
    const n = Math.max(Math.abs(x1 - 10), Math.abs(y1 - 10));
    assert.ok(got.includes("10,10") && got.includes(`${x1},${y1}`), `endpoints of (10,10)-(${x1},${y1})`);
    assert.is(got.length, n + 1, `pixel count of (10,10)-(${x1},${y1})`);
    assert.equal(got, keysOf(expectedLine(10, 10, x1, y1)), `(10,10)-(${x1},${y1})`);
  }
});

test("line: horizontal and vertical lines are one fillRect, in either direction", () => {
  const s = new Screen(10, 10);
  const c = new Canvas(s);
  c.line(7, 2, 1, 2, INK);
  c.line(4, 9, 4, 5, INK);
  assert.equal(s.keys(INK), keysOf([[1, 2], [2, 2], [3, 2], [4, 2], [5, 2], [6, 2], [7, 2], [4, 5], [4, 6], [4, 7], [4, 8], [4, 9]]));
  assert.is(s.calls.fillRect, 2);
  assert.is(s.calls.setPixel, 0);
});

test("line clipping draws exactly the visible part of the unclipped line, without walking far off-screen", () => {
  const lines: Array<[number, number, number, number]> = [
    [-15, -4, 25, 13], [30, -7, -9, 22], [-3, 5, 4, -8], [5, -20, 8, 40], [-40, 1, 50, 9], [12, 3, 2, 12], [-1, -1, -9, 30],
  ];
  for (const [x0, y0, x1, y1] of lines) {
    const big = new Screen(140, 140);
    new Canvas(big).line(x0 + 60, y0 + 60, x1 + 60, y1 + 60, INK);
    const expected = big.keys(INK).map((k) => k.split(",").map(Number)).map(([x, y]) => [x - 60, y - 60])
      .filter(([x, y]) => x >= 0 && x < 10 && y >= 0 && y < 8).map(([x, y]) => `${x},${y}`);
    const small = new Screen(10, 8);
    new Canvas(small).line(x0, y0, x1, y1, INK);
    assert.equal(small.keys(INK), expected, `(${x0},${y0})-(${x1},${y1})`);
  }
  const s = new Screen(10, 10);
  new Canvas(s).line(-16_000_000, -8_000_000, 16_000_000, 8_000_000, INK); // through the corner pixel
  assert.ok(s.calls.setPixel <= 10, `${s.calls.setPixel} setPixel calls`);
  // Steps 16e6 .. 16e6 + 9 are columns 0..9.
  assert.equal(s.keys(INK), keysOf(expectedLine(-16_000_000, -8_000_000, 16_000_000, 8_000_000, 16_000_000, 16_000_009)));
  assert.equal(s.keys(INK).slice(0, 4), ["0,0", "1,1", "2,1", "3,2"]);
  assert.throws(() => new Canvas(s).line(0, 0, 2 ** 24 + 1, 0, INK), RangeError);
});

test("blit copies rows to the right place, clipped on every side, through writeRow or setPixel", () => {
  const img = new Uint32Array(4 * 3);
  for (let i = 0; i < img.length; i++) img[i] = 0x100 + i; // row r, column c: 0x100 + 4r + c
  for (const rows of [true, false]) {
    for (const [x, y] of [[2, 1], [-2, -1], [4, 3], [-4, 0], [0, 5]]) {
      const s = new Screen(6, 5, { rows });
      new Canvas(s).blit(x, y, 4, 3, img);
      for (let py = 0; py < 5; py++) {
        for (let px = 0; px < 6; px++) {
          const c = px - x, r = py - y;
          const want = c >= 0 && c < 4 && r >= 0 && r < 3 ? 0x100 + 4 * r + c : BG;
          assert.is(s.at(px, py), want, `rows ${rows}, blit at (${x},${y}), pixel (${px},${py})`);
        }
      }
      if (rows) assert.is(s.calls.setPixel, 0);
    }
  }
  const s = new Screen(6, 5, { rows: true });
  new Canvas(s).blit(1, 1, 4, 3, img);
  assert.is(s.calls.writeRow, 3, "one call per row");
  assert.throws(() => new Canvas(s).blit(0, 0, 4, 4, img), RangeError);
  assert.throws(() => new Canvas(s).blit(0, 0, -1, 4, img), RangeError);
});

/** 'A' and 'g' as drawn in drivers/video/graphics/font8x8.ts, written out again here. */
const A = ["..###...", ".#...#..", ".#...#..", ".#####..", ".#...#..", ".#...#..", ".#...#..", "........"];
const g = ["........", "........", "..####..", ".#...#..", ".#...#..", "..####..", ".....#..", "..###..."];

test("text draws the font's glyphs: 'A' and 'g' cell by cell, and every glyph against the table", () => {
  const s = new Screen(20, 10);
  const end = new Canvas(s).text(2, 1, "Ag", INK);
  assert.is(end, 2 + 16);
  assert.equal(s.art(INK, 2, 1, 8, 8), A);
  assert.equal(s.art(INK, 10, 1, 8, 8), g);
  assert.equal(s.art(INK, 0, 0, 20, 1), ["...................."], "nothing above the cells");
  for (let code = 0x20; code <= 0x7e; code++) {
    const t = new Screen(8, 8);
    new Canvas(t).text(0, 0, String.fromCharCode(code), INK);
    const rows = [...FONT8X8.subarray((code - 0x20) * 8, (code - 0x20) * 8 + 8)].map((b) => b.toString(2).padStart(8, "0").replace(/1/g, "#").replace(/0/g, "."));
    assert.equal(t.art(INK), rows, `0x${code.toString(16)}`);
  }
});

test("text: background fills the unset pixels of each cell; scale enlarges every font pixel", () => {
  const s = new Screen(24, 18);
  new Canvas(s).text(0, 1, "A", INK, { background: 0x222222, scale: 2 });
  const want = A.flatMap((row) => {
    const wide = [...row].map((ch) => ch + ch).join("").replace(/\./g, "b");
    return [wide, wide];
  });
  const got = s.art(INK, 0, 1, 16, 16).map((row, y) => [...row].map((ch, x) => (ch === "?" && s.at(x, y + 1) === 0x222222 ? "b" : ch)).join(""));
  assert.equal(got, want);
  assert.equal(s.keys(INK).concat(s.keys(0x222222)).length, 256, "exactly the 16x16 cell");
  assert.is(s.at(0, 0), BG);
  assert.is(s.at(16, 5), BG);
  assert.throws(() => new Canvas(s).text(0, 0, "A", INK, { scale: 0 }), RangeError);
});

test("text: unknown characters draw a box, one per code point; newline returns to x", () => {
  const box = [".#####..", ".#...#..", ".#...#..", ".#...#..", ".#...#..", ".#...#..", ".#####..", "........"];
  assert.equal([...FONT8X8_UNKNOWN].map((b) => b.toString(2).padStart(8, "0").replace(/1/g, "#").replace(/0/g, ".")), box);
  const s = new Screen(24, 16);
  const end = new Canvas(s).text(0, 0, "é😀\nA", INK);
  assert.equal(s.art(INK, 0, 0, 8, 8), box);
  assert.equal(s.art(INK, 8, 0, 8, 8), box);
  assert.equal(s.art(INK, 16, 0, 8, 8), Array(8).fill("........"), "the emoji's two UTF-16 units make one box");
  assert.equal(s.art(INK, 0, 8, 8, 8), A);
  assert.is(end, 8);
  const t = new Screen(16, 40);
  new Canvas(t).text(0, 4, "\nA", INK, { scale: 2 }); // the second line starts 16 pixels lower
  assert.equal(t.keys(INK).slice(0, 3), ["4,20", "5,20", "6,20"]);
});

test("text is clipped at every edge and never calls the surface outside it", () => {
  const s = new Screen(10, 6);
  const c = new Canvas(s);
  c.text(-5, -3, "AAAA", INK, { background: 0x333333 });
  // 'A' from column 5 and row 3 of its cell, at (0, 0): then the next 'A' at x = 3.
  assert.equal(s.art(INK, 0, 0, 3, 5), A.slice(3, 8).map((r) => r.slice(5)).map((r) => r.replace(/\./g, "?")));
  c.text(8, 4, "Hello", INK);
  c.text(-1000, -1000, "far away", INK);
  c.text(10, 0, "x", INK);
  c.text(0, 6, "x", INK);
  assert.ok(s.calls.fillRect > 0);
});

test("the font: 95 glyphs of 8 bytes, all distinct, only the space empty", () => {
  assert.is(FONT8X8.length, 95 * 8);
  assert.is(GLYPH_SIZE, 8);
  assert.is(glyphOffset(0x20), 0);
  assert.is(glyphOffset(0x41), 33 * 8);
  assert.is(glyphOffset(0x7e), 94 * 8);
  for (const code of [0x1f, 0x7f, 0, 0xe9, -1]) assert.is(glyphOffset(code), -1);
  const seen = new Map<string, number>();
  for (let i = 0; i < 95; i++) {
    const key = FONT8X8.subarray(i * 8, i * 8 + 8).join(",");
    assert.is(key === "0,0,0,0,0,0,0,0", i === 0, `glyph 0x${(i + 0x20).toString(16)} empty?`);
    assert.not.ok(seen.has(key), `0x${(i + 0x20).toString(16)} repeats 0x${((seen.get(key) ?? 0) + 0x20).toString(16)}`);
    seen.set(key, i);
  }
});

test.run();
