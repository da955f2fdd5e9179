import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import type { RegisterBus } from "../../../hal/register.ts";
import { Bcm2835Gpio, GPIO_PINS, type GpioFunction } from "../../../drivers/gpio/bcm2835.ts";
import { IRQ_GPIO_0, IRQ_GPIO_1 } from "../../../drivers/irq/bcm2835.ts";
import { Bcm2835GpioModel } from "../../../models/gpio/bcm2835.ts";
import type { DigitalPort } from "../../../drivers/interfaces/digital-port.ts";

const BASE = 0x2020_0000;
// Addresses from BCM2835 ARM Peripherals table 6-1, written out again so a wrong offset in the driver shows.
const GPFSEL = [0x2020_0000, 0x2020_0004, 0x2020_0008, 0x2020_000c, 0x2020_0010, 0x2020_0014];
const GPSET = [0x2020_001c, 0x2020_0020], GPCLR = [0x2020_0028, 0x2020_002c], GPLEV = [0x2020_0034, 0x2020_0038];
const GPEDS = [0x2020_0040, 0x2020_0044], GPREN = [0x2020_004c, 0x2020_0050], GPFEN = [0x2020_0058, 0x2020_005c];
const GPHEN = [0x2020_0064, 0x2020_0068], GPLEN = [0x2020_0070, 0x2020_0074];
const GPAREN = [0x2020_007c, 0x2020_0080], GPAFEN = [0x2020_0088, 0x2020_008c];
const GPPUD = 0x2020_0094, GPPUDCLK = [0x2020_0098, 0x2020_009c];

const NAMES: Record<number, string> = { [GPPUD]: "GPPUD" };
const banked = { GPSET, GPCLR, GPLEV, GPEDS, GPREN, GPFEN, GPHEN, GPLEN, GPAREN, GPAFEN, GPPUDCLK };
for (const [name, addrs] of Object.entries(banked)) addrs.forEach((a, i) => (NAMES[a] = `${name}${i}`));
GPFSEL.forEach((a, i) => (NAMES[a] = `GPFSEL${i}`));
const hex = (v: number) => v.toString(16);
/** The bus log as "kind NAME=value" strings. */
const accesses = (bus: MemoryBus) => bus.log.map((a) => `${a.kind === "read" ? "r" : "w"} ${NAMES[a.addr] ?? hex(a.addr)}=${hex(a.value)}`);
const writes = (bus: MemoryBus) => bus.writes().map((a) => `${NAMES[a.addr] ?? hex(a.addr)}=${hex(a.value)}`);

function setup(options: { delay?: (cycles: number) => void } = {}) {
  const bus = new MemoryBus();
  const irqs: string[] = [];
  const model = new Bcm2835GpioModel(bus, BASE, { onIrq: (bank, level) => irqs.push(`${bank}:${level}`) });
  const gpio = new Bcm2835Gpio({ base: BASE, bus, delay: options.delay ?? (() => {}) });
  return { bus, model, gpio, irqs };
}

test("constants: 54 pins; bank interrupt lines are the controller's gpio_int[0] and [1]", () => {
  assert.is(GPIO_PINS, 54);
  const { gpio, bus } = setup();
  assert.equal([0, 31, 32, 53].map((p) => gpio.interruptLine(p)), [IRQ_GPIO_0, IRQ_GPIO_0, IRQ_GPIO_1, IRQ_GPIO_1]);
  assert.equal([IRQ_GPIO_0, IRQ_GPIO_1], [49, 50]);
  assert.is(bus.log.length, 0);
  // The driver is a DigitalPort (checked by tsc).
  const port: DigitalPort = gpio;
  assert.ok(port);
});

test("init and every access refuse a missing or zero base before touching the bus", () => {
  const bus = new MemoryBus();
  assert.throws(() => new Bcm2835Gpio({ base: 0, bus }).init(), /base/);
  assert.throws(() => new Bcm2835Gpio({ bus } as unknown as { base: number }).init(), /base/);
  assert.throws(() => new Bcm2835Gpio({ base: 0, bus }).write(3, 1), /base/);
  assert.throws(() => new Bcm2835Gpio({ base: 0, bus }).setPull(3, "up"), /base/);
  assert.is(bus.log.length, 0);
});

test("init disables every detector and clears pending events; functions, outputs and pulls stay", () => {
  const { bus, model, gpio } = setup();
  // As an earlier stage might have left it: UART0 on 14/15 (ALT0), an output high, detectors on.
  bus.write32(GPFSEL[1], (4 << 12) | (4 << 15));
  bus.write32(GPFSEL[4], 1 << 21); // pin 47 output
  bus.write32(GPSET[1], 1 << 15);
  for (const regs of [GPREN, GPFEN, GPHEN, GPLEN, GPAREN, GPAFEN]) {
    bus.write32(regs[0], 0xffff_ffff);
    bus.write32(regs[1], 0x3f_ffff);
  }
  assert.ok(model.irq(0) && model.irq(1), "the low-level detectors fire at once");
  bus.clearLog();
  gpio.init();
  assert.equal(writes(bus).sort(), [
    "GPAFEN0=0", "GPAFEN1=0", "GPAREN0=0", "GPAREN1=0", "GPEDS0=ffffffff", "GPEDS1=3fffff",
    "GPFEN0=0", "GPFEN1=0", "GPHEN0=0", "GPHEN1=0", "GPLEN0=0", "GPLEN1=0", "GPREN0=0", "GPREN1=0",
  ]);
  assert.equal(writes(bus).slice(-2), ["GPEDS0=ffffffff", "GPEDS1=3fffff"], "events are cleared after the detectors are off");
  assert.is(bus.log.filter((a) => a.kind === "read").length, 0);
  assert.not.ok(model.irq(0) || model.irq(1));
  assert.equal([model.events(0), model.events(1)], [0, 0]);
  assert.equal([model.functionCode(14), model.functionCode(15), model.functionCode(47)], [4, 4, 1]);
  assert.ok(model.level(47));
});

const FUNCTION_CODES: Array<[GpioFunction, number]> = [
  ["input", 0b000], ["output", 0b001], ["alt0", 0b100], ["alt1", 0b101], ["alt2", 0b110], ["alt3", 0b111], ["alt4", 0b011], ["alt5", 0b010],
];

test("setFunction writes the pin's 3 bits of its GPFSEL word and keeps the others", () => {
  // The first, a middle and the last pin of every word (pins 0-9 in GPFSEL0 ... 50-53 in GPFSEL5).
  const pins = [0, 4, 9, 10, 15, 19, 20, 27, 29, 30, 33, 39, 40, 45, 49, 50, 52, 53];
  for (const pin of pins) {
    for (const [fn, code] of FUNCTION_CODES) {
      const { bus, model, gpio } = setup();
      const word = Math.floor(pin / 10);
      const shift = (pin % 10) * 3;
      // Every other pin of the word at 0b111 (ALT3), the reserved top bits set.
      const before = (0xffff_ffff & ~(7 << shift)) >>> 0;
      bus.write32(GPFSEL[word], before);
      bus.clearLog();
      gpio.setFunction(pin, fn);
      const expected = ((before & 0x3fff_ffff) | (code << shift)) >>> 0;
      assert.equal(accesses(bus), [`r GPFSEL${word}=${hex(before & 0x3fff_ffff)}`, `w GPFSEL${word}=${hex(expected)}`], `pin ${pin} ${fn}`);
      assert.is(model.functionCode(pin), code, `pin ${pin} ${fn}`);
      assert.is(gpio.getFunction(pin), fn, `pin ${pin} ${fn}`);
    }
  }
});

test("setFunction from another function clears the old bits", () => {
  const { model, gpio } = setup();
  gpio.setFunction(17, "alt3");
  gpio.setFunction(18, "alt3");
  gpio.setFunction(17, "output");
  assert.is(model.functionCode(17), 1);
  assert.is(model.functionCode(18), 7);
  assert.is(gpio.getFunction(16), "input");
  assert.throws(() => gpio.setFunction(17, "alt6" as GpioFunction), RangeError);
  assert.is(model.functionCode(17), 1, "an unknown function changes nothing");
});

test("write sets or clears through GPSET/GPCLR: one write of one bit, never a read", () => {
  const cases: Array<[number, number, number]> = [[0, 0, 0x1], [7, 0, 0x80], [31, 0, 0x8000_0000], [32, 1, 0x1], [47, 1, 0x8000], [53, 1, 0x20_0000]];
  for (const [pin, bank, bit] of cases) {
    const { bus, gpio } = setup();
    gpio.write(pin, 1);
    gpio.write(pin, 0);
    gpio.write(pin, true);
    gpio.write(pin, false);
    assert.equal(accesses(bus), [
      `w GPSET${bank}=${hex(bit)}`, `w GPCLR${bank}=${hex(bit)}`, `w GPSET${bank}=${hex(bit)}`, `w GPCLR${bank}=${hex(bit)}`,
    ], `pin ${pin}`);
  }
});

test("outputs drive the model's pins; read gives GPLEV's bit", () => {
  const { bus, model, gpio } = setup();
  for (const pin of [2, 31, 32, 53]) gpio.setFunction(pin, "output");
  gpio.write(2, 1);
  gpio.write(53, 1);
  assert.ok(model.level(2) && model.level(53));
  assert.not.ok(model.level(31) || model.level(32));
  assert.equal([2, 31, 32, 53].map((p) => gpio.read(p)), [1, 0, 0, 1]);
  gpio.write(31, 1);
  assert.ok(model.level(2) && model.level(31), "setting one pin keeps the others");
  gpio.write(2, 0);
  assert.not.ok(model.level(2));
  assert.ok(model.level(31), "clearing one pin keeps the others");
  assert.is(gpio.read(2), 0);
  // Inputs read what drives them.
  model.drive(5, true);
  model.drive(40, true);
  assert.equal([gpio.read(5), gpio.read(6), gpio.read(40), gpio.read(41)], [1, 0, 1, 0]);
  bus.clearLog();
  gpio.read(40);
  assert.equal(accesses(bus), ["r GPLEV1=200100"], "pins 40 and 53");
});

test("setPull: GPPUD, wait 150, clock the pin, wait 150, then remove the control and the clock", () => {
  const events: string[] = [];
  const { bus, model, gpio } = setup({ delay: (cycles) => events.push(`delay ${cycles}`) });
  // Interleave the delay calls with the bus writes, in order.
  const orig = bus.write32.bind(bus);
  bus.write32 = (addr, value) => { events.push(`${NAMES[addr]}=${hex(value)}`); orig(addr, value); };
  gpio.setPull(4, "up");
  assert.equal(events, ["GPPUD=2", "delay 150", "GPPUDCLK0=10", "delay 150", "GPPUD=0", "GPPUDCLK0=0"]);
  assert.is(model.pull(4), "up");
  events.length = 0;
  gpio.setPull(35, "down");
  assert.equal(events, ["GPPUD=1", "delay 150", "GPPUDCLK1=8", "delay 150", "GPPUD=0", "GPPUDCLK1=0"]);
  assert.is(model.pull(35), "down");
  // The clock was released, so the same pin can be set again (the pad latches on the clock's edge).
  gpio.setPull(4, "down");
  gpio.setPull(35, "none");
  assert.equal([model.pull(4), model.pull(35), model.pull(5), model.pull(3)], ["down", "none", "none", "none"]);
  assert.is(bus.log.filter((a) => a.kind === "read").length, 0, "the sequence only writes");
  assert.throws(() => gpio.setPull(4, "strong" as "up"), RangeError);
  assert.is(model.pull(4), "down");
});

test("setPull without a delay hook waits with at least 150 reads before and after the clock", () => {
  const bus = new MemoryBus();
  const model = new Bcm2835GpioModel(bus, BASE);
  const gpio = new Bcm2835Gpio({ base: BASE, bus });
  gpio.setPull(9, "up");
  const log = accesses(bus);
  const clk = log.indexOf("w GPPUDCLK0=200");
  assert.is(log[0], "w GPPUD=2");
  assert.ok(clk > 0);
  assert.equal(log.slice(-2), ["w GPPUD=0", "w GPPUDCLK0=0"]);
  const before = log.slice(1, clk), after = log.slice(clk + 1, -2);
  assert.ok(before.length >= 150 && before.every((a) => a.startsWith("r ")), `${before.length} reads before the clock`);
  assert.ok(after.length >= 150 && after.every((a) => a.startsWith("r ")), `${after.length} reads after the clock`);
  assert.is(model.pull(9), "up");
  assert.ok(model.level(9), "an undriven input with a pull-up reads high");
});

test("setEdge sets and clears the pin's bit of GPREN/GPFEN only, keeping the others", () => {
  const { bus, gpio } = setup();
  bus.write32(GPREN[0], 0x8000_0001);
  bus.write32(GPFEN[1], 0x20_0000);
  gpio.setEdge(4, { rising: true });
  gpio.setEdge(33, { falling: true });
  gpio.setEdge(53, { rising: true, falling: true });
  assert.equal([bus.read32(GPREN[0]), bus.read32(GPFEN[0]), bus.read32(GPREN[1]), bus.read32(GPFEN[1])], [0x8000_0011, 0, 0x20_0000, 0x20_0002]);
  gpio.setEdge(31, {});
  gpio.setEdge(53, { rising: true });
  gpio.setEdge(4, { falling: true });
  assert.equal([bus.read32(GPREN[0]), bus.read32(GPFEN[0]), bus.read32(GPREN[1]), bus.read32(GPFEN[1])], [0x1, 0x10, 0x20_0000, 0x2]);
  for (const regs of [GPHEN, GPLEN, GPAREN, GPAFEN, GPEDS]) assert.is(bus.writes(regs[0]).length + bus.writes(regs[1]).length, 0);
});

test("edges set GPEDS only for enabled detectors and raise the bank's interrupt", () => {
  const { model, gpio, irqs } = setup();
  gpio.init();
  gpio.setEdge(3, { rising: true });
  gpio.setEdge(7, { falling: true });
  gpio.setEdge(40, { rising: true, falling: true });
  model.drive(3, true);
  model.drive(7, true);
  model.drive(8, true);
  assert.equal([model.events(0), model.events(1)], [0x8, 0]);
  model.drive(7, false);
  model.drive(3, false);
  assert.is(model.events(0), 0x88);
  model.drive(40, true);
  assert.is(model.events(1), 0x100);
  assert.equal(irqs, ["0:true", "1:true"]);
});

test("takeEvents returns GPEDS and writes back exactly those bits", () => {
  const { bus, model, gpio, irqs } = setup();
  gpio.setEdge(3, { rising: true });
  gpio.setEdge(9, { rising: true });
  gpio.setEdge(33, { rising: true });
  model.drive(3, true);
  model.drive(33, true);
  bus.clearLog();
  assert.is(gpio.takeEvents(0), 0x8);
  assert.equal(accesses(bus), ["r GPEDS0=8", "w GPEDS0=8"]);
  assert.is(model.events(0), 0);
  assert.is(model.events(1), 0x2, "the other bank keeps its events");
  assert.is(gpio.takeEvents(1), 0x2);
  assert.equal(irqs, ["0:true", "1:true", "0:false", "1:false"]);
  bus.clearLog();
  assert.is(gpio.takeEvents(0), 0);
  assert.equal(accesses(bus), ["r GPEDS0=0"], "nothing to clear, nothing written");
});

test("takeEvents keeps an event that arrives between its read and its write", () => {
  const { bus, model } = setup();
  // A bus on which pin 9 rises just after GPEDS0 has been read.
  let armed = true;
  const tap: RegisterBus = {
    read8: (a) => bus.read8(a), read16: (a) => bus.read16(a),
    read32: (a) => {
      const v = bus.read32(a);
      if (a === GPEDS[0] && armed) { armed = false; model.drive(9, true); }
      return v;
    },
    write8: (a, v) => bus.write8(a, v), write16: (a, v) => bus.write16(a, v), write32: (a, v) => bus.write32(a, v),
  };
  const gpio = new Bcm2835Gpio({ base: BASE, bus: tap, delay: () => {} });
  gpio.setEdge(3, { rising: true });
  gpio.setEdge(9, { rising: true });
  model.drive(3, true);
  assert.is(gpio.takeEvents(0), 0x8);
  assert.is(model.events(0), 0x200, "pin 9's event is still pending");
  assert.ok(model.irq(0));
  assert.is(gpio.takeEvents(0), 0x200);
  assert.not.ok(model.irq(0));
});

test("clearEvents writes the given bits only", () => {
  const { bus, model, gpio } = setup();
  gpio.setEdge(3, { rising: true });
  gpio.setEdge(4, { rising: true });
  model.drive(3, true);
  model.drive(4, true);
  bus.clearLog();
  gpio.clearEvents(0, 0x10);
  assert.equal(accesses(bus), ["w GPEDS0=10"]);
  assert.is(model.events(0), 0x8);
});

test("pins out of range, non-integer pins and bad banks throw RangeError before touching the bus", () => {
  const { bus, gpio } = setup();
  for (const pin of [-1, 54, 64, 1.5, NaN, Infinity, 2 ** 32 + 1]) {
    const calls: Array<[string, () => unknown]> = [
      ["setFunction", () => gpio.setFunction(pin, "output")], ["getFunction", () => gpio.getFunction(pin)],
      ["write", () => gpio.write(pin, 1)], ["read", () => gpio.read(pin)], ["setPull", () => gpio.setPull(pin, "up")],
      ["setEdge", () => gpio.setEdge(pin, { rising: true })], ["interruptLine", () => gpio.interruptLine(pin)],
    ];
    for (const [name, call] of calls) assert.throws(call, RangeError, `${name}(${pin})`);
  }
  for (const bank of [2, -1, 0.5]) {
    assert.throws(() => gpio.takeEvents(bank as 0), RangeError);
    assert.throws(() => gpio.clearEvents(bank as 0, 1), RangeError);
  }
  assert.is(bus.log.length, 0);
});

test("model: level detectors set GPEDS again while the level lasts; outputs are seen by detectors", () => {
  const { bus, model, gpio } = setup();
  bus.write32(GPHEN[0], 1 << 6);
  model.drive(6, true);
  assert.is(gpio.takeEvents(0), 0x40);
  assert.is(model.events(0), 0x40, "still high: set again");
  model.drive(6, false);
  gpio.takeEvents(0);
  assert.is(model.events(0), 0);
  // An output's own edges are detected too, and GPSET/GPCLR read 0.
  gpio.setEdge(12, { rising: true });
  gpio.write(12, 1);
  assert.is(model.events(0), 0, "the latch is not the pin until it is an output");
  gpio.setFunction(12, "output");
  assert.is(model.events(0), 0x1000);
  assert.is(bus.read32(GPSET[0]), 0);
  assert.is(bus.read32(GPCLR[0]), 0);
  assert.throws(() => model.drive(54, true), RangeError);
});

test("model: a pad latches GPPUD only as its clock is asserted, not while it stays asserted", () => {
  const { bus, model } = setup();
  bus.write32(GPPUD, 2);
  bus.write32(GPPUDCLK[0], 1 << 4);
  assert.is(model.pull(4), "up");
  bus.write32(GPPUD, 1);
  bus.write32(GPPUDCLK[0], (1 << 4) | (1 << 5));
  assert.equal([model.pull(4), model.pull(5)], ["up", "down"], "pin 4's clock never went low");
  bus.write32(GPPUDCLK[0], 0);
  bus.write32(GPPUD, 3); // reserved: latches nothing
  bus.write32(GPPUDCLK[0], 1 << 4);
  assert.is(model.pull(4), "up");
  bus.write32(GPPUDCLK[0], 0);
  bus.write32(GPPUD, 0);
  bus.write32(GPPUDCLK[1], 1 << 1);
  assert.is(model.pull(33), "none");
});

test.run();
