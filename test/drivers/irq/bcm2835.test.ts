import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import * as irqs from "../../../drivers/irq/bcm2835.ts";
import { Bcm2835Irq } from "../../../drivers/irq/bcm2835.ts";
import { Bcm2835IrqModel } from "../../../models/irq/bcm2835.ts";

const BASE = 0x2000_b200;
// Addresses from BCM2835 ARM Peripherals 7.5, written out again so a wrong offset in the driver shows.
const BASIC_PENDING = 0x2000_b200, PENDING_1 = 0x2000_b204, PENDING_2 = 0x2000_b208, FIQ_CONTROL = 0x2000_b20c;
const ENABLE_1 = 0x2000_b210, ENABLE_2 = 0x2000_b214, ENABLE_BASIC = 0x2000_b218;
const DISABLE_1 = 0x2000_b21c, DISABLE_2 = 0x2000_b220, DISABLE_BASIC = 0x2000_b224;

const NAMES: Record<number, string> = {
  [BASIC_PENDING]: "BASIC_PENDING", [PENDING_1]: "PENDING_1", [PENDING_2]: "PENDING_2", [FIQ_CONTROL]: "FIQ",
  [ENABLE_1]: "EN1", [ENABLE_2]: "EN2", [ENABLE_BASIC]: "ENB", [DISABLE_1]: "DIS1", [DISABLE_2]: "DIS2", [DISABLE_BASIC]: "DISB",
};
const writes = (bus: MemoryBus) => bus.writes().map((a) => `${NAMES[a.addr] ?? a.addr.toString(16)}=${a.value.toString(16)}`);

function setup() {
  const bus = new MemoryBus();
  const model = new Bcm2835IrqModel(bus, BASE);
  const irq = new Bcm2835Irq({ base: BASE, bus });
  return { bus, model, irq };
}

test("line constants match the manual's interrupt table", () => {
  assert.equal(
    [irqs.IRQ_SYSTIMER_1, irqs.IRQ_SYSTIMER_3, irqs.IRQ_AUX, irqs.IRQ_GPIO_0, irqs.IRQ_GPIO_1, irqs.IRQ_GPIO_2, irqs.IRQ_GPIO_3, irqs.IRQ_UART0],
    [1, 3, 29, 49, 50, 51, 52, 57],
  );
  assert.equal([irqs.IRQ_ARM_TIMER, irqs.IRQ_MAILBOX, irqs.IRQ_DOORBELL_0, irqs.IRQ_ILLEGAL_ACCESS_0], [64, 65, 66, 71]);
  assert.equal([irqs.IRQ_I2C, irqs.IRQ_SPI, irqs.IRQ_PCM], [53, 54, 55]);
  assert.is(irqs.BCM2835_IRQ_LINES, 72);
});

test("init disables FIQ and every line of the three banks, and only writes", () => {
  const { bus, model, irq } = setup();
  // As an earlier stage might have left it: lines enabled and raised, FIQ on line 57.
  bus.write32(ENABLE_1, 0x8000_0002);
  bus.write32(ENABLE_2, 0x0200_0001);
  bus.write32(ENABLE_BASIC, 0x81);
  bus.write32(FIQ_CONTROL, 0x80 | 57);
  for (const line of [1, 31, 32, 57, 64, 71]) model.setLine(line, true);
  assert.ok(model.irq && model.fiq);
  bus.clearLog();
  irq.init();
  assert.equal(writes(bus), ["FIQ=0", "DIS1=ffffffff", "DIS2=ffffffff", "DISB=ff"]);
  assert.is(bus.log.filter((a) => a.kind === "read").length, 0);
  assert.equal(model.enabledMasks, [0, 0, 0]);
  assert.not.ok(model.irq);
  assert.not.ok(model.fiq);
  assert.equal(irq.pendingLines(), []);
});

test("init and description refuse a missing or zero base before touching the bus", () => {
  const bus = new MemoryBus();
  assert.throws(() => new Bcm2835Irq({ base: 0, bus }).init(), /base/);
  assert.throws(() => new Bcm2835Irq({ bus } as unknown as { base: number }).init(), /base/);
  assert.throws(() => new Bcm2835Irq({ base: 0, bus }).description(), /base/);
  assert.is(bus.log.length, 0);
});

test("enable and disable write one bit to the line's bank, without reading", () => {
  const cases: Array<[number, number, number, number]> = [
    // line, enable register, disable register, bit value
    [0, ENABLE_1, DISABLE_1, 0x1],
    [1, ENABLE_1, DISABLE_1, 0x2],
    [31, ENABLE_1, DISABLE_1, 0x8000_0000],
    [32, ENABLE_2, DISABLE_2, 0x1],
    [57, ENABLE_2, DISABLE_2, 0x0200_0000],
    [63, ENABLE_2, DISABLE_2, 0x8000_0000],
    [64, ENABLE_BASIC, DISABLE_BASIC, 0x1],
    [65, ENABLE_BASIC, DISABLE_BASIC, 0x2],
    [71, ENABLE_BASIC, DISABLE_BASIC, 0x80],
  ];
  for (const [line, en, dis, bit] of cases) {
    const { bus, irq } = setup();
    irq.enable(line);
    irq.disable(line);
    assert.equal(bus.log.map((a) => [a.kind, a.addr, a.value]), [["write", en, bit], ["write", dis, bit]], `line ${line}`);
  }
});

test("enable and disable change only their line in the model", () => {
  const { model, irq } = setup();
  irq.init();
  for (const line of [1, 3, 29, 49, 57, 64, 65]) irq.enable(line);
  assert.equal(model.enabledMasks, [0x2000_000a, 0x0202_0000, 0x3]);
  irq.disable(3);
  irq.disable(65);
  assert.equal(model.enabledMasks, [0x2000_0002, 0x0202_0000, 0x1]);
  assert.ok(model.enabled(57) && !model.enabled(58) && !model.enabled(56));
});

test("pendingLines and isPending: lines raised and enabled, ascending; no summary or copy bits", () => {
  const { model, irq } = setup();
  irq.init();
  for (const line of [1, 7, 31, 57, 62, 64, 71]) irq.enable(line);
  // 7, 57 and 62 also appear in basic pending bits 10, 19 and 20; banks 1 and 2 in bits 8 and 9.
  for (const line of [71, 62, 57, 31, 7, 1, 64, 10, 33, 65]) model.setLine(line, true);
  assert.equal(irq.pendingLines(), [1, 7, 31, 57, 62, 64, 71]);
  assert.ok(irq.isPending(57) && irq.isPending(71) && irq.isPending(31));
  assert.not.ok(irq.isPending(10), "raised but not enabled");
  assert.not.ok(irq.isPending(65), "raised but not enabled");
  assert.not.ok(irq.isPending(2));
  model.setLine(57, false);
  model.setLine(64, false);
  irq.disable(71);
  assert.equal(irq.pendingLines(), [1, 7, 31, 62]);
  assert.not.ok(irq.isPending(57));
});

test("the IRQ output follows level and enable", () => {
  const levels: boolean[] = [];
  const bus = new MemoryBus();
  const model = new Bcm2835IrqModel(bus, BASE, { onIrq: (l) => levels.push(l) });
  const irq = new Bcm2835Irq({ base: BASE, bus });
  irq.init();
  model.setLine(irqs.IRQ_UART0, true);
  assert.not.ok(model.irq, "not enabled");
  irq.enable(irqs.IRQ_UART0);
  assert.ok(model.irq);
  irq.disable(irqs.IRQ_UART0);
  assert.not.ok(model.irq);
  irq.enable(irqs.IRQ_UART0);
  model.setLine(irqs.IRQ_UART0, false);
  assert.equal(levels, [true, false, true, false]);
});

test("out-of-range and non-integer lines throw RangeError", () => {
  const { bus, irq } = setup();
  for (const line of [-1, 72, 100, 1.5, NaN, Infinity, 2 ** 32 + 1, -(2 ** 32) + 3]) {
    assert.throws(() => irq.enable(line), RangeError, `enable(${line})`);
    assert.throws(() => irq.disable(line), RangeError, `disable(${line})`);
    assert.throws(() => irq.isPending(line), RangeError, `isPending(${line})`);
  }
  assert.is(bus.log.length, 0);
});

test("description: the manual's addresses for the native top half", () => {
  const { bus, irq } = setup();
  const d = irq.description();
  assert.equal(d, {
    kind: "banked",
    banks: [
      { firstLine: 0, pending: 0x2000_b204, enable: 0x2000_b210, disable: 0x2000_b21c, mask: 0xffff_ffff },
      { firstLine: 32, pending: 0x2000_b208, enable: 0x2000_b214, disable: 0x2000_b220, mask: 0xffff_ffff },
      { firstLine: 64, pending: 0x2000_b200, enable: 0x2000_b218, disable: 0x2000_b224, mask: 0xff },
    ],
  });
  for (const bank of d.banks) assert.ok(bank.mask > 0 && Number.isInteger(bank.mask), "masks are positive");
  assert.is(bus.log.length, 0, "building it touches no register");
  const other = new Bcm2835Irq({ base: 0x3f00_b200, bus }).description();
  assert.equal(other.banks.map((b) => b.pending), [0x3f00_b204, 0x3f00_b208, 0x3f00_b200]);
});

test("model: basic pending holds ARM IRQs, bank summaries and copies of selected GPU IRQs", () => {
  const { bus, model } = setup();
  bus.write32(ENABLE_1, 0xffff_ffff);
  bus.write32(ENABLE_2, 0xffff_ffff);
  bus.write32(ENABLE_BASIC, 0xff);
  assert.is(bus.read32(BASIC_PENDING), 0);
  model.setLine(2, true);
  assert.is(bus.read32(BASIC_PENDING), 1 << 8, "bank 1 summary only: 2 is not copied");
  model.setLine(7, true);
  model.setLine(62, true);
  model.setLine(66, true);
  assert.is(bus.read32(BASIC_PENDING), (1 << 2) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 20));
  assert.is(bus.read32(PENDING_1), 0x84);
  assert.is(bus.read32(PENDING_2), 0x4000_0000);
  for (const line of [9, 10, 18, 19, 53, 54, 55, 56, 57]) model.setLine(line, true);
  assert.is(bus.read32(BASIC_PENDING) & 0x1f_fc00, 0x1f_fc00, "bits 10-20");
  bus.write32(DISABLE_2, 0xffff_ffff);
  assert.is(bus.read32(BASIC_PENDING) & 0x1f_fe00, 0x7c00, "copies of 7, 9, 10, 18, 19 stay; bank 2 gone");
  assert.is(bus.read32(PENDING_2), 0);
});

test("model: enables read back, disables read the complement, pending is read-only", () => {
  const { bus, model } = setup();
  bus.write32(ENABLE_1, 0x11);
  bus.write32(ENABLE_1, 0x100);
  bus.write32(ENABLE_BASIC, 0x1ff);
  assert.is(bus.read32(ENABLE_1), 0x111, "write-1: earlier enables stay");
  assert.is(bus.read32(ENABLE_BASIC), 0xff);
  assert.is(bus.read32(DISABLE_1), 0xffff_feee);
  assert.is(bus.read32(DISABLE_BASIC), 0);
  bus.write32(DISABLE_1, 0x10);
  assert.is(bus.read32(ENABLE_1), 0x101);
  model.setLine(0, true);
  bus.write32(PENDING_1, 0);
  assert.is(bus.read32(PENDING_1), 1);
  assert.throws(() => model.setLine(72, true), RangeError);
});

test.run();
