import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { Bcm2835SysTimer, CS as CS_BITS, SYSTIMER_HZ } from "../../../drivers/timer/bcm2835-systimer.ts";
import { Bcm2835Irq, IRQ_SYSTIMER_1, IRQ_SYSTIMER_3 } from "../../../drivers/irq/bcm2835.ts";
import { Bcm2835SysTimerModel, type Bcm2835SysTimerModelOptions } from "../../../models/timer/bcm2835-systimer.ts";
import { Bcm2835IrqModel } from "../../../models/irq/bcm2835.ts";
import { onEachRead } from "../../support/passing-time.ts";

const BASE = 0x2000_3000;
// Addresses from BCM2835 ARM Peripherals 12.1, written out again so a wrong offset in the driver shows.
const CS = 0x2000_3000, CLO = 0x2000_3004, CHI = 0x2000_3008;
const C0 = 0x2000_300c, C1 = 0x2000_3010, C2 = 0x2000_3014, C3 = 0x2000_3018;
const TWO_32 = 2 ** 32;
const NAMES: Record<number, string> = { [CS]: "CS", [CLO]: "CLO", [CHI]: "CHI", [C0]: "C0", [C1]: "C1", [C2]: "C2", [C3]: "C3" };
const accesses = (bus: MemoryBus) => bus.log.map((a) => (a.kind === "read" ? NAMES[a.addr] : `${NAMES[a.addr]}=${a.value.toString(16)}`));

function setup(options: Bcm2835SysTimerModelOptions = {}) {
  const bus = new MemoryBus();
  const model = new Bcm2835SysTimerModel(bus, BASE, options);
  const timer = new Bcm2835SysTimer({ base: BASE, bus });
  timer.init();
  bus.clearLog();
  return { bus, model, timer };
}

/** A bus on which time passes: every read of CLO or CHI moves the counter `step` ticks on. */
const ticking = (bus: MemoryBus, model: Bcm2835SysTimerModel, step: number) => onEachRead(bus, [CLO, CHI], "after", () => model.advance(step));

test("SYSTIMER_HZ is the manual's 1 MHz; CS declares M0-M3 at bits 0-3", () => {
  assert.is(SYSTIMER_HZ, 1_000_000);
  assert.equal([CS_BITS.M0, CS_BITS.M1, CS_BITS.M2, CS_BITS.M3], [1, 2, 4, 8]);
});

test("init writes CS = M1|M3 once, clearing the ARM's matches and leaving the GPU's", () => {
  const bus = new MemoryBus();
  const model = new Bcm2835SysTimerModel(bus, BASE);
  for (const c of [C0, C1, C2, C3]) bus.write32(c, 5);
  model.advance(5);
  assert.is(model.status, 0xf);
  bus.clearLog();
  new Bcm2835SysTimer({ base: BASE, bus }).init();
  assert.equal(accesses(bus), ["CS=a"]);
  assert.is(model.status, 0x5);
});

test("init and clockSource refuse a missing or zero base before touching the bus", () => {
  const bus = new MemoryBus();
  assert.throws(() => new Bcm2835SysTimer({ base: 0, bus }).init(), /base/);
  assert.throws(() => new Bcm2835SysTimer({ bus } as unknown as { base: number }).init(), /base/);
  assert.throws(() => new Bcm2835SysTimer({ base: 0, bus }).clockSource(1), /base/);
  assert.is(bus.log.length, 0);
});

test("channels 0 and 2 are refused as the GPU's; others as nonexistent", () => {
  const { bus, timer } = setup();
  type Ch = 1 | 3;
  for (const ch of [0, 2]) {
    assert.throws(() => timer.setCompare(ch as Ch, 1), (e: unknown) => e instanceof RangeError && /GPU/.test(e.message));
    assert.throws(() => timer.ack(ch as Ch), (e: unknown) => e instanceof RangeError && /GPU/.test(e.message));
    assert.throws(() => timer.matched(ch as Ch), RangeError);
    assert.throws(() => timer.armDeadline(ch as Ch, 100), RangeError);
    assert.throws(() => timer.clockSource(ch as Ch), RangeError);
  }
  for (const ch of [-1, 4, 1.5, NaN]) {
    assert.throws(() => timer.ack(ch as Ch), (e: unknown) => e instanceof RangeError && /not|exist/.test(e.message));
    assert.throws(() => timer.setCompare(ch as Ch, 1), RangeError);
  }
  assert.is(bus.log.length, 0);
});

test("setCompare writes C1/C3 and refuses values that are not 32-bit", () => {
  const { bus, timer } = setup();
  timer.setCompare(1, 0xffff_ffff);
  timer.setCompare(3, 7);
  assert.equal(accesses(bus), ["C1=ffffffff", "C3=7"]);
  for (const v of [-1, TWO_32, 1.5]) assert.throws(() => timer.setCompare(1, v), RangeError);
  assert.is(bus.writes().length, 2);
});

test("ack writes only CS_BITS.Mn, without reading CS, and clears only that match", () => {
  const { bus, model, timer } = setup();
  for (const c of [C0, C1, C2, C3]) bus.write32(c, 10);
  model.advance(10);
  assert.ok(timer.matched(1) && timer.matched(3));
  bus.clearLog();
  timer.ack(1);
  assert.equal(accesses(bus), ["CS=2"]);
  assert.is(model.status, 0xd);
  assert.not.ok(timer.matched(1));
  assert.ok(timer.matched(3));
  timer.ack(3);
  assert.is(model.status, 0x5);
});

test("now() reads the 64-bit counter exactly, far above 2^32", () => {
  for (const start of [0, 0xffff_ffff, TWO_32, 5 * TWO_32 + 0x1234_5678, 2 ** 52 + 3, 2 ** 53 - 1]) {
    const { model, timer } = setup({ start });
    assert.is(timer.now(), start);
    assert.is(model.counter, start);
  }
});

test("now() across a CHI rollover: a value the counter held during the call, whichever read the carry falls between", () => {
  for (let offset = 1; offset <= 40; offset++) {
    const start = 5 * TWO_32 - offset;
    const bus = new MemoryBus();
    const model = new Bcm2835SysTimerModel(bus, BASE, { start });
    const timer = new Bcm2835SysTimer({ base: BASE, bus: ticking(bus, model, 8) });
    timer.init();
    bus.clearLog();
    const t = timer.now();
    const after = model.counter;
    assert.ok(t >= start && t <= after, `offset ${offset}: ${t} not in [${start}, ${after}]`);
    const changed = Math.floor(start / TWO_32) !== Math.floor((start + 8) / TWO_32) ||
      Math.floor((start + 8) / TWO_32) !== Math.floor((start + 16) / TWO_32);
    // CHI, CLO, CHI; CLO once more only if CHI changed in between.
    assert.equal(accesses(bus), changed ? ["CHI", "CLO", "CHI", "CLO"] : ["CHI", "CLO", "CHI"], `offset ${offset}`);
  }
});

test(">>> 0 is the low 32 bits of every integer up to 2^53", () => {
  const values = [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 52 + 5, 2 ** 53 - 1, 0x1234_5678_9abc, 2 ** 53 - 2 ** 31];
  // A fixed spread over 0..2^53 (the armDeadline tests above rely on it at 2^52 and beyond).
  for (let i = 1; i <= 200; i++) values.push(Math.floor((2 ** 53 - 1) * ((i * 0.6180339887) % 1)));
  for (const v of values) assert.is(v >>> 0, Number(BigInt(v) & 0xffff_ffffn), `${v}`);
});

test("armDeadline: acks first, then writes the deadline's low 32 bits", () => {
  const { bus, model, timer } = setup({ start: 1000 });
  bus.write32(C1, 1000 + 5);
  model.advance(5);
  bus.clearLog();
  timer.armDeadline(1, 1000 + 5 + 123);
  const log = accesses(bus).filter((a) => a !== "CHI" && a !== "CLO");
  assert.equal(log, ["CS=2", `C1=${(1128).toString(16)}`]);
  assert.not.ok(model.irq(1), "the earlier match is acked");
  timer.armDeadline(3, 1000 + 2 ** 31);
  assert.is(bus.read32(C3), 1000 + 2 ** 31);
});

test("armDeadline clamps a far deadline to now + 2^31 so it never fires late", () => {
  const start = 3 * TWO_32 + 0xf000_0000;
  const { bus, model, timer } = setup({ start });
  timer.armDeadline(1, start + 2 ** 31 - 1);
  assert.is(bus.read32(C1), (start + 2 ** 31 - 1) % TWO_32, "within 2^31: as given");
  timer.armDeadline(1, start + 2 ** 31);
  assert.is(bus.read32(C1), (start + 2 ** 31) % TWO_32, "exactly 2^31 ahead is not clamped");
  for (const deadline of [start + 2 ** 31 + 1, start + TWO_32, start + 5 * TWO_32 + 7, 2 ** 53 - 1]) {
    timer.armDeadline(1, deadline);
    assert.is(bus.read32(C1), (start + 2 ** 31) % TWO_32, `deadline ${deadline}`);
  }
  model.advance(2 ** 31 - 1);
  assert.not.ok(timer.matched(1));
  model.advance(1);
  assert.ok(timer.matched(1), "fires at now + 2^31, before the deadline");
  assert.throws(() => timer.armDeadline(1, -1), RangeError);
  assert.throws(() => timer.armDeadline(1, NaN), RangeError);
  assert.throws(() => timer.armDeadline(1, 2 ** 53), RangeError);
});

test("armDeadline across the low-32-bit wrap matches exactly at the deadline", () => {
  const start = 7 * TWO_32 + 0xffff_ff00;
  const { bus, model, timer } = setup({ start });
  const deadline = 8 * TWO_32 + 0x10;
  timer.armDeadline(3, deadline);
  assert.is(bus.read32(C3), 0x10);
  model.advance(deadline - start - 1);
  assert.not.ok(timer.matched(3));
  model.advance(1);
  assert.ok(timer.matched(3));
  assert.is(timer.now(), deadline);
});

test("match → CS_BITS.Mn → GPU IRQ n at the interrupt controller; ack clears it", () => {
  const bus = new MemoryBus();
  const ic = new Bcm2835IrqModel(bus, 0x2000_b200);
  const model = new Bcm2835SysTimerModel(bus, BASE, { start: 42, onIrq: (n, level) => ic.setLine(n, level) });
  const irq = new Bcm2835Irq({ base: 0x2000_b200, bus });
  const timer = new Bcm2835SysTimer({ base: BASE, bus });
  irq.init();
  timer.init();
  irq.enable(IRQ_SYSTIMER_1);
  irq.enable(IRQ_SYSTIMER_3);
  timer.armDeadline(1, timer.now() + 100);
  timer.armDeadline(3, timer.now() + 300);
  model.advance(99);
  assert.not.ok(ic.irq);
  model.advance(1);
  assert.ok(ic.irq);
  assert.equal(irq.pendingLines(), [1]);
  assert.ok(timer.matched(1));
  timer.ack(1);
  assert.not.ok(ic.irq);
  assert.equal(irq.pendingLines(), []);
  model.advance(1000);
  assert.equal(irq.pendingLines(), [3]);
  bus.write32(C0, (42 + 1100 + 1) % TWO_32); // the GPU's channel: raised, but line 0 is not enabled
  model.advance(1);
  assert.ok(ic.level(0));
  assert.equal(irq.pendingLines(), [3]);
});

test("clockSource: 1 MHz, the counter at CLO/CHI, arm() arms its own channel", () => {
  const { bus, timer } = setup({ start: TWO_32 - 100 });
  for (const [ch, reg] of [[1, C1], [3, C3]] as const) {
    const src = timer.clockSource(ch);
    assert.is(src.hz, 1_000_000);
    assert.equal(src.counter, { kind: "mmio32x2", low: 0x2000_3004, high: 0x2000_3008 });
    bus.clearLog();
    src.arm(TWO_32 + 500);
    assert.equal(bus.writes().map((a) => [a.addr, a.value]), [[CS, 1 << ch], [reg, 500]]);
  }
});

test("model: a compare equal to the counter matches only after a full wrap; onIrq in time order", () => {
  const events: string[] = [];
  const bus = new MemoryBus();
  const model = new Bcm2835SysTimerModel(bus, BASE, { start: 2 * TWO_32 + 100, onIrq: (n, l) => events.push(`${n}${l ? "+" : "-"}`) });
  for (const [c, v] of [[C0, 100], [C1, 100], [C2, 99], [C3, 50]]) bus.write32(c, v);
  model.advance(TWO_32 - 51); // low bits 101 .. 2^32-1, 0 .. 49
  assert.equal(events, []);
  model.advance(1);
  assert.equal(events, ["3+"]);
  model.advance(49);
  assert.equal(events, ["3+", "2+"]);
  model.advance(1); // back at 100 after a full wrap: C0 and C1 on the same tick
  assert.equal(events, ["3+", "2+", "0+", "1+"]);
  assert.is(model.counter, 3 * TWO_32 + 100);
  assert.is(bus.read32(CLO), 100);
  assert.is(bus.read32(CHI), 3);
  bus.write32(CS, 0xe);
  assert.equal(events.slice(4), ["1-", "2-", "3-"]);
  assert.is(model.status, 0x1);
  model.advance(3 * TWO_32);
  assert.is(model.status, 0xf);
  assert.equal(events.slice(7), ["3+", "2+", "1+"], "M0 was still set: no new edge");
  bus.write32(CLO, 0);
  bus.write32(CHI, 0);
  assert.is(model.counter, 6 * TWO_32 + 100, "CLO and CHI are read-only");
  assert.throws(() => model.advance(-1), RangeError);
  assert.throws(() => model.advance(0.5), RangeError);
});

test.run();
