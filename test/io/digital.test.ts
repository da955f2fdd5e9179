import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../models/memory-bus.ts";
import { Bcm2835Gpio } from "../../drivers/gpio/bcm2835.ts";
import { Bcm2835GpioModel } from "../../models/gpio/bcm2835.ts";
import { Digital, type DigitalOptions } from "../../io/digital.ts";
import type { DigitalPort } from "../../drivers/interfaces/digital-port.ts";
import { FakeIrq } from "../support/fake-irq.ts";

const BASE = 0x2020_0000;
const GPEDS0 = BASE + 0x40, GPREN0 = BASE + 0x4c, GPFEN0 = BASE + 0x58, GPREN1 = BASE + 0x50;
const LINE_0 = 49, LINE_1 = 50; // gpio_int[0], gpio_int[1]

function setup() {
  const bus = new MemoryBus({ logLimit: 100_000 });
  const irq = new FakeIrq();
  const model = new Bcm2835GpioModel(bus, BASE, { onIrq: (bank, level) => irq.levels.set(bank === 0 ? LINE_0 : LINE_1, level) });
  const gpio = new Bcm2835Gpio({ base: BASE, bus, delay: () => {} });
  gpio.init();
  const open = (options: Omit<DigitalOptions, "gpio" | "irq"> & Partial<DigitalOptions>) => new Digital({ gpio, irq, ...options });
  return { bus, irq, model, gpio, open };
}

test("constants are ECMA-419's", () => {
  assert.equal(
    [Digital.Input, Digital.InputPullUp, Digital.InputPullDown, Digital.InputPullUpDown, Digital.Output, Digital.OutputOpenDrain],
    [0, 1, 2, 3, 8, 9],
  );
  assert.equal([Digital.Rising, Digital.Falling], [1, 2]);
});

test("Input: an input with no pull; read() follows the pin", () => {
  const { model, open } = setup();
  model.drive(17, true);
  const d = open({ pin: 17, mode: Digital.Input });
  assert.is(model.functionCode(17), 0);
  assert.is(model.pull(17), "none");
  assert.is(d.read(), 1);
  model.drive(17, false);
  assert.is(d.read(), 0);
  assert.is(d.format, "number");
  assert.throws(() => { d.format = "buffer" as "number"; }, RangeError);
});

test("InputPullUp and InputPullDown set the pad's pull; an undriven pin reads it", () => {
  const { model, gpio, open } = setup();
  gpio.setFunction(5, "output"); // whatever an earlier user left
  const up = open({ pin: 5, mode: Digital.InputPullUp });
  const down = open({ pin: 40, mode: Digital.InputPullDown });
  assert.equal([model.functionCode(5), model.pull(5), model.functionCode(40), model.pull(40)], [0, "up", 0, "down"]);
  assert.equal([up.read(), down.read()], [1, 0]);
  model.drive(5, false);
  model.drive(40, true);
  assert.equal([up.read(), down.read()], [0, 1]);
});

test("Output: write drives the pin, read returns the output level, write on an input throws", () => {
  const { model, open } = setup();
  const led = open({ pin: 47, mode: Digital.Output });
  assert.is(model.functionCode(47), 1);
  led.write(1);
  assert.ok(model.level(47));
  assert.is(led.read(), 1);
  led.write(0);
  assert.not.ok(model.level(47));
  assert.is(led.read(), 0);
  led.write(true);
  assert.is(led.read(), 1);
  led.write(false);
  assert.is(led.read(), 0);
  model.drive(47, true); // the outside cannot override an output in the model
  assert.is(led.read(), 0);
  const button = open({ pin: 3, mode: Digital.InputPullUp });
  assert.throws(() => button.write(1), /input/);
  assert.is(model.functionCode(3), 0, "still an input");
});

test("unsupported modes, bad pins and inconsistent options throw before touching the port", () => {
  const { bus, irq, open } = setup();
  bus.clearLog();
  const cb = () => {};
  const bad: Array<[Omit<DigitalOptions, "gpio" | "irq">, RegExp | typeof RangeError]> = [
    [{ pin: 3, mode: Digital.InputPullUpDown }, RangeError],
    [{ pin: 3, mode: Digital.OutputOpenDrain }, RangeError],
    [{ pin: 3, mode: 4 }, RangeError],
    [{ pin: 3, mode: undefined as unknown as number }, RangeError],
    [{ pin: -1, mode: Digital.Input }, RangeError],
    [{ pin: 1.5, mode: Digital.Input }, RangeError],
    [{ pin: 54, mode: Digital.Input }, RangeError],
    [{ pin: 54, mode: Digital.Input, edge: Digital.Rising, onReadable: cb }, RangeError],
    [{ pin: 3, mode: Digital.Input, edge: 4, onReadable: cb }, RangeError],
    [{ pin: 3, mode: Digital.Output, edge: Digital.Rising, onReadable: cb }, RangeError],
    [{ pin: 3, mode: Digital.Input, onReadable: cb }, /edge/],
    [{ pin: 3, mode: Digital.Input, edge: Digital.Rising, onReadable: 1 as unknown as () => void }, TypeError],
  ];
  for (const [options, error] of bad) assert.throws(() => open(options), error, JSON.stringify(options));
  assert.throws(() => new Digital({ pin: 3, mode: Digital.Input, edge: 1, onReadable: cb, gpio: setup().gpio }), /irq/);
  assert.is(bus.writes().length, 0);
  assert.equal(irq.calls, []);
  // None of them kept a pin.
  open({ pin: 3, mode: Digital.Input }).close();
});

test("pins are exclusive per port until close()", () => {
  const { bus, open } = setup();
  const a = open({ pin: 12, mode: Digital.Output });
  bus.clearLog();
  assert.throws(() => open({ pin: 12, mode: Digital.Input }), /in use/);
  assert.throws(() => open({ pin: 12, mode: Digital.Output }), /in use/);
  assert.is(bus.writes().length, 0, "the owner's pin is left alone");
  const b = open({ pin: 13, mode: Digital.Output }); // its neighbour is free
  a.close();
  const c = open({ pin: 12, mode: Digital.Input });
  // Another GPIO port (another driver instance) has pins of its own.
  const other = setup();
  other.open({ pin: 12, mode: Digital.Input }).close();
  b.close();
  c.close();
  // Bank 1 pins too.
  const d = open({ pin: 44, mode: Digital.Input });
  assert.throws(() => open({ pin: 44, mode: Digital.Input }), /in use/);
  d.close();
});

test("close: releases the pin as an input, twice is harmless, other methods throw", () => {
  const { model, open } = setup();
  const led = open({ pin: 22, mode: Digital.Output });
  led.write(1);
  assert.ok(model.level(22));
  led.close();
  led.close();
  assert.ok(led.closed);
  assert.is(model.functionCode(22), 0, "no longer driven");
  assert.throws(() => led.read(), /closed/);
  assert.throws(() => led.write(1), /closed/);
});

test("edges: onReadable runs on the chosen edges with this = the Digital, through irq.on(line, keepAlive)", () => {
  const { irq, model, open, bus } = setup();
  const seen: Array<[Digital, number]> = [];
  function onReadable(this: Digital) { seen.push([this, this.read()]); }
  const rising = open({ pin: 4, mode: Digital.InputPullDown, edge: Digital.Rising, onReadable });
  assert.equal(irq.calls, ["on 49 keepAlive=true"]);
  assert.is(bus.read32(GPREN0), 0x10);
  assert.is(bus.read32(GPFEN0), 0);
  model.drive(4, true);
  assert.is(irq.run(), 1);
  assert.equal(seen, [[rising, 1]]);
  model.drive(4, false);
  assert.is(irq.run(), 0, "falling edges are not asked for");
  const both = open({ pin: 36, mode: Digital.Input, edge: Digital.Rising | Digital.Falling, onReadable });
  assert.equal(irq.calls, ["on 49 keepAlive=true", "on 50 keepAlive=true"]);
  seen.length = 0;
  model.drive(36, true);
  irq.run();
  model.drive(36, false);
  irq.run();
  assert.equal(seen, [[both, 1], [both, 0]]);
  const falling = open({ pin: 37, mode: Digital.InputPullUp, edge: Digital.Falling, onReadable });
  seen.length = 0;
  model.drive(37, false);
  irq.run();
  model.drive(37, true);
  irq.run();
  assert.equal(seen, [[falling, 0]]);
});

test("edge without onReadable enables no detector and takes no line", () => {
  const { irq, bus, open } = setup();
  open({ pin: 4, mode: Digital.Input, edge: Digital.Rising });
  assert.equal(irq.calls, []);
  assert.is(bus.read32(GPREN0), 0);
});

test("one shared handler per bank line: events are taken once and dispatched to the pins that fired", () => {
  const { irq, model, open, bus } = setup();
  const seen: number[] = [];
  function onReadable(this: Digital) { seen.push(this.pin); }
  const pins = [4, 17, 27, 32, 53];
  const ds = pins.map((pin) => open({ pin, mode: Digital.Input, edge: Digital.Rising, onReadable }));
  assert.equal(irq.calls, ["on 49 keepAlive=true", "on 50 keepAlive=true"], "one irq.on per line");
  // Pin 8 has a detector but no Digital: its event is cleared with the rest and goes to nobody.
  bus.write32(GPREN0, bus.read32(GPREN0) | (1 << 8));
  bus.clearLog();
  model.drive(4, true);
  model.drive(27, true);
  model.drive(8, true);
  assert.is(irq.run(), 1, "one handler run for three events");
  assert.equal(seen, [4, 27]);
  assert.is(bus.log.filter((a) => a.kind === "read" && a.addr === GPEDS0).length, 1, "GPEDS0 read once");
  assert.equal(bus.writes(GPEDS0).map((a) => a.value), [(1 << 4) | (1 << 27) | (1 << 8)]);
  assert.is(model.events(0), 0);
  seen.length = 0;
  model.drive(17, true);
  model.drive(53, true);
  irq.run();
  assert.equal(seen.sort((a, b) => a - b), [17, 53]);
  for (const d of ds) d.close();
});

test("close: disables the pin's detectors and clears its event; the line goes off with its last Digital", () => {
  const { irq, model, open, bus } = setup();
  const seen: number[] = [];
  function onReadable(this: Digital) { seen.push(this.pin); }
  const a = open({ pin: 4, mode: Digital.Input, edge: Digital.Rising | Digital.Falling, onReadable });
  const b = open({ pin: 5, mode: Digital.Input, edge: Digital.Rising, onReadable });
  const c = open({ pin: 33, mode: Digital.Input, edge: Digital.Rising, onReadable });
  model.drive(4, true); // pending when a closes
  a.close();
  assert.is(bus.read32(GPREN0), 0x20);
  assert.is(bus.read32(GPFEN0), 0);
  assert.is(model.events(0), 0, "its pending event is cleared");
  assert.equal(irq.calls, ["on 49 keepAlive=true", "on 50 keepAlive=true"], "b still holds line 49");
  model.drive(4, false);
  model.drive(5, true);
  irq.run();
  assert.equal(seen, [5]);
  b.close();
  assert.equal(irq.calls.slice(2), ["off 49"]);
  c.close();
  assert.equal(irq.calls.slice(2), ["off 49", "off 50"]);
  assert.is(bus.read32(GPREN1), 0);
  // Reopening takes the line again.
  const again = open({ pin: 6, mode: Digital.Input, edge: Digital.Rising, onReadable });
  assert.equal(irq.calls.slice(4), ["on 49 keepAlive=true"]);
  model.drive(6, true);
  irq.run();
  assert.equal(seen, [5, 6]);
  again.close();
});

test("a callback may close Digitals on its line, itself included, during a dispatch", () => {
  const { irq, model, open } = setup();
  const seen: number[] = [];
  let a: Digital | undefined, b: Digital | undefined;
  a = open({ pin: 10, mode: Digital.Input, edge: Digital.Rising, onReadable() { seen.push(10); this.close(); b!.close(); } });
  b = open({ pin: 11, mode: Digital.Input, edge: Digital.Rising, onReadable() { seen.push(11); } });
  const c = open({ pin: 12, mode: Digital.Input, edge: Digital.Rising, onReadable() { seen.push(12); } });
  model.drive(10, true);
  model.drive(11, true);
  model.drive(12, true);
  irq.run();
  assert.equal(seen, [10, 12], "b was closed before its turn");
  assert.ok(a.closed && b.closed && !c.closed);
  assert.equal(irq.calls, ["on 49 keepAlive=true"]);
  c.close();
  assert.equal(irq.calls, ["on 49 keepAlive=true", "off 49"]);
});

test("an event pending from before a Digital opened is not reported to it", () => {
  const { irq, model, gpio, open } = setup();
  gpio.setEdge(9, { rising: true }); // an earlier user of the pin
  model.drive(9, true);
  assert.is(model.events(0), 0x200);
  const seen: number[] = [];
  open({ pin: 9, mode: Digital.Input, edge: Digital.Rising, onReadable() { seen.push(this.read()); } });
  assert.is(model.events(0), 0);
  assert.is(irq.run(), 0);
  model.drive(9, false);
  model.drive(9, true);
  irq.run();
  assert.equal(seen, [1]);
});

test("a line held by another driver: the constructor throws, the pin stays free and unconfigured", () => {
  const { irq, model, open, bus } = setup();
  irq.on(LINE_0, () => {});
  bus.clearLog();
  assert.throws(() => open({ pin: 7, mode: Digital.InputPullUp, edge: Digital.Rising, onReadable() {} }), /taken/);
  assert.is(bus.writes().length, 0);
  assert.is(model.pull(7), "none");
  irq.off(LINE_0);
  open({ pin: 7, mode: Digital.InputPullUp, edge: Digital.Rising, onReadable() {} });
});

test("a port that fails while configuring: the line is released and the pin stays free", () => {
  const { irq, gpio } = setup();
  let fail = true;
  // The real driver, but setPull fails once (as a port might for a pin it cannot pull).
  const port: DigitalPort = {
    setFunction: (pin, fn) => gpio.setFunction(pin, fn),
    write: (pin, v) => gpio.write(pin, v),
    read: (pin) => gpio.read(pin),
    setPull: (pin, pull) => { if (fail) throw new RangeError("no pull here"); gpio.setPull(pin, pull); },
    setEdge: (pin, edges) => gpio.setEdge(pin, edges),
    takeEvents: (bank) => gpio.takeEvents(bank as 0 | 1),
    clearEvents: (bank, bits) => gpio.clearEvents(bank as 0 | 1, bits),
    interruptLine: (pin) => gpio.interruptLine(pin),
  };
  const options = { pin: 20, mode: Digital.InputPullUp, edge: Digital.Rising, onReadable() {}, gpio: port, irq };
  assert.throws(() => new Digital(options), /no pull/);
  assert.equal(irq.calls, ["on 49 keepAlive=true", "off 49"]);
  fail = false;
  new Digital(options).close();
  assert.equal(irq.calls.slice(2), ["on 49 keepAlive=true", "off 49"]);
});

test.run();
