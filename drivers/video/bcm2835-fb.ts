/**
 * The Raspberry Pi framebuffer, which the VideoCore GPU firmware allocates and scans out (HDMI or
 * composite; QEMU's display window), set up through the mailbox property interface (Raspberry Pi
 * firmware wiki, "Mailbox property interface", section "Frame buffer").
 *
 * init() sends one property call: set physical size, set virtual size (the same: no panning), set
 * virtual offset 0,0, set depth, set pixel order RGB, allocate buffer (alignment 16) and get pitch.
 * The firmware answers each "set" with what it applied (QEMU before 8.1 leaves the request in
 * place, which reads the same when it applied it), and the driver goes by the answers. The buffer comes back as a VideoCore bus address; clearing its top two bits, which
 * select one of the four aliases of SDRAM on the VideoCore bus (BCM2835 ARM Peripherals 1.2,
 * "Address map"), gives the ARM physical address.
 *
 * Pixels are written through a PixelSink, on the target the native `mmio` object (the board maps
 * the GPU's memory uncached, so no cache maintenance is needed). The driver clips every access to
 * the screen it was given, since the sink can write any physical address.
 */
import type { Surface } from "../interfaces/display.ts";

/** Property tags used here (firmware wiki, "Mailbox property interface", Frame buffer). */
export const FB_TAG = {
  ALLOCATE_BUFFER: 0x0004_0001,
  GET_PITCH: 0x0004_0008,
  SET_PHYSICAL_SIZE: 0x0004_8003,
  SET_VIRTUAL_SIZE: 0x0004_8004,
  SET_DEPTH: 0x0004_8005,
  SET_PIXEL_ORDER: 0x0004_8006,
  SET_VIRTUAL_OFFSET: 0x0004_8009,
} as const;

/** "Set pixel order" values (wiki): 0 = BGR, 1 = RGB. */
export const PIXEL_ORDER_BGR = 0;
export const PIXEL_ORDER_RGB = 1;

/** Buffer alignment requested from "allocate buffer", in bytes. */
export const FB_ALIGNMENT = 16;

/** Clears the bus alias bits (0x4/0x8/0xC in the top nibble) of a VideoCore bus address. */
export const BUS_ADDRESS_MASK = 0x3fff_ffff;

/**
 * One tag of a property call: `size` is its value buffer in bytes. The same shape as PropertyTag
 * of drivers/mailbox/bcm2835.ts, declared here so this driver depends on no mailbox implementation.
 */
export interface FramebufferPropertyTag {
  readonly id: number;
  readonly request?: readonly number[];
  readonly size: number;
}

/** The mailbox property interface as this driver needs it (structurally PropertyInterface). */
export interface FramebufferMailbox {
  /** Sends the tags in one call; returns each tag's response value words; throws on error. */
  property(tags: readonly FramebufferPropertyTag[]): number[][];
}

/** Where pixels go: physical addresses, little-endian. The native `mmio` is one. */
export interface PixelSink {
  write32(addr: number, value: number): void;
  write16(addr: number, value: number): void;
}

export type FramebufferDepth = 32 | 16;

export interface Bcm2835FramebufferOptions {
  readonly mailbox: FramebufferMailbox;
  /** Requested visible size in pixels; the firmware may apply less (see width/height after init()). */
  readonly width: number;
  readonly height: number;
  /** Bits per pixel: 32 (default) or 16 (RGB565). */
  readonly depth?: FramebufferDepth;
  readonly sink: PixelSink;
}

export class Bcm2835Framebuffer implements Surface {
  private readonly mailbox: FramebufferMailbox;
  private readonly sink: PixelSink;
  private readonly requested: { readonly width: number; readonly height: number; readonly depth: FramebufferDepth };
  private ready = false;
  private w = 0;
  private h = 0;
  private bytesPerRow = 0;
  private bits: FramebufferDepth;
  private order = PIXEL_ORDER_RGB;
  private base = 0;
  private bytes = 0;

  constructor(options: Bcm2835FramebufferOptions) {
    this.mailbox = options.mailbox;
    this.sink = options.sink;
    this.bits = options.depth ?? 32;
    this.requested = { width: options.width, height: options.height, depth: this.bits };
  }

  /** Visible width in pixels (0 before init()). */
  get width(): number { return this.w; }
  /** Visible height in pixels (0 before init()). */
  get height(): number { return this.h; }
  /** Bytes from one pixel row to the next (at least width * depth / 8). */
  get pitch(): number { return this.bytesPerRow; }
  get depth(): FramebufferDepth { return this.bits; }
  /** PIXEL_ORDER_RGB or PIXEL_ORDER_BGR, as the firmware applied it. */
  get pixelOrder(): number { return this.order; }
  /** ARM physical address of the first pixel (0 before init()). */
  get address(): number { return this.base; }
  /** Size of the buffer in bytes, as the firmware allocated it. */
  get size(): number { return this.bytes; }

  /** Allocates the framebuffer: one property call (see the file comment). */
  init(): void {
    const { width, height, depth } = this.requested;
    if (!this.mailbox || !this.sink) throw new Error("Bcm2835Framebuffer: a mailbox and a pixel sink are required");
    if (!isDimension(width) || !isDimension(height)) throw new RangeError(`Bcm2835Framebuffer: size ${width}x${height} is not two integers from 1 to 65535`);
    if (depth !== 32 && depth !== 16) throw new RangeError(`Bcm2835Framebuffer: depth ${depth} is not 32 or 16`);
    const r = this.mailbox.property([
      { id: FB_TAG.SET_PHYSICAL_SIZE, request: [width, height], size: 8 },
      { id: FB_TAG.SET_VIRTUAL_SIZE, request: [width, height], size: 8 },
      { id: FB_TAG.SET_VIRTUAL_OFFSET, request: [0, 0], size: 8 },
      { id: FB_TAG.SET_DEPTH, request: [depth], size: 4 },
      { id: FB_TAG.SET_PIXEL_ORDER, request: [PIXEL_ORDER_RGB], size: 4 },
      { id: FB_TAG.ALLOCATE_BUFFER, request: [FB_ALIGNMENT], size: 8 },
      { id: FB_TAG.GET_PITCH, size: 4 },
    ]);
    const [w, h] = words(r, 0, 2, "set physical size");
    const [bpp] = words(r, 3, 1, "set depth");
    const [order] = words(r, 4, 1, "set pixel order");
    const [bus, size] = words(r, 5, 2, "allocate buffer");
    const [pitch] = words(r, 6, 1, "get pitch");
    const bytesPerPixel = depth >> 3;
    if (bpp !== depth) throw new Error(`Bcm2835Framebuffer: the firmware set depth ${bpp}, not ${depth}`);
    if (!isDimension(w) || !isDimension(h)) throw new Error(`Bcm2835Framebuffer: the firmware set size ${w}x${h}`);
    if (order !== PIXEL_ORDER_RGB && order !== PIXEL_ORDER_BGR) throw new Error(`Bcm2835Framebuffer: the firmware set pixel order ${order}`);
    const address = bus & BUS_ADDRESS_MASK;
    if (address === 0) throw new Error("Bcm2835Framebuffer: the firmware allocated no buffer (address 0)");
    if (address % bytesPerPixel !== 0 || pitch % bytesPerPixel !== 0) throw new Error(`Bcm2835Framebuffer: address 0x${address.toString(16)} or pitch ${pitch} is not ${bytesPerPixel}-byte aligned`);
    if (pitch < w * bytesPerPixel) throw new Error(`Bcm2835Framebuffer: pitch ${pitch} is less than a ${w}-pixel row`);
    // Everything drawn lies in the first h rows; refuse a buffer smaller than that.
    if (size >>> 0 < pitch * h) throw new Error(`Bcm2835Framebuffer: the buffer (${size >>> 0} bytes) is smaller than ${h} rows of ${pitch} bytes`);
    this.w = w;
    this.h = h;
    this.bytesPerRow = pitch;
    this.order = order;
    this.base = address;
    this.bytes = size >>> 0;
    this.ready = true;
  }

  /** The pixel value `color` (0xRRGGBB) is stored as at this depth and pixel order. */
  encode(color: number): number {
    return this.bits === 32 ? encode32(color, this.order) : encode16(color, this.order);
  }

  /** Fills a rectangle, clipped to the screen, row by row (16 bpp: two pixels per 32-bit write). */
  fillRect(x: number, y: number, w: number, h: number, color: number): void {
    this.check();
    const x0 = clampFloor(x, this.w), y0 = clampFloor(y, this.h);
    const x1 = clampFloor(x + w, this.w), y1 = clampFloor(y + h, this.h);
    if (x1 <= x0 || y1 <= y0) return;
    const sink = this.sink, pitch = this.bytesPerRow;
    const value = this.encode(color);
    if (this.bits === 32) {
      const rowBytes = (x1 - x0) * 4;
      for (let row = this.base + y0 * pitch + x0 * 4, end = row + (y1 - y0) * pitch; row < end; row += pitch) {
        for (let a = row, last = row + rowBytes; a < last; a += 4) sink.write32(a, value);
      }
      return;
    }
    const pair = value | (value << 16);
    const rowBytes = (x1 - x0) * 2;
    for (let row = this.base + y0 * pitch + x0 * 2, end = row + (y1 - y0) * pitch; row < end; row += pitch) {
      let a = row;
      const last = row + rowBytes;
      if (a & 2) {
        sink.write16(a, value);
        a += 2;
      }
      for (; a + 4 <= last; a += 4) sink.write32(a, pair);
      if (a < last) sink.write16(a, value);
    }
  }

  /** Sets one pixel; nothing if (x, y) is off the screen. */
  setPixel(x: number, y: number, color: number): void {
    this.check();
    if (!(x >= 0 && x < this.w && y >= 0 && y < this.h)) return;
    if (this.bits === 32) this.sink.write32(this.base + (y | 0) * this.bytesPerRow + (x | 0) * 4, encode32(color, this.order));
    else this.sink.write16(this.base + (y | 0) * this.bytesPerRow + (x | 0) * 2, encode16(color, this.order));
  }

  /** Writes `count` 0xRRGGBB pixels from `pixels[offset]` to row y from column x, clipped to the screen. */
  writeRow(x: number, y: number, pixels: Uint32Array, offset: number, count: number): void {
    this.check();
    if (!(y >= 0 && y < this.h)) return;
    let x0 = Math.floor(x), n = Math.floor(count), i = Math.floor(offset);
    if (x0 < 0) {
      n += x0;
      i -= x0;
      x0 = 0;
    }
    if (n > this.w - x0) n = this.w - x0;
    if (i < 0 || !(n > 0)) return;
    if (n > pixels.length - i) n = pixels.length - i;
    const sink = this.sink, order = this.order, end = i + n;
    let a = this.base + (y | 0) * this.bytesPerRow;
    if (this.bits === 32) {
      for (a += x0 * 4; i < end; i++, a += 4) sink.write32(a, encode32(pixels[i], order));
      return;
    }
    a += x0 * 2;
    if (a & 2 && i < end) {
      sink.write16(a, encode16(pixels[i++], order));
      a += 2;
    }
    for (; i + 1 < end; i += 2, a += 4) sink.write32(a, encode16(pixels[i], order) | (encode16(pixels[i + 1], order) << 16));
    if (i < end) sink.write16(a, encode16(pixels[i], order));
  }

  private check(): void {
    if (!this.ready) throw new Error("Bcm2835Framebuffer: call init() before drawing");
  }
}

/**
 * 32 bpp: with pixel order RGB the bytes in memory are R, G, B, then an unused byte, so the
 * little-endian word is 0x00BBGGRR; with BGR it is 0x00RRGGBB. (QEMU's bcm2835_fb reads red from
 * bits 0-7 and swaps red and blue for BGR.) The top byte is left 0, which is opaque in alpha mode
 * 0 and ignored in mode 2 (wiki, "Set alpha mode"); this driver does not set the mode.
 */
export function encode32(color: number, order: number): number {
  if (order === PIXEL_ORDER_BGR) return color & 0xff_ffff;
  return ((color & 0xff) << 16) | (color & 0xff00) | ((color >> 16) & 0xff);
}

/**
 * 16 bpp RGB565: red in bits 11-15, green 5-10, blue 0-4 with pixel order RGB; red and blue
 * exchanged with BGR (QEMU's bcm2835_fb). Each component keeps its top 5 or 6 bits.
 */
export function encode16(color: number, order: number): number {
  const r = (color >> 19) & 0x1f, g = (color >> 10) & 0x3f, b = (color >> 3) & 0x1f;
  return order === PIXEL_ORDER_BGR ? (b << 11) | (g << 5) | r : (r << 11) | (g << 5) | b;
}

function words(responses: number[][], index: number, count: number, what: string): number[] {
  const r = responses[index];
  if (!r || r.length < count) throw new Error(`Bcm2835Framebuffer: "${what}" answered ${r ? r.length : 0} words, expected ${count}`);
  return r;
}

function isDimension(v: number): boolean {
  return Number.isInteger(v) && v >= 1 && v <= 0xffff;
}

/** floor(v) limited to 0..max (infinities included); NaN throws: a NaN coordinate is a bug, not a no-op. */
function clampFloor(v: number, max: number): number {
  if (v !== v) throw new RangeError("Bcm2835Framebuffer: coordinate is NaN");
  return v <= 0 ? 0 : v >= max ? max : Math.floor(v);
}
