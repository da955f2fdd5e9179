/**
 * A small drawing API over anything that can fill rectangles and set pixels: a framebuffer
 * (drivers/video/bcm2835-fb.ts), an LCD, a test double.
 *
 * Colours are 0xRRGGBB numbers (RGB() builds one); the surface converts them to its pixel format.
 * Coordinates are pixels from the top-left corner, rounded down to integers. Everything is
 * clipped to the surface here, so a Surface is only ever called with integer arguments that lie
 * inside it and sizes of at least 1: drawing partly or wholly off the surface is not an error.
 *
 * The interpreter pays per call, so shapes go to the surface as rectangles wherever they can
 * (rect, the runs of a glyph row, axis-aligned lines, one call per pixel row for blit) and only
 * sloped lines go pixel by pixel.
 */
import { FONT8X8, FONT8X8_UNKNOWN, glyphOffset } from "./font8x8.ts";
import type { Surface } from "../../interfaces/display.ts";

export interface RectOptions {
  /** Fill the rectangle rather than draw its 1-pixel outline (default false, as MicroPython's framebuf.rect). */
  readonly fill?: boolean;
}

export interface TextOptions {
  /** Colour of the glyph cells' unset pixels; without it they are left as they are. */
  readonly background?: number;
  /** Each font pixel becomes a `scale` x `scale` square (an integer from 1, default 1). */
  readonly scale?: number;
}

/** A 0xRRGGBB colour; each component is clamped to 0..255 and rounded down. */
export const RGB = (r: number, g: number, b: number): number => (component(r) << 16) | (component(g) << 8) | component(b);

function component(v: number): number {
  // NaN fails both comparisons and `| 0` makes it 0.
  return v <= 0 ? 0 : v >= 255 ? 255 : v | 0;
}

/** Font cell size in pixels at scale 1 (drivers/video/graphics/font8x8.ts). */
export const GLYPH_SIZE = 8;

/**
 * Line endpoints further than this from the origin are refused: the stepping below computes
 * 2 * steps * delta exactly only while that stays under 2^53.
 */
export const LINE_COORDINATE_LIMIT = 2 ** 24;

/** A software canvas on a display (a Surface): fill, rect, line, blit and text; from board().framebuffer(). */
export class Canvas {
  readonly surface: Surface;

  constructor(surface: Surface) {
    this.surface = surface;
  }

  get width(): number {
    return this.surface.width;
  }

  get height(): number {
    return this.surface.height;
  }

  /** Fills the whole surface. */
  fill(color: number): void {
    const s = this.surface;
    if (s.width > 0 && s.height > 0) s.fillRect(0, 0, s.width, s.height, color);
  }

  /** A `w` x `h` rectangle from (x, y): its outline, or filled with `{ fill: true }`. Nothing if w or h < 1. */
  rect(x: number, y: number, w: number, h: number, color: number, options?: RectOptions): void {
    x = int(x, "x");
    y = int(y, "y");
    w = int(w, "w");
    h = int(h, "h");
    if (w < 1 || h < 1) return;
    if (options?.fill || w <= 2 || h <= 2) {
      this.fillClipped(x, y, w, h, color);
      return;
    }
    this.fillClipped(x, y, w, 1, color);
    this.fillClipped(x, y + h - 1, w, 1, color);
    this.fillClipped(x, y + 1, 1, h - 2, color);
    this.fillClipped(x + w - 1, y + 1, 1, h - 2, color);
  }

  /**
   * A 1-pixel line from (x0, y0) to (x1, y1), both ends included: one pixel per step along the
   * longer axis, the other coordinate at offset round(step * minor / major) from the start, halves
   * rounded away from the start (Bresenham's choice of pixels, computed per step so that clipping
   * starts at the first visible step without walking the invisible ones).
   */
  line(x0: number, y0: number, x1: number, y1: number, color: number): void {
    x0 = lineInt(x0, "x0");
    y0 = lineInt(y0, "y0");
    x1 = lineInt(x1, "x1");
    y1 = lineInt(y1, "y1");
    if (y0 === y1) {
      this.fillClipped(x0 < x1 ? x0 : x1, y0, (x0 < x1 ? x1 - x0 : x0 - x1) + 1, 1, color);
      return;
    }
    if (x0 === x1) {
      this.fillClipped(x0, y0 < y1 ? y0 : y1, 1, (y0 < y1 ? y1 - y0 : y0 - y1) + 1, color);
      return;
    }
    const dx = x1 - x0, dy = y1 - y0;
    const adx = dx < 0 ? -dx : dx, ady = dy < 0 ? -dy : dy;
    const s = this.surface;
    if (adx >= ady) {
      steps(x0, y0, dx < 0 ? -1 : 1, dy < 0 ? -1 : 1, adx, ady, s.width, s.height, (a, b) => s.setPixel(a, b, color));
    } else {
      steps(y0, x0, dy < 0 ? -1 : 1, dx < 0 ? -1 : 1, ady, adx, s.height, s.width, (a, b) => s.setPixel(b, a, color));
    }
  }

  /**
   * Copies a `w` x `h` image of 0xRRGGBB pixels (row after row, `w` per row) to (x, y).
   * Throws RangeError if `pixels` holds fewer than w * h.
   */
  blit(x: number, y: number, w: number, h: number, pixels: Uint32Array): void {
    x = int(x, "x");
    y = int(y, "y");
    w = int(w, "w");
    h = int(h, "h");
    if (w < 0 || h < 0) throw new RangeError(`Canvas.blit: size ${w}x${h} is negative`);
    if (pixels.length < w * h) throw new RangeError(`Canvas.blit: ${pixels.length} pixels given for a ${w}x${h} image`);
    const s = this.surface;
    const cx0 = x < 0 ? 0 : x, cy0 = y < 0 ? 0 : y;
    const cx1 = x + w > s.width ? s.width : x + w, cy1 = y + h > s.height ? s.height : y + h;
    const count = cx1 - cx0;
    if (count <= 0 || cy1 <= cy0) return;
    for (let row = cy0; row < cy1; row++) {
      const offset = (row - y) * w + (cx0 - x);
      if (s.writeRow) {
        s.writeRow(cx0, row, pixels, offset, count);
      } else {
        for (let i = 0; i < count; i++) s.setPixel(cx0 + i, row, pixels[offset + i]);
      }
    }
  }

  /**
   * Draws `s` in the built-in 8x8 font with its first cell's top-left corner at (x, y); "\n"
   * starts a new line at x. Characters outside printable ASCII draw as a box (one per code point).
   * Returns the x just after the last character drawn.
   */
  text(x: number, y: number, s: string, color: number, options?: TextOptions): number {
    x = int(x, "x");
    y = int(y, "y");
    const scale = options?.scale === undefined ? 1 : int(options.scale, "scale");
    if (scale < 1) throw new RangeError(`Canvas.text: scale ${scale} is below 1`);
    const background = options?.background;
    const cell = GLYPH_SIZE * scale;
    const W = this.surface.width, H = this.surface.height;
    let cx = x, cy = y;
    for (let i = 0; i < s.length; i++) {
      let code = s.charCodeAt(i);
      if (code === 0x0a) {
        cx = x;
        cy += cell;
        continue;
      }
      // A surrogate pair is one character (one box), not two.
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length) {
        const low = s.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
          i++;
        }
      }
      if (cx < W && cy < H && cx + cell > 0 && cy + cell > 0) {
        const offset = glyphOffset(code);
        this.glyph(cx, cy, offset < 0 ? FONT8X8_UNKNOWN : FONT8X8, offset < 0 ? 0 : offset, scale, color, background);
      }
      cx += cell;
    }
    return cx;
  }

  /** One glyph: per row, each run of set (or, with a background, unset) bits as one rectangle. */
  private glyph(x: number, y: number, font: Uint8Array, offset: number, scale: number, color: number, background: number | undefined): void {
    for (let row = 0; row < GLYPH_SIZE; row++) {
      const bits = font[offset + row];
      if (bits === 0 && background === undefined) continue;
      let col = 0;
      while (col < GLYPH_SIZE) {
        const set = (bits >> (7 - col)) & 1;
        const start = col;
        while (col < GLYPH_SIZE && ((bits >> (7 - col)) & 1) === set) col++;
        if (set) this.fillClipped(x + start * scale, y + row * scale, (col - start) * scale, scale, color);
        else if (background !== undefined) this.fillClipped(x + start * scale, y + row * scale, (col - start) * scale, scale, background);
      }
    }
  }

  /** fillRect of the part of the rectangle on the surface, if any (integer arguments, w and h >= 1). */
  private fillClipped(x: number, y: number, w: number, h: number, color: number): void {
    const s = this.surface;
    const x0 = x < 0 ? 0 : x, y0 = y < 0 ? 0 : y;
    const x1 = x + w > s.width ? s.width : x + w, y1 = y + h > s.height ? s.height : y + h;
    if (x1 > x0 && y1 > y0) s.fillRect(x0, y0, x1 - x0, y1 - y0, color);
  }
}

/**
 * The visible steps of a line along its major axis `a` (from a0, `major` steps of sa) with minor
 * axis `b` (from b0, `minor` <= `major` steps of sb in all): step i is at minor offset
 * floor((2 * i * minor + major) / (2 * major)). Only steps with `a` in [0, aSize) are walked; those
 * with `b` off [0, bSize) are skipped, and the walk stops once `b` has left for good.
 */
function steps(a0: number, b0: number, sa: number, sb: number, major: number, minor: number, aSize: number, bSize: number, plot: (a: number, b: number) => void): void {
  let first = sa > 0 ? -a0 : a0 - (aSize - 1);
  let last = sa > 0 ? aSize - 1 - a0 : a0;
  if (first < 0) first = 0;
  if (last > major) last = major;
  if (first > last) return;
  const den = 2 * major, inc = 2 * minor;
  const num = first * inc + major;
  let q = Math.floor(num / den);
  let r = num - q * den;
  for (let i = first; i <= last; i++) {
    const b = b0 + sb * q;
    if (b >= 0 && b < bSize) plot(a0 + sa * i, b);
    else if (sb > 0 ? b >= bSize : b < 0) return;
    r += inc;
    if (r >= den) {
      r -= den;
      q++;
    }
  }
}

function int(v: number, what: string): number {
  if (!Number.isFinite(v)) throw new RangeError(`Canvas: ${what} = ${v} is not a finite number`);
  return Math.floor(v);
}

function lineInt(v: number, what: string): number {
  const i = int(v, what);
  if (i > LINE_COORDINATE_LIMIT || i < -LINE_COORDINATE_LIMIT) throw new RangeError(`Canvas.line: ${what} = ${v} is beyond ±2^24`);
  return i;
}
