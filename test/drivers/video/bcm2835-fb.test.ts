import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { Bcm2835Framebuffer, encode16, encode32, PIXEL_ORDER_BGR, PIXEL_ORDER_RGB, type FramebufferDepth } from "../../../drivers/video/bcm2835-fb.ts";
import { Canvas } from "../../../drivers/video/graphics/canvas.ts";

// The contract of drivers/mailbox/bcm2835.ts, declared here so this test needs no mailbox driver.
interface PropertyTag { readonly id: number; readonly request?: readonly number[]; readonly size: number }
interface PropertyInterface { property(tags: readonly PropertyTag[]): number[][] }

// Tag ids from the firmware wiki ("Mailbox property interface", Frame buffer), written out again
// so that a wrong constant in the driver shows.
const SET_PHYS = 0x0004_8003, SET_VIRT = 0x0004_8004, SET_OFFSET = 0x0004_8009, SET_DEPTH = 0x0004_8005;
const SET_ORDER = 0x0004_8006, ALLOCATE = 0x0004_0001, GET_PITCH = 0x0004_0008;

const FB_PHYS = 0x1c10_0000; // where QEMU's raspi0 puts it: VC memory base 0x1c000000 + 1 MiB

interface FirmwareOptions {
  /** Bus address returned by "allocate buffer" (default: FB_PHYS in the 0xC alias, as the Pi's firmware does). */
  bus?: number;
  /** Pitch returned (default width * bytes per pixel). */
  pitch?: (w: number, bytesPerPixel: number) => number;
  /** Overrides of response words by tag. */
  answer?: Record<number, number[]>;
  size?: number;
}

/** A firmware stand-in: applies the "set" tags as asked (like QEMU) and records every call. */
class FakeFirmware implements PropertyInterface {
  readonly calls: PropertyTag[][] = [];
  constructor(private readonly options: FirmwareOptions = {}) {}

  property(tags: readonly PropertyTag[]): number[][] {
    this.calls.push(tags.map((t) => ({ ...t, request: t.request && [...t.request] })));
    let w = 0, h = 0, bpp = 0;
    return tags.map((t) => {
      // An override is what the firmware applied (and answers) instead of the request.
      const over = this.options.answer?.[t.id];
      const req = over ?? t.request ?? [];
      switch (t.id) {
        case SET_PHYS: [w, h] = req; return [...req];
        case SET_VIRT: case SET_OFFSET: case SET_ORDER: return [...req];
        case SET_DEPTH: bpp = req[0]; return [...req];
        case ALLOCATE: {
          const pitch = this.pitchFor(w, bpp);
          return over ?? [this.options.bus ?? (0xc000_0000 + FB_PHYS), this.options.size ?? pitch * h];
        }
        case GET_PITCH: return over ?? [this.pitchFor(w, bpp)];
        default: throw new Error(`unexpected tag 0x${t.id.toString(16)}`);
      }
    });
  }

  private pitchFor(w: number, bpp: number): number {
    return this.options.pitch ? this.options.pitch(w, bpp / 8) : (w * bpp) / 8;
  }
}

function setup(width = 8, height = 4, depth: FramebufferDepth = 32, firmware: FirmwareOptions = {}) {
  const mailbox = new FakeFirmware(firmware);
  const bus = new MemoryBus();
  const fb = new Bcm2835Framebuffer({ mailbox, sink: bus, width, height, depth });
  fb.init();
  return { mailbox, bus, fb };
}

/** Written pixels as "x,y" → value, from the bus log, checking each lies on the screen and none is written twice. */
function pixels(bus: MemoryBus, fb: Bcm2835Framebuffer): Map<string, number> {
  const out = new Map<string, number>();
  const bpp = fb.depth / 8;
  for (const a of bus.writes()) {
    for (let part = 0; part < a.width / fb.depth; part++) {
      const off = a.addr + part * bpp - fb.address;
      const y = Math.floor(off / fb.pitch), x = (off - y * fb.pitch) / bpp;
      assert.ok(off >= 0 && y < fb.height && x < fb.width, `write at 0x${a.addr.toString(16)} is off the screen (x ${x}, y ${y})`);
      const key = `${x},${y}`;
      assert.not.ok(out.has(key), `pixel ${key} written twice`);
      out.set(key, fb.depth === 16 ? (a.value >>> (16 * part)) & 0xffff : a.value);
    }
  }
  return out;
}

function rectKeys(x0: number, y0: number, x1: number, y1: number): string[] {
  const keys: string[] = [];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) keys.push(`${x},${y}`);
  return keys;
}

test("init sends the wiki's frame buffer tags in one call, in order, with their sizes and requests", () => {
  const { mailbox } = setup(640, 480, 32);
  assert.equal(mailbox.calls, [[
    { id: SET_PHYS, request: [640, 480], size: 8 },
    { id: SET_VIRT, request: [640, 480], size: 8 },
    { id: SET_OFFSET, request: [0, 0], size: 8 },
    { id: SET_DEPTH, request: [32], size: 4 },
    { id: SET_ORDER, request: [1], size: 4 },
    { id: ALLOCATE, request: [16], size: 8 },
    { id: GET_PITCH, request: undefined, size: 4 },
  ]]);
  const sixteen = setup(320, 200, 16).mailbox.calls;
  assert.equal(sixteen[0][3], { id: SET_DEPTH, request: [16], size: 4 });
  assert.equal(sixteen[0][0].request, [320, 200]);
});

test("depth defaults to 32", () => {
  const mailbox = new FakeFirmware();
  const fb = new Bcm2835Framebuffer({ mailbox, sink: new MemoryBus(), width: 4, height: 4 });
  fb.init();
  assert.is(fb.depth, 32);
  assert.equal(mailbox.calls[0][3].request, [32]);
});

test("the bus address becomes the ARM physical address with & 0x3FFFFFFF, in every VideoCore alias", () => {
  for (const alias of [0x0000_0000, 0x4000_0000, 0x8000_0000, 0xc000_0000]) {
    const { fb } = setup(8, 4, 32, { bus: alias + FB_PHYS });
    assert.is(fb.address, FB_PHYS, `alias 0x${alias.toString(16)}`);
  }
  // A mailbox that hands words back as signed 32-bit integers.
  assert.is(setup(8, 4, 32, { bus: (0xc000_0000 + FB_PHYS) | 0 }).fb.address, FB_PHYS);
});

test("width, height, pitch, depth and size come from the firmware's answers", () => {
  const { fb } = setup(800, 600, 32, { answer: { [SET_PHYS]: [640, 480] }, pitch: () => 2560 + 64 });
  assert.equal([fb.width, fb.height, fb.pitch, fb.depth, fb.pixelOrder], [640, 480, 2624, 32, PIXEL_ORDER_RGB]);
  assert.is(fb.size, 2624 * 480);
});

test("fillRect writes every pixel inside the rectangle once, and none outside (32 bpp)", () => {
  const { bus, fb } = setup(10, 6, 32);
  fb.fillRect(2, 1, 5, 3, 0x123456);
  const got = pixels(bus, fb);
  assert.equal([...got.keys()].sort(), rectKeys(2, 1, 7, 4).sort());
  assert.ok([...got.values()].every((v) => v === 0x563412), "RGB order: 0x00BBGGRR");
  assert.is(bus.writes().every((a) => a.width === 32), true);
});

test("rows are pitch bytes apart when the pitch exceeds width * 4; the padding is never written", () => {
  const { bus, fb } = setup(5, 3, 32, { pitch: (w) => w * 4 + 12 });
  assert.is(fb.pitch, 32);
  fb.fillRect(0, 0, 5, 3, 0xffffff);
  const addrs = bus.writes().map((a) => a.addr - FB_PHYS);
  assert.equal(addrs, [0, 4, 8, 12, 16, 32, 36, 40, 44, 48, 64, 68, 72, 76, 80]);
  bus.clearLog();
  fb.setPixel(4, 2, 0);
  assert.equal(bus.writes().map((a) => a.addr - FB_PHYS), [2 * 32 + 16]);
});

test("fillRect clips to the screen: negative origin, past the edges, entirely outside", () => {
  const { bus, fb } = setup(6, 5, 32);
  fb.fillRect(-3, -2, 5, 4, 1);
  assert.equal([...pixels(bus, fb).keys()].sort(), rectKeys(0, 0, 2, 2).sort());
  bus.clearLog();
  fb.fillRect(4, 3, 100, 100, 1);
  assert.equal([...pixels(bus, fb).keys()].sort(), rectKeys(4, 3, 6, 5).sort());
  bus.clearLog();
  for (const [x, y, w, h] of [[6, 0, 1, 1], [0, 5, 1, 1], [-5, 0, 5, 5], [0, -5, 5, 5], [2, 2, 0, 3], [2, 2, 3, -1], [-Infinity, 0, 3, 3]]) fb.fillRect(x, y, w, h, 1);
  assert.is(bus.writes().length, 0);
  fb.fillRect(0, 0, Infinity, Infinity, 7);
  assert.is(pixels(bus, fb).size, 30);
  assert.throws(() => fb.fillRect(NaN, 0, 1, 1, 0), RangeError);
});

test("setPixel writes one pixel and ignores positions off the screen", () => {
  const { bus, fb } = setup(4, 3, 32);
  for (const [x, y] of [[-1, 0], [0, -1], [4, 0], [0, 3], [NaN, 1], [1, Infinity]]) fb.setPixel(x, y, 0xffffff);
  assert.is(bus.writes().length, 0);
  fb.setPixel(3, 2, 0x0000ff);
  assert.equal(bus.writes().map((a) => [a.addr - FB_PHYS, a.value]), [[(2 * 4 + 3) * 4, 0x00ff0000]]);
});

test("32 bpp pixel values: 0x00BBGGRR for RGB order, 0x00RRGGBB for BGR, alpha byte 0", () => {
  assert.is(encode32(0xff0000, PIXEL_ORDER_RGB), 0x0000ff);
  assert.is(encode32(0x00ff00, PIXEL_ORDER_RGB), 0x00ff00);
  assert.is(encode32(0x0000ff, PIXEL_ORDER_RGB), 0xff0000);
  assert.is(encode32(0xff123456, PIXEL_ORDER_RGB), 0x563412, "bits above 0xRRGGBB are ignored");
  assert.is(encode32(0x123456, PIXEL_ORDER_BGR), 0x123456);
  assert.is(encode32(0xff123456, PIXEL_ORDER_BGR), 0x123456);
  const { bus, fb } = setup(2, 2, 32, { answer: { [SET_ORDER]: [PIXEL_ORDER_BGR] } });
  assert.is(fb.pixelOrder, PIXEL_ORDER_BGR);
  fb.setPixel(1, 1, 0xabcdef);
  assert.is(bus.read32(FB_PHYS + 12), 0xabcdef);
});

test("16 bpp: RGB565 with red in the top bits (RGB order), red and blue exchanged for BGR", () => {
  const cases: Array<[number, number, number]> = [
    [0xff0000, 0xf800, 0x001f], [0x00ff00, 0x07e0, 0x07e0], [0x0000ff, 0x001f, 0xf800],
    [0xffffff, 0xffff, 0xffff], [0x000000, 0x0000, 0x0000],
    // 0x12 >> 3 = 2, 0x34 >> 2 = 13, 0x56 >> 3 = 10
    [0x123456, (2 << 11) | (13 << 5) | 10, (10 << 11) | (13 << 5) | 2],
    [0x070307, 0x0000, 0x0000], // below one step of each component
    [0x080408, 0x0821, 0x0821],
  ];
  for (const [rgb, asRgb, asBgr] of cases) {
    assert.is(encode16(rgb, PIXEL_ORDER_RGB), asRgb, `RGB ${rgb.toString(16)}`);
    assert.is(encode16(rgb, PIXEL_ORDER_BGR), asBgr, `BGR ${rgb.toString(16)}`);
  }
  const { bus, fb } = setup(4, 2, 16);
  assert.is(fb.pitch, 8);
  fb.setPixel(1, 1, 0x123456);
  assert.equal(bus.writes().map((a) => [a.width, a.addr - FB_PHYS, a.value]), [[16, 8 + 2, 0x11aa]]);
});

test("16 bpp fillRect: two pixels per 32-bit write, a 16-bit write at an odd start or end", () => {
  const { bus, fb } = setup(9, 3, 16, { pitch: (w) => w * 2 + 2 }); // pitch 20: rows stay word-aligned
  fb.fillRect(1, 0, 6, 2, 0xff0000); // columns 1..6: 16-bit, 32, 32, 16-bit
  assert.equal(bus.writes().map((a) => [a.width, a.addr - FB_PHYS, a.value]), [
    [16, 2, 0xf800], [32, 4, 0xf800f800], [32, 8, 0xf800f800], [16, 12, 0xf800],
    [16, 22, 0xf800], [32, 24, 0xf800f800], [32, 28, 0xf800f800], [16, 32, 0xf800],
  ]);
  bus.clearLog();
  fb.fillRect(0, 2, 9, 1, 0x00ff00);
  assert.equal([...pixels(bus, fb).keys()].sort(), rectKeys(0, 2, 9, 3).sort());
  assert.ok([...pixels(bus, fb).values()].every((v) => v === 0x07e0));
  assert.is(bus.writes().filter((a) => a.width === 32).length, 4);
});

test("16 bpp with an odd width: rows start half-word aligned, every pixel once", () => {
  const { bus, fb } = setup(7, 4, 16); // pitch 14: rows 1 and 3 start at odd half-words
  fb.fillRect(0, 0, 7, 4, 0x0000ff);
  const got = pixels(bus, fb);
  assert.equal([...got.keys()].sort(), rectKeys(0, 0, 7, 4).sort());
  for (let y = 0; y < 4; y++) for (let x = 0; x < 7; x++) assert.is(bus.peek(FB_PHYS + y * 14 + x * 2, 16), 0x001f, `${x},${y}`);
});

test("writeRow: converted pixels, clipped at both ends, pairs in 16 bpp", () => {
  const src = new Uint32Array([0xff0000, 0x00ff00, 0x0000ff, 0xffffff, 0x000000]);
  const a = setup(4, 2, 32);
  a.fb.writeRow(-1, 1, src, 0, 5); // column -1 falls off the left, columns 4.. off the right
  assert.equal(a.bus.writes().map((w) => [w.addr - FB_PHYS, w.value]), [[16, 0x00ff00], [20, 0xff0000], [24, 0xffffff], [28, 0]]);
  a.bus.clearLog();
  a.fb.writeRow(2, 0, src, 0, 5); // columns 2 and 3 only: the row ends at column 3
  assert.equal(a.bus.writes().map((w) => [w.addr - FB_PHYS, w.value]), [[8, 0x0000ff], [12, 0x00ff00]]);
  const b = setup(6, 1, 16);
  b.fb.writeRow(1, 0, src, 1, 4);
  assert.equal(b.bus.writes().map((w) => [w.width, w.addr - FB_PHYS, w.value]), [[16, 2, 0x07e0], [32, 4, 0xffff001f], [16, 8, 0x0000]]);
  b.bus.clearLog();
  b.fb.writeRow(0, 1, src, 0, 5);
  b.fb.writeRow(0, -1, src, 0, 5);
  b.fb.writeRow(0, 0, src, 4, 3); // only one pixel left in the array
  assert.equal(b.bus.writes().map((w) => [w.width, w.addr - FB_PHYS, w.value]), [[16, 0, 0]]);
});

test("the firmware's refusals are errors, not a framebuffer at a wrong address", () => {
  assert.throws(() => setup(8, 4, 32, { answer: { [SET_DEPTH]: [24] } }), /depth 24/);
  assert.throws(() => setup(8, 4, 16, { answer: { [SET_DEPTH]: [0] } }), /depth 0/);
  assert.throws(() => setup(8, 4, 32, { bus: 0 }), /no buffer/);
  assert.throws(() => setup(8, 4, 32, { bus: 0xc000_0000 }), /no buffer/);
  assert.throws(() => setup(8, 4, 32, { pitch: () => 28 }), /pitch 28/);
  assert.throws(() => setup(8, 4, 32, { size: 8 * 4 * 4 - 4 }), /smaller/);
  assert.throws(() => setup(8, 4, 32, { answer: { [SET_PHYS]: [0, 0] } }), /size 0x0/);
  assert.throws(() => setup(8, 4, 32, { answer: { [SET_ORDER]: [7] } }), /pixel order 7/);
  assert.throws(() => setup(8, 4, 32, { answer: { [GET_PITCH]: [] } }), /get pitch/);
  assert.throws(() => setup(8, 4, 32, { bus: 0xc000_0000 + FB_PHYS + 2 }), /aligned/);
});

test("bad options are refused before the mailbox is used; drawing before init() throws", () => {
  const mailbox = new FakeFirmware();
  const sink = new MemoryBus();
  for (const [w, h] of [[0, 480], [640, 0], [-1, 1], [1.5, 2], [NaN, 2], [70000, 2]]) {
    assert.throws(() => new Bcm2835Framebuffer({ mailbox, sink, width: w, height: h }).init(), RangeError);
  }
  assert.throws(() => new Bcm2835Framebuffer({ mailbox, sink, width: 8, height: 8, depth: 24 as FramebufferDepth }).init(), /depth 24/);
  assert.is(mailbox.calls.length, 0);
  const fb = new Bcm2835Framebuffer({ mailbox, sink, width: 8, height: 8 });
  assert.throws(() => fb.fillRect(0, 0, 1, 1, 0), /init\(\)/);
  assert.throws(() => fb.setPixel(0, 0, 0), /init\(\)/);
  assert.throws(() => fb.writeRow(0, 0, new Uint32Array(1), 0, 1), /init\(\)/);
  assert.is(sink.log.length, 0);
  const failing: PropertyInterface = { property: () => { throw new Error("mailbox: response code 0x80000001"); } };
  assert.throws(() => new Bcm2835Framebuffer({ mailbox: failing, sink, width: 8, height: 8 }).init(), /0x80000001/);
});

test("a Canvas on the framebuffer: clipped text and blit land at the right addresses", () => {
  const { bus, fb } = setup(16, 8, 32);
  const canvas = new Canvas(fb);
  canvas.fill(0);
  bus.clearLog();
  canvas.blit(14, 6, 3, 3, new Uint32Array([1, 2, 3, 4, 5, 6, 7, 8, 9].map((v) => v << 16))); // 0x0N0000 → 0x00000N
  const got = pixels(bus, fb);
  assert.equal([...got.entries()].sort(), [["14,6", 1], ["14,7", 4], ["15,6", 2], ["15,7", 5]]);
  bus.clearLog();
  canvas.text(-3, 0, "I", 0xffffff); // 'I': columns 2-4 in rows 0 and 6, column 3 between; x = column - 3
  assert.equal([...pixels(bus, fb).keys()].sort(), ["0,0", "0,1", "0,2", "0,3", "0,4", "0,5", "0,6", "1,0", "1,6"]);
});

test.run();
