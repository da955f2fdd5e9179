import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { GicV2 } from "../../../drivers/irq/arm-gicv2.ts";

const D = 0x00a0_1000, C = 0x00a0_2000;

test("init: distributor off, PPIs and SPIs disabled and cleared, one priority, SPIs to CPU 0, then Group 0 on with EOImodeS", () => {
  const bus = new MemoryBus({ logLimit: 10_000 });
  new GicV2({ distributor: D, cpuInterface: C, lines: 64, bus }).init();
  const w = bus.writes().map((a) => [a.addr, a.value >>> 0]);
  assert.equal(w[0], [D, 0], "GICD_CTLR off first");
  assert.equal(w.at(-1), [D, 1], "GICD_CTLR.EnableGrp0 last");
  const at = (addr: number) => w.filter(([a]) => a === addr).map(([, v]) => v);
  assert.equal(at(D + 0x180), [0xffff_0000], "ICENABLER0: not the SGIs");
  assert.equal(at(D + 0x184), [0xffff_ffff]);
  assert.equal(at(D + 0x280), [0xffff_0000], "ICPENDR0");
  assert.equal(at(D + 0x400), [0xa0a0_a0a0]);
  assert.equal(at(D + 0x43c), [0xa0a0_a0a0], "IPRIORITYR for IDs 60-63");
  assert.equal(at(D + 0x81c), [], "ITARGETSR for PPIs is read-only");
  assert.equal(at(D + 0x820), [0x0101_0101], "SPIs 32-35 to CPU 0");
  assert.equal(at(C + 0x004), [0xff], "PMR open");
  assert.equal(at(C + 0x000), [0x201], "GICC_CTLR: EnableGrp0 | EOImodeS");
});

test("description: IAR claims, EOIR drops priority, DIR deactivates; spurious 1023; banks of ISENABLER/ICENABLER without SGIs", () => {
  const gic = new GicV2({ distributor: D, cpuInterface: C, lines: 160, bus: new MemoryBus() });
  const d = gic.description();
  assert.is(d.kind, "claim");
  assert.equal([d.claim, d.priorityDrop, d.complete, d.none, d.idMask], [C + 0xc, C + 0x10, C + 0x1000, 1023, 0x3ff]);
  assert.is(d.banks.length, 5);
  assert.equal(d.banks[0], { firstLine: 0, enable: D + 0x100, disable: D + 0x180, mask: 0xffff_0000 });
  assert.equal(d.banks[4], { firstLine: 128, enable: D + 0x110, disable: D + 0x190, mask: 0xffff_ffff });
});

test("enable/disable write one bit to ISENABLER/ICENABLER; SGIs, missing IDs and bad sizes are refused", () => {
  const bus = new MemoryBus();
  const gic = new GicV2({ distributor: D, cpuInterface: C, lines: 160, bus });
  gic.enable(59);
  gic.disable(29);
  assert.equal(bus.writes().map((a) => [a.addr, a.value >>> 0]), [[D + 0x104, 1 << 27], [D + 0x180, 1 << 29]]);
  assert.throws(() => gic.enable(3), RangeError);
  assert.throws(() => gic.enable(160), RangeError);
  assert.throws(() => new GicV2({ distributor: D, cpuInterface: C, lines: 100 }), RangeError);
  assert.throws(() => new GicV2({ distributor: 0, cpuInterface: C, lines: 64, bus }).description(), /base/);
});

test.run();
