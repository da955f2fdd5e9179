import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { Bcm2835Rng, CTRL as CTRL_BITS, RNG_REGS, RNG_WARMUP_COUNT, STATUS as STATUS_BITS } from "../../../drivers/rng/bcm2835.ts";
import { Bcm2835RngModel, type Bcm2835RngModelOptions } from "../../../models/rng/bcm2835.ts";

const BASE = 0x2010_4000; // BCM2835: peripheral base + 0x104000
// Offsets from Linux bcm2835-rng.c, written out again so a wrong one in the driver shows.
const CTRL = BASE + 0x00, STATUS = BASE + 0x04, DATA = BASE + 0x08;
const NAMES: Record<number, string> = { [CTRL]: "CTRL", [STATUS]: "STATUS", [DATA]: "DATA" };
const accesses = (bus: MemoryBus) => bus.log.map((a) => (a.kind === "read" ? NAMES[a.addr] : `${NAMES[a.addr]}=${a.value.toString(16)}`));
/** Numbers that show their index: the i-th number the generator makes. */
const counting = (i: number) => (0x1000_0000 + i * 0x0101_0101) >>> 0;

function setup(options: Bcm2835RngModelOptions = {}, maxPolls?: number) {
  const bus = new MemoryBus();
  const model = new Bcm2835RngModel(bus, BASE, { source: counting, ...options });
  const rng = new Bcm2835Rng({ base: BASE, bus, maxPolls });
  return { bus, model, rng };
}

/** Enabled and warmed up, with nothing ready yet; the log cleared. */
function ready(options: Bcm2835RngModelOptions = {}, maxPolls?: number) {
  const s = setup(options, maxPolls);
  s.rng.init();
  s.model.advance(RNG_WARMUP_COUNT);
  s.bus.clearLog();
  return s;
}

test("registers: CTRL_BITS.RBGEN bit 0, STATUS warm-up 19:0 and words ready 31:24, DATA 0x08", () => {
  assert.equal(CTRL_BITS.RBGEN, 1);
  assert.equal(STATUS_BITS.WARMUP, 0x000f_ffff);
  assert.equal(STATUS_BITS.AVAILABLE >>> 0, 0xff00_0000);
  assert.is(RNG_REGS.DATA.offset, 0x08);
  assert.is(RNG_WARMUP_COUNT, 0x40000);
});

test("init: the warm-up count 0x40000, then enable; two writes, no reads", () => {
  const { bus, model, rng } = setup();
  rng.init();
  assert.equal(accesses(bus), ["STATUS=40000", "CTRL=1"]);
  assert.is(model.warmupAtEnable, 0x40000, "the count was in place when the generator started");
  assert.ok(model.enabled);
});

test("the first 0x40000 numbers are discarded: the first word read is number 0x40000", () => {
  const { model, rng } = setup();
  rng.init();
  model.advance(RNG_WARMUP_COUNT - 1);
  assert.is(model.ready, 0);
  model.advance(3);
  assert.is(model.ready, 2);
  assert.is(rng.read32(), counting(0x40000));
  assert.is(rng.read32(), counting(0x40001));
  assert.is(model.discarded, 0x40000);
});

test("read32: reads STATUS once, then as many words as it reported, before polling again", () => {
  const { bus, model, rng } = ready();
  model.advance(3);
  const words = [rng.read32(), rng.read32(), rng.read32()];
  assert.equal(words, [0, 1, 2].map((i) => counting(0x40000 + i)));
  model.advance(1);
  rng.read32();
  assert.equal(accesses(bus), ["STATUS", "DATA", "DATA", "DATA", "STATUS", "DATA"]);
  assert.is(model.underflows, 0);
});

test("read32 waits for a word, and gives up after maxPolls reads of STATUS", () => {
  const { bus, model, rng } = ready({}, 5);
  assert.throws(() => rng.read32(), /no random words after 5 reads of RNG\.STATUS \(0x20104004\)/);
  assert.equal(accesses(bus), ["STATUS", "STATUS", "STATUS", "STATUS", "STATUS"]);
  bus.clearLog();
  model.numbersPerStatusRead = 1;
  // Made one per STATUS read from here: the first read already sees one.
  assert.is(rng.read32(), counting(0x40000));
  assert.equal(accesses(bus), ["STATUS", "DATA"]);
  assert.is(model.underflows, 0);
});

test("a generator never enabled gives no words: read32 ends in an Error, never reads DATA", () => {
  const bus = new MemoryBus();
  const model = new Bcm2835RngModel(bus, BASE, { numbersPerStatusRead: 4 });
  const rng = new Bcm2835Rng({ base: BASE, bus, maxPolls: 100 });
  // The driver set up but the generator switched off behind its back.
  rng.init();
  bus.write32(CTRL, 0);
  bus.clearLog();
  assert.throws(() => rng.read32(), /enabled/);
  assert.is(bus.log.filter((a) => a.addr === DATA).length, 0);
  assert.is(model.underflows, 0);
});

test("fill: four bytes per word, low byte first; odd lengths cut the last word; nothing outside", () => {
  for (let n = 0; n <= 13; n++) {
    const { model, rng } = ready({ depth: 64 });
    model.advance(64);
    const backing = new Uint8Array(n + 8).fill(0xee);
    const bytes = backing.subarray(4, 4 + n);
    rng.fill(bytes);
    const words = Math.ceil(n / 4);
    const expected: number[] = [];
    for (let w = 0; w < words; w++) {
      const v = counting(0x40000 + w);
      expected.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
    }
    assert.equal(Array.from(bytes), expected.slice(0, n), `length ${n}`);
    assert.equal(Array.from(backing.subarray(0, 4)), [0xee, 0xee, 0xee, 0xee], `before, length ${n}`);
    assert.equal(Array.from(backing.subarray(4 + n)), [0xee, 0xee, 0xee, 0xee], `after, length ${n}`);
    assert.is(model.ready, 64 - words, `words used for ${n} bytes`);
  }
});

test("fill: a long fill waits for the FIFO to refill between words", () => {
  const { bus, model, rng } = ready({ depth: 4, numbersPerStatusRead: 2 });
  const bytes = new Uint8Array(41);
  rng.fill(bytes);
  assert.is(model.underflows, 0);
  assert.is(bus.log.filter((a) => a.addr === DATA).length, 11);
  // The words made are consecutive numbers; none was read twice.
  const first = bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24);
  assert.is(first >>> 0, counting(0x40000));
});

test("init refuses a missing base; read32 before init refuses too; bad maxPolls", () => {
  const bus = new MemoryBus();
  assert.throws(() => new Bcm2835Rng({ base: 0, bus }).init(), /base/);
  assert.throws(() => new Bcm2835Rng({ base: BASE, bus }).read32(), /init/);
  assert.throws(() => new Bcm2835Rng({ base: BASE, bus, maxPolls: 0 }), RangeError);
  assert.is(bus.log.length, 0);
});

test("model: STATUS keeps bits 31:20 read-only; warm-up counts from the enable", () => {
  const bus = new MemoryBus();
  const model = new Bcm2835RngModel(bus, BASE, { source: counting, depth: 2 });
  bus.write32(STATUS, 0xfff0_0005);
  assert.is(bus.read32(STATUS), 5);
  model.advance(10);
  assert.is(model.made, 0, "disabled: nothing made");
  bus.write32(CTRL, 1);
  model.advance(6);
  assert.is(bus.read32(STATUS) >>> 24, 1);
  model.advance(10);
  assert.is(bus.read32(STATUS) >>> 24, 2, "the FIFO holds 2");
  assert.is(bus.read32(DATA), counting(5));
  assert.is(bus.read32(DATA), counting(6));
  assert.is(bus.read32(DATA), 0);
  assert.is(model.underflows, 1);
  assert.is(model.made, 16);
});

test.run();
