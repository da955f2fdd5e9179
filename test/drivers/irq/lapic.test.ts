import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { LocalApic, LAPIC_SPURIOUS_VECTOR } from "../../../drivers/irq/lapic.ts";
import { LocalApicModel } from "../../../models/irq/lapic.ts";

const BASE = 0xfee0_0000;

function setup(apicId = 0) {
  const bus = new MemoryBus();
  const model = new LocalApicModel(bus, BASE, apicId);
  return { bus, model, lapic: new LocalApic({ base: BASE, bus }) };
}

test("init masks LINT0 (the PIC's ExtINT) and errors, TPR 0, enables the APIC with vector 0xff", () => {
  const { bus, model, lapic } = setup();
  assert.is(model.lint0, 0x700, "reset: ExtINT, unmasked");
  lapic.init();
  assert.equal(
    bus.log.map((a) => `${(a.addr - BASE).toString(16)}=${a.value.toString(16)}`),
    ["350=10000", "370=10000", "80=0", "f0=1ff"],
  );
  assert.ok(model.enabled);
  assert.is(model.lint0 & 0x1_0000, 0x1_0000);
  assert.is(model.tpr, 0);
  assert.is(LAPIC_SPURIOUS_VECTOR & 0xf, 0xf, "P6 APICs force the low 4 bits to 1");
});

test("id from bits 24-31, EOI by writing 0 at 0xb0", () => {
  const { model, lapic } = setup(5);
  assert.is(lapic.id(), 5);
  assert.is(lapic.eoiAddress(), BASE + 0xb0);
  lapic.eoi();
  assert.is(model.eois, 1);
});

test("a missing base is refused", () => {
  assert.throws(() => new LocalApic({ base: 0 }).init(), /invalid base/);
});

test.run();
