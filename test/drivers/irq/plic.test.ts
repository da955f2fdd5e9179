import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ClaimIrqController } from "hal";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { FU540_PLIC_SOURCES, Plic, fu540MachineContext } from "../../../drivers/irq/plic.ts";
import { SifiveUart } from "../../../drivers/uart/sifive.ts";
import { PlicModel, type PlicModelOptions } from "../../../models/irq/plic.ts";
import { SifiveUartModel } from "../../../models/uart/sifive.ts";

const BASE = 0x0c00_0000;
// Addresses from the FU540-C000 Manual chapter 10, written out again so a wrong offset in the driver shows.
const PRIORITY = (s: number) => BASE + 4 * s;
const PENDING = (word: number) => BASE + 0x1000 + 4 * word;
const ENABLE = (ctx: number, word: number) => BASE + 0x2000 + 0x80 * ctx + 4 * word;
const THRESHOLD = (ctx: number) => BASE + 0x20_0000 + 0x1000 * ctx;
const CLAIM = (ctx: number) => BASE + 0x20_0004 + 0x1000 * ctx;

function name(addr: number): string {
  const off = addr - BASE;
  if (off < 0x1000) return `PRIO${off / 4}`;
  if (off < 0x2000) return `PEND${(off - 0x1000) / 4}`;
  if (off < 0x20_0000) return `EN${Math.floor((off - 0x2000) / 0x80)}.${((off - 0x2000) % 0x80) / 4}`;
  const ctx = Math.floor((off - 0x20_0000) / 0x1000);
  return (off & 0xfff) === 0 ? `THR${ctx}` : `CLAIM${ctx}`;
}
const accesses = (bus: MemoryBus) => bus.log.map((a) => (a.kind === "read" ? name(a.addr) : `${name(a.addr)}=${a.value.toString(16)}`));

function setup(context = 1, options: PlicModelOptions = {}) {
  const bus = new MemoryBus();
  const model = new PlicModel(bus, BASE, options);
  const plic = new Plic({ base: BASE, sources: options.sources ?? FU540_PLIC_SOURCES, context, bus });
  return { bus, model, plic };
}

test("FU540: 53 sources; hart h's M-mode context is 0 for the E51, 2h - 1 for the U54s", () => {
  assert.is(FU540_PLIC_SOURCES, 53);
  assert.equal([0, 1, 2, 3, 4].map(fu540MachineContext), [0, 1, 3, 5, 7]);
});

test("init disables every source for its context, gives sources 1..N priority 1, threshold 0; only writes", () => {
  const { bus, model, plic } = setup(fu540MachineContext(1));
  for (const ctx of [1, 2]) {
    bus.write32(ENABLE(ctx, 0), 0xffff_ffff);
    bus.write32(ENABLE(ctx, 1), 0xffff_ffff);
  }
  bus.write32(THRESHOLD(1), 7);
  bus.clearLog();
  plic.init();
  const expected = ["EN1.0=0", "EN1.1=0"];
  for (let s = 1; s <= 53; s++) expected.push(`PRIO${s}=1`);
  expected.push("THR1=0");
  assert.equal(accesses(bus), expected);
  for (const s of [1, 31, 32, 53]) {
    assert.not.ok(model.enabled(1, s), `source ${s}`);
    assert.ok(model.enabled(2, s), "another context's enables are left alone");
  }
  assert.is(bus.read32(PRIORITY(53)), 1);
  assert.is(bus.read32(PRIORITY(54)), 0, "no source 54");
});

test("context fu540MachineContext(1) === 1: enable, claim and complete use context 1's registers", () => {
  const { bus, model, plic } = setup(fu540MachineContext(1));
  plic.init();
  bus.clearLog();
  plic.enable(4);
  model.raise(4);
  assert.is(plic.claim(), 4);
  plic.complete(4);
  assert.equal(accesses(bus), ["EN1.0", "EN1.0=10", "CLAIM1", "CLAIM1=4"]);
  assert.equal([bus.log[2].addr, bus.log[3].addr], [0x0c20_1004, 0x0c20_1004]);
});

test("enable and disable change only the source's bit of the context's word", () => {
  const { bus, model, plic } = setup(3);
  plic.init();
  for (const s of [1, 31, 32, 53]) plic.enable(s);
  assert.equal([bus.read32(ENABLE(3, 0)), bus.read32(ENABLE(3, 1))], [0x8000_0002, 0x0020_0001]);
  plic.disable(31);
  plic.disable(32);
  assert.equal([bus.read32(ENABLE(3, 0)), bus.read32(ENABLE(3, 1))], [0x2, 0x0020_0000]);
  assert.ok(model.enabled(3, 53) && !model.enabled(1, 53));
});

test("setPriority and setThreshold write their registers; nonexistent sources throw before touching the bus", () => {
  const { bus, plic } = setup(1);
  plic.setPriority(7, 5);
  plic.setThreshold(3);
  assert.equal(accesses(bus), ["PRIO7=5", "THR1=3"]);
  bus.clearLog();
  for (const s of [0, 54, -1, 1.5, NaN]) {
    assert.throws(() => plic.enable(s), RangeError, `enable(${s})`);
    assert.throws(() => plic.disable(s), RangeError);
    assert.throws(() => plic.setPriority(s, 1), RangeError);
    assert.throws(() => plic.isPending(s), RangeError);
    assert.throws(() => plic.complete(s), RangeError);
  }
  assert.is(bus.log.length, 0);
});

test("constructor refuses 0 or more than 1023 sources; a zero base is refused before touching the bus", () => {
  const bus = new MemoryBus();
  for (const sources of [0, 1024, 1.5]) assert.throws(() => new Plic({ base: BASE, sources, context: 0, bus }), RangeError);
  const plic = new Plic({ base: 0, sources: 53, context: 1, bus });
  assert.throws(() => plic.init(), /base/);
  assert.throws(() => plic.claim(), /base/);
  assert.throws(() => plic.description(), /base/);
  assert.is(bus.log.length, 0);
});

test("claim: highest priority above threshold, lowest id on ties, 0 when none; pending clears", () => {
  const { model, plic } = setup(1);
  plic.init();
  for (const s of [3, 9, 10, 40]) plic.enable(s);
  plic.setPriority(9, 4);
  plic.setPriority(10, 4);
  plic.setPriority(40, 2);
  for (const s of [40, 10, 9, 3, 5]) model.raise(s);
  assert.ok(plic.isPending(40) && plic.isPending(5));
  plic.setThreshold(1);
  assert.equal([plic.claim(), plic.claim(), plic.claim(), plic.claim()], [9, 10, 40, 0], "3 is at the threshold");
  assert.not.ok(plic.isPending(9));
  assert.ok(model.claimed(9) && plic.isPending(3) && plic.isPending(5), "5 is pending but not enabled");
  plic.setThreshold(0);
  assert.is(plic.claim(), 3);
});

test("a claimed source is not forwarded again until completed; completion re-forwards a level still high", () => {
  const { model, plic } = setup(1);
  plic.init();
  plic.enable(4);
  model.setLevel(4, true);
  assert.ok(model.eip(1));
  assert.is(plic.claim(), 4);
  assert.not.ok(model.eip(1), "in flight: not pending, line low");
  assert.is(plic.claim(), 0);
  plic.complete(4);
  assert.ok(model.eip(1), "level still high: forwarded again");
  assert.is(plic.claim(), 4);
  model.setLevel(4, false);
  plic.complete(4);
  assert.not.ok(model.eip(1));
  assert.is(plic.claim(), 0);
});

test("a completion for a source disabled in the context is ignored (PLIC spec); enabled again, it takes", () => {
  const { model, plic } = setup(1);
  plic.init();
  plic.enable(6);
  model.raise(6);
  assert.is(plic.claim(), 6);
  plic.disable(6);
  plic.complete(6);
  assert.ok(model.claimed(6), "still in flight");
  assert.is(model.ignoredCompletions, 1);
  plic.enable(6);
  plic.complete(6);
  assert.not.ok(model.claimed(6));
});

test("description: claim register of the context; banks of sources 1..N, no source 0; touches no register", () => {
  const { bus, plic } = setup(1);
  const d = plic.description();
  assert.equal(d, {
    kind: "claim",
    claim: 0x0c20_1004,
    banks: [
      { firstLine: 0, enable: 0x0c00_2080, mask: 0xffff_fffe },
      { firstLine: 32, enable: 0x0c00_2084, mask: 0x003f_ffff },
    ],
  });
  assert.is(bus.log.length, 0);
  const masks = (sources: number, context: number) => new Plic({ base: BASE, sources, context, bus }).description();
  assert.equal(masks(31, 0).banks, [{ firstLine: 0, enable: 0x0c00_2000, mask: 0xffff_fffe }]);
  assert.equal(masks(32, 7).banks.map((b) => b.mask), [0xffff_fffe, 0x1]);
  assert.is(masks(32, 7).claim, 0x0c20_7004);
  assert.equal(masks(64, 0).banks.map((b) => [b.firstLine, b.mask]), [[0, 0xffff_fffe], [32, 0xffff_ffff], [64, 0x1]]);
});

/** The native top half (hal/native/irq.c): claim until 0, then each handler, then its completion. */
function topHalf(bus: MemoryBus, d: ClaimIrqController, handle: (line: number) => void): number[] {
  const lines: number[] = [];
  for (let line = bus.read32(d.claim); line !== 0; line = bus.read32(d.claim)) lines.push(line);
  for (const line of lines) {
    handle(line);
    bus.write32(d.claim, line);
  }
  return lines;
}

test("UART0 (source 4) through the PLIC as the top half drives it: one claim per burst, none after draining", () => {
  const bus = new MemoryBus();
  const plic = new PlicModel(bus, BASE);
  const uartModel = new SifiveUartModel(bus, 0x1001_0000, { onIrq: (level) => plic.setLevel(4, level) });
  const driver = new Plic({ base: BASE, sources: 53, context: 1, bus });
  const uart = new SifiveUart({ base: 0x1001_0000, clockHz: 16_666_667, bus });
  driver.init();
  uart.init();
  uart.enableReceiveInterrupts();
  driver.enable(4);
  const got: number[] = [];
  const drain = () => { for (let b = uart.readByte(); b >= 0; b = uart.readByte()) got.push(b); };
  uartModel.receive("hi");
  assert.ok(plic.eip(1));
  assert.equal(topHalf(bus, driver.description(), drain), [4]);
  assert.equal(got, [0x68, 0x69]);
  assert.not.ok(plic.eip(1), "drained before completion: nothing forwarded");
  assert.equal(topHalf(bus, driver.description(), drain), []);
  uartModel.receive("!");
  assert.equal(topHalf(bus, driver.description(), drain), [4]);
  assert.is(plic.ignoredCompletions, 0);
});

test("model: enable bits of nonexistent sources read 0, pending is read-only, priorities and threshold 3 bits", () => {
  const levels: string[] = [];
  const { bus, model } = setup(0, { sources: 40, onIrq: (c, l) => levels.push(`${c}${l ? "+" : "-"}`) });
  bus.write32(ENABLE(2, 0), 0xffff_ffff);
  bus.write32(ENABLE(2, 1), 0xffff_ffff);
  assert.equal([bus.read32(ENABLE(2, 0)), bus.read32(ENABLE(2, 1))], [0xffff_fffe, 0x1ff]);
  bus.write32(PRIORITY(40), 0xff);
  assert.is(bus.read32(PRIORITY(40)), 7);
  bus.write32(THRESHOLD(2), 0xf);
  assert.is(bus.read32(THRESHOLD(2)), 7);
  model.raise(40);
  assert.is(bus.read32(PENDING(1)), 0x100);
  bus.write32(PENDING(1), 0);
  assert.is(bus.read32(PENDING(1)), 0x100);
  assert.equal(levels, [], "priority 7 is not above threshold 7");
  bus.write32(THRESHOLD(2), 6);
  assert.equal(levels, ["2+"]);
  bus.write32(CLAIM(2), 39);
  assert.is(model.ignoredCompletions, 0, "39 is enabled: completing a source not in flight is harmless");
  bus.write32(CLAIM(2), 41);
  assert.is(model.ignoredCompletions, 1);
  assert.is(bus.read32(CLAIM(2)), 40);
  assert.equal(levels, ["2+", "2-"]);
  model.raise(40);
  assert.not.ok(model.pending(40), "in flight: the request waits in the gateway");
  bus.write32(CLAIM(2), 40);
  assert.ok(model.pending(40), "forwarded at completion");
  assert.throws(() => model.raise(0), RangeError);
  assert.throws(() => model.eip(9), RangeError);
});

test.run();
