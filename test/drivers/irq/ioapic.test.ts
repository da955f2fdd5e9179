import { test } from "uvu";
import * as assert from "uvu/assert";
import type { VectoredIrqController } from "hal";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { IoApic } from "../../../drivers/irq/ioapic.ts";
import { IoApicModel } from "../../../models/irq/ioapic.ts";

const BASE = 0xfec0_0000;
const EOI = 0xfee0_00b0;
// 82093AA datasheet 3.0 / 3.2.4, written out again so a wrong offset or bit in the driver shows.
const IOREGSEL = BASE, IOWIN = BASE + 0x10;
const MASK = 1 << 16, LEVEL = 1 << 15, ACTIVE_LOW = 1 << 13;

function setup(inputs = 24) {
  const bus = new MemoryBus();
  const model = new IoApicModel(bus, BASE, inputs);
  const ioapic = new IoApic({ base: BASE, firstVector: 0x30, bus });
  return { bus, model, ioapic };
}

// What hal/native/irq.c does with a "vectored" description, on the same bus.
function maskLine(bus: MemoryBus, d: VectoredIrqController, line: number, masked: boolean): void {
  bus.write32(d.select, d.firstIndex + d.indexStride * line);
  const v = bus.read32(d.window);
  bus.write32(d.window, (masked ? v | d.maskBit : v & ~d.maskBit) >>> 0);
}
function topHalf(bus: MemoryBus, model: IoApicModel, d: VectoredIrqController, vector: number): number {
  const line = vector - d.firstVector;
  maskLine(bus, d, line, true);
  bus.write32(d.eoi, 0);
  model.eoi(vector); // the local APIC broadcasts the EOI to the I/O APIC
  return line;
}

test("init routes input n to vector 0x30 + n at the CPU's APIC id, edge/high, masked", () => {
  const { bus, model, ioapic } = setup();
  ioapic.init(3);
  assert.is(ioapic.inputs, 24, "from the version register's maximum redirection entry");
  for (const n of [0, 4, 23]) {
    assert.equal(model.entry(n), { low: MASK | (0x30 + n), high: 3 << 24 });
  }
  // Only the index/data pair is used: one version read, then two writes per entry.
  assert.is(bus.log.filter((a) => a.addr === IOREGSEL && a.kind === "write").length, 1 + 24 * 2);
  assert.ok(bus.log.every((a) => a.addr === IOREGSEL || a.addr === IOWIN));
});

test("configure sets trigger mode and polarity, keeping the mask", () => {
  const { model, ioapic } = setup();
  ioapic.init(0);
  ioapic.configure(4, "level");
  assert.is(model.entry(4).low, MASK | LEVEL | 0x34);
  ioapic.configure(4, "edge", true);
  assert.is(model.entry(4).low, MASK | ACTIVE_LOW | 0x34);
  assert.ok(ioapic.masked(4));
  assert.throws(() => ioapic.configure(24, "edge"), RangeError);
});

test("description: the vectored kind over IOREGSEL/IOWIN, mask bit 16, one line per input", () => {
  const { ioapic } = setup();
  assert.throws(() => ioapic.description(EOI), /init\(\) first/);
  ioapic.init(0);
  assert.equal(ioapic.description(EOI), {
    kind: "vectored",
    firstVector: 0x30,
    eoi: EOI,
    select: IOREGSEL,
    window: IOWIN,
    firstIndex: 0x10,
    indexStride: 2,
    maskBit: MASK,
    banks: [{ firstLine: 0, mask: 0x00ff_ffff }],
  });
});

test("a level input that stays up while the top half has it masked interrupts again on unmask", () => {
  const { bus, model, ioapic } = setup();
  ioapic.init(0);
  ioapic.configure(4, "level");
  const d = ioapic.description(EOI);
  maskLine(bus, d, 4, false); // irq.on
  model.setLevel(4, true);
  assert.equal(model.delivered, [0x34]);
  assert.is(topHalf(bus, model, d, 0x34), 4);
  assert.equal(model.delivered, [0x34], "masked: no second delivery, although the EOI cleared Remote IRR");
  maskLine(bus, d, 4, false); // after the handler: the UART received more meanwhile
  assert.equal(model.delivered, [0x34, 0x34]);
  topHalf(bus, model, d, 0x34);
  model.setLevel(4, false);
  maskLine(bus, d, 4, false);
  assert.equal(model.delivered, [0x34, 0x34], "drained: nothing more");
});

test("an edge input loses an edge that arrives while masked (why COM1 is taken level-triggered)", () => {
  const { bus, model, ioapic } = setup();
  ioapic.init(0);
  const d = ioapic.description(EOI);
  maskLine(bus, d, 4, false);
  model.setLevel(4, true);
  topHalf(bus, model, d, 0x34);
  model.setLevel(4, false);
  model.setLevel(4, true); // a new request while the handler runs
  maskLine(bus, d, 4, false);
  assert.equal(model.delivered, [0x34]);
});

test("a first vector outside 32..255 and a missing base are refused", () => {
  assert.throws(() => new IoApic({ base: BASE, firstVector: 31 }), RangeError);
  assert.throws(() => new IoApic({ base: BASE, firstVector: 256 }), RangeError);
  assert.throws(() => new IoApic({ base: 0, firstVector: 0x30 }).init(0), /invalid base/);
});

test.run();
