import { suite } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { GicV2Model, GIC_SPURIOUS } from "../../../models/irq/arm-gicv2.ts";
import { GicV2 } from "../../../drivers/irq/arm-gicv2.ts";

// The GIC v2 model (the simulator's i.MX6UL machine) under the firmware's own driver, and the
// claim / priority drop / deactivate sequence the native top half makes (hal/native/irq.c).
const test = suite("GIC v2 model");
const GICD = 0x00a0_1000, GICC = 0x00a0_2000;

function setup() {
  const bus = new MemoryBus({ logLimit: 0 });
  const model = new GicV2Model(bus, GICD, GICC, 160);
  const gic = new GicV2({ distributor: GICD, cpuInterface: GICC, lines: 160, bus });
  gic.init();
  const d = gic.description();
  return { bus, model, gic, claim: () => bus.read32(d.claim), drop: (id: number) => bus.write32(d.priorityDrop as number, id), complete: (id: number) => bus.write32(d.complete as number, id) };
}

test("nothing is signalled until a line is both raised and enabled; TYPER says 5 words of lines", () => {
  const { bus, model, gic, claim } = setup();
  assert.is(bus.read32(GICD + 4) & 0x1f, 4);
  model.setLine(58, true);
  assert.is(model.irq, false);
  assert.is(claim(), GIC_SPURIOUS);
  gic.enable(58);
  assert.is(model.irq, true);
  gic.disable(58);
  assert.is(model.irq, false);
});

test("a claimed line stays active after the priority drop until deactivated; a level still high comes again", () => {
  const { model, gic, claim, drop, complete } = setup();
  gic.enable(58);
  gic.enable(59);
  model.setLine(59, true);
  model.setLine(58, true);
  // Equal priorities: the lower ID first (ARM IHI 0048B 3.3).
  assert.is(claim(), 58);
  drop(58);
  assert.is(claim(), 59);
  drop(59);
  assert.is(claim(), GIC_SPURIOUS);
  model.setLine(58, false);
  complete(58);
  complete(59);
  assert.is(claim(), 59);
});

test("software pending (ISPENDR) is cleared by the claim; the distributor's enable gates everything", () => {
  const { bus, model, gic, claim, drop, complete } = setup();
  gic.enable(99);
  bus.write32(GICD + 0x200 + 4 * 3, 1 << 3);
  assert.is(claim(), 99);
  drop(99);
  complete(99);
  assert.is(claim(), GIC_SPURIOUS);
  model.setLine(99, true);
  bus.write32(GICD, 0);
  assert.is(model.irq, false);
});

test.run();
