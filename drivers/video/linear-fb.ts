/**
 * A linear framebuffer that someone else set up and scans out: 32 bits per pixel, rows
 * `pixelsPerRow` pixels apart, from `base` on. The UEFI Graphics Output Protocol's mode is one
 * (UEFI 2.10, 12.9: EFI_GRAPHICS_OUTPUT_MODE_INFORMATION, FrameBufferBase; the uefi-x64 board's
 * loader hands it over, soc/pc/efi-facts.ts). The pixel layout is one of the GOP's
 * EFI_GRAPHICS_PIXEL_FORMATs: byte 0 red ("rgbx", PixelRedGreenBlueReserved8BitPerColor), byte 0
 * blue ("bgrx", PixelBlueGreenRedReserved8BitPerColor), or bit masks per colour (PixelBitMask).
 * A mode without a framebuffer (PixelBltOnly) is the board's to refuse: there is nothing to map.
 *
 * Pixels go through a PixelSink (on the target the native `mmio` object; the board maps the
 * framebuffer uncached). Every access is clipped to the screen here as well as in the Canvas,
 * since the sink can write any physical address.
 */
import type { Surface } from "../interfaces/display.ts";

/** Where pixels go: physical addresses, little-endian 32-bit writes. The native `mmio` is one. */
export interface PixelSink {
  write32(addr: number, value: number): void;
}

/** How a 0xRRGGBB colour is stored in a 32-bit pixel. */
export type PixelLayout =
  | { readonly kind: "rgbx" }
  | { readonly kind: "bgrx" }
  | { readonly kind: "mask"; readonly red: number; readonly green: number; readonly blue: number };

export interface LinearFramebufferOptions {
  /** Physical address of pixel (0, 0). */
  readonly base: number;
  readonly width: number;
  readonly height: number;
  /** Pixels from one row to the next (at least `width`: GOP PixelsPerScanLine). */
  readonly pixelsPerRow: number;
  /** The buffer's size in bytes (GOP FrameBufferSize): `height` rows must fit. */
  readonly size: number;
  readonly layout: PixelLayout;
  readonly sink: PixelSink;
}

/** One colour's place in a pixel: the mask's lowest bit and how many bits it has. */
interface Field {
  readonly shift: number;
  readonly bits: number;
}

function field(mask: number, name: string): Field {
  const m = mask >>> 0;
  if (m === 0) throw new RangeError(`LinearFramebuffer: the ${name} mask is 0`);
  let shift = 0;
  while (!((m >>> shift) & 1)) shift++;
  let bits = 0;
  while ((m >>> (shift + bits)) & 1) bits++;
  if (m >>> (shift + bits) !== 0) throw new RangeError(`LinearFramebuffer: the ${name} mask 0x${m.toString(16)} is not one run of bits`);
  return { shift, bits };
}

/** An 8-bit component scaled to `f`'s width (rounded down) at its place. */
function put(component: number, f: Field): number {
  const v = f.bits >= 8 ? component << (f.bits - 8) : component >>> (8 - f.bits);
  return (v << f.shift) >>> 0;
}

const isDimension = (v: number) => Number.isInteger(v) && v >= 1 && v <= 0xffff;

export class LinearFramebuffer implements Surface {
  readonly width: number;
  readonly height: number;
  /** Bytes from one row to the next. */
  readonly pitch: number;
  readonly base: number;
  private readonly sink: PixelSink;
  private readonly encode: (color: number) => number;

  constructor(o: LinearFramebufferOptions) {
    if (!isDimension(o.width) || !isDimension(o.height)) throw new RangeError(`LinearFramebuffer: size ${o.width}x${o.height} is not two integers from 1 to 65535`);
    if (!Number.isInteger(o.pixelsPerRow) || o.pixelsPerRow < o.width) throw new RangeError(`LinearFramebuffer: ${o.pixelsPerRow} pixels per row is less than the width ${o.width}`);
    if (!Number.isSafeInteger(o.base) || o.base <= 0 || o.base % 4 !== 0) throw new RangeError(`LinearFramebuffer: base ${o.base} is not a nonzero 4-byte aligned address`);
    const need = o.pixelsPerRow * 4 * (o.height - 1) + o.width * 4;
    if (!Number.isSafeInteger(o.size) || o.size < need) throw new RangeError(`LinearFramebuffer: the buffer (${o.size} bytes) is smaller than ${o.height} rows of ${o.pixelsPerRow} pixels`);
    if (!o.sink) throw new TypeError("LinearFramebuffer: a pixel sink is required");
    this.width = o.width;
    this.height = o.height;
    this.pitch = o.pixelsPerRow * 4;
    this.base = o.base;
    this.sink = o.sink;
    const layout = o.layout;
    if (layout.kind === "bgrx") this.encode = (c) => c & 0xffffff;
    else if (layout.kind === "rgbx") this.encode = (c) => ((c >>> 16) & 0xff) | (c & 0xff00) | ((c & 0xff) << 16);
    else if (layout.kind === "mask") {
      const r = field(layout.red, "red"), g = field(layout.green, "green"), b = field(layout.blue, "blue");
      this.encode = (c) => (put((c >>> 16) & 0xff, r) | put((c >>> 8) & 0xff, g) | put(c & 0xff, b)) >>> 0;
    } else throw new RangeError(`LinearFramebuffer: unknown pixel layout ${(layout as { kind: string }).kind}`);
  }

  fillRect(x: number, y: number, w: number, h: number, color: number): void {
    const x0 = clamp(x, this.width), y0 = clamp(y, this.height);
    const x1 = clamp(x + w, this.width), y1 = clamp(y + h, this.height);
    if (x1 <= x0 || y1 <= y0) return;
    const sink = this.sink, pitch = this.pitch, value = this.encode(color), rowBytes = (x1 - x0) * 4;
    for (let row = this.base + y0 * pitch + x0 * 4, end = row + (y1 - y0) * pitch; row < end; row += pitch) {
      for (let a = row, last = row + rowBytes; a < last; a += 4) sink.write32(a, value);
    }
  }

  setPixel(x: number, y: number, color: number): void {
    if (!(x >= 0 && x < this.width && y >= 0 && y < this.height)) return;
    this.sink.write32(this.base + Math.floor(y) * this.pitch + Math.floor(x) * 4, this.encode(color));
  }

  writeRow(x: number, y: number, pixels: Uint32Array, offset: number, count: number): void {
    if (!(y >= 0 && y < this.height)) return;
    let x0 = Math.floor(x), n = Math.floor(count), i = Math.floor(offset);
    if (x0 < 0) {
      n += x0;
      i -= x0;
      x0 = 0;
    }
    if (n > this.width - x0) n = this.width - x0;
    if (i < 0 || !(n > 0)) return;
    if (n > pixels.length - i) n = pixels.length - i;
    const sink = this.sink, end = i + n;
    for (let a = this.base + Math.floor(y) * this.pitch + x0 * 4; i < end; i++, a += 4) sink.write32(a, this.encode(pixels[i]));
  }
}

/** floor(v) limited to 0..max; NaN throws: a NaN coordinate is a bug, not a no-op. */
function clamp(v: number, max: number): number {
  if (v !== v) throw new RangeError("LinearFramebuffer: coordinate is NaN");
  return v <= 0 ? 0 : v >= max ? max : Math.floor(v);
}
