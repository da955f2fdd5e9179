import { test } from "uvu";
import * as assert from "uvu/assert";
import type { IrqHandlerOptions, IrqRouter } from "hal";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { Digital } from "../../../io/digital.ts";
import { ImxGpio } from "../../../drivers/gpio/imx-gpio.ts";
import { ImxGpioModel } from "../../../models/gpio/imx-gpio.ts";

const BASES = [0x0209_c000, 0x020a_0000];
const LINES: Array<[number, number]> = [[98, 99], [100, 101]];

function setup() {
  const bus = new MemoryBus();
  const models = BASES.map((b) => new ImxGpioModel(bus, b));
  const gpio = new ImxGpio({ bases: BASES, lines: LINES, bus });
  gpio.init();
  return { bus, models, gpio };
}

class FakeIrq implements IrqRouter {
  readonly handlers = new Map<number, (line: number) => void>();
  on(line: number, handler: (line: number) => void, _o?: IrqHandlerOptions): void {
    if (this.handlers.has(line)) throw new Error("taken");
    this.handlers.set(line, handler);
  }
  off(line: number): void {
    this.handlers.delete(line);
  }
}

test("outputs: GDIR, DR, and read() gives the driven level", () => {
  const { bus, gpio } = setup();
  gpio.setFunction(32 + 5, "output");
  gpio.write(32 + 5, 1);
  assert.is(bus.read32(BASES[1] + 0x04), 1 << 5);
  assert.is(bus.read32(BASES[1] + 0x00), 1 << 5);
  assert.is(gpio.read(32 + 5), 1);
  gpio.write(32 + 5, 0);
  assert.is(gpio.read(32 + 5), 0);
});

test("inputs read the pad (PSR); pins outside the blocks and pulls are refused", () => {
  const { models, gpio } = setup();
  gpio.setFunction(7, "input");
  models[0].drive(7, 1);
  assert.is(gpio.read(7), 1);
  assert.throws(() => gpio.read(64), RangeError);
  assert.throws(() => gpio.setPull(3, "up"), /IOMUXC/);
  gpio.setPull(3, "none");
  assert.equal([gpio.interruptLine(3), gpio.interruptLine(20), gpio.interruptLine(32 + 16)], [98, 99, 101]);
});

test("edges: ICR rising/falling or EDGE_SEL for both; takeEvents clears what it returns", () => {
  const { bus, models, gpio } = setup();
  gpio.setFunction(3, "input");
  gpio.setEdge(3, { rising: true });
  assert.is((bus.read32(BASES[0] + 0x0c) >>> 6) & 3, 2);
  models[0].drive(3, 1);
  assert.equal(models[0].irq, [true, false]);
  assert.is(gpio.takeEvents(0), 1 << 3);
  assert.equal(models[0].irq, [false, false]);
  models[0].drive(3, 0);
  assert.is(gpio.takeEvents(0), 0, "falling edge not selected");
  gpio.setEdge(20, { rising: true, falling: true });
  assert.is(bus.read32(BASES[0] + 0x1c), 1 << 20);
  models[0].drive(20, 1);
  models[0].drive(20, 0);
  assert.equal(models[0].irq, [false, true]);
  assert.is(gpio.takeEvents(0), 1 << 20);
  gpio.setEdge(20, {});
  models[0].drive(20, 1);
  assert.equal(models[0].irq, [false, false], "masked");
});

test("Digital on an i.MX pin: onReadable after a falling edge, the line released on close", () => {
  const { models, gpio } = setup();
  const irq = new FakeIrq();
  let calls = 0;
  const d = new Digital({ pin: 32 + 2, mode: Digital.Input, edge: Digital.Falling, gpio, irq, onReadable: () => calls++ });
  models[1].drive(2, 1);
  models[1].drive(2, 0);
  assert.ok(models[1].irq[0]);
  irq.handlers.get(100)!(100);
  assert.is(calls, 1);
  assert.not.ok(models[1].irq[0]);
  d.close();
  assert.not.ok(irq.handlers.has(100));
});

test.run();
