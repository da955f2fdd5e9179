import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { Clint, FU540_RTC_HZ } from "../../../drivers/timer/clint.ts";
import { ClintModel, type ClintModelOptions } from "../../../models/timer/clint.ts";
import { onEachRead } from "../../support/passing-time.ts";

const BASE = 0x0200_0000;
// Addresses from the FU540-C000 Manual chapter 9, written out again so a wrong offset in the driver shows.
const MSIP = (hart: number) => BASE + 4 * hart;
const CMP_LO = (hart: number) => BASE + 0x4000 + 8 * hart;
const CMP_HI = (hart: number) => BASE + 0x4004 + 8 * hart;
const MTIME_LO = 0x0200_bff8, MTIME_HI = 0x0200_bffc;
const TWO_32 = 2 ** 32;

function name(addr: number): string {
  if (addr === MTIME_LO) return "LO";
  if (addr === MTIME_HI) return "HI";
  for (let h = 0; h < 5; h++) {
    if (addr === MSIP(h)) return `MSIP${h}`;
    if (addr === CMP_LO(h)) return `CMP${h}.LO`;
    if (addr === CMP_HI(h)) return `CMP${h}.HI`;
  }
  return addr.toString(16);
}
const accesses = (bus: MemoryBus) => bus.log.map((a) => (a.kind === "read" ? name(a.addr) : `${name(a.addr)}=${a.value.toString(16)}`));

function setup(options: ClintModelOptions = {}) {
  const bus = new MemoryBus();
  const model = new ClintModel(bus, BASE, options);
  const clint = new Clint({ base: BASE, hz: FU540_RTC_HZ, harts: 5, bus });
  return { bus, model, clint };
}

/** A bus on which time passes: every read of mtime's halves moves it `step` ticks on. */
const ticking = (bus: MemoryBus, model: ClintModel, step: number) => onEachRead(bus, [MTIME_LO, MTIME_HI], "after", () => model.advance(step));

test("FU540_RTC_HZ is the manual's 1 MHz rtcclk", () => {
  assert.is(FU540_RTC_HZ, 1_000_000);
});

test("now() reads mtime HI, LO, HI and is exact far above 2^32", () => {
  for (const start of [0, 0xffff_ffff, TWO_32, 7 * TWO_32 + 0x1234_5678, 2 ** 53 - 1]) {
    const { bus, clint } = setup({ start });
    assert.is(clint.now(), start);
    assert.equal(accesses(bus), ["HI", "LO", "HI"]);
  }
});

test("now() across a carry: LO read again, a value mtime held during the call", () => {
  for (let offset = 1; offset <= 12; offset++) {
    const start = 3 * TWO_32 - offset;
    const bus = new MemoryBus();
    const model = new ClintModel(bus, BASE, { start });
    const clint = new Clint({ base: BASE, hz: FU540_RTC_HZ, harts: 5, bus: ticking(bus, model, 4) });
    const t = clint.now();
    assert.ok(t >= start && t <= model.mtime, `offset ${offset}: ${t}`);
    const carried = offset <= 8; // the carry falls between the first and second HI reads
    assert.equal(accesses(bus), carried ? ["HI", "LO", "HI", "LO"] : ["HI", "LO", "HI"], `offset ${offset}`);
  }
});

test("setCompare writes the hart's mtimecmp HI=ffffffff, LO, HI, in that order", () => {
  const { bus, model, clint } = setup();
  for (const hart of [0, 1, 4]) {
    bus.clearLog();
    clint.setCompare(hart, 5 * TWO_32 + 0x77);
    assert.equal(accesses(bus), [`CMP${hart}.HI=ffffffff`, `CMP${hart}.LO=77`, `CMP${hart}.HI=5`]);
    assert.is(model.mtimecmp(hart), (5n << 32n) | 0x77n);
  }
  model.advance(5 * TWO_32 + 0x76);
  assert.not.ok(model.timerPending(1));
  model.advance(1);
  assert.ok(model.timerPending(0) && model.timerPending(1) && model.timerPending(4));
  assert.not.ok(model.timerPending(2));
  clint.setCompare(1, 6 * TWO_32);
  assert.not.ok(model.timerPending(1), "a compare ahead of mtime clears MTIP");
});

test("setCompare never asserts MTIP on the way; a naive HI-then-LO write would", () => {
  const { bus, model, clint } = setup({ start: 6 * TWO_32 + 10 });
  bus.write32(CMP_LO(1), 0);
  bus.write32(CMP_HI(1), 7); // far ahead
  clint.setCompare(1, 6 * TWO_32 + 20);
  assert.equal(model.timerEdges, [], "no edge: every intermediate value stays ahead of mtime");
  bus.write32(CMP_HI(1), 7);
  bus.write32(CMP_LO(1), 0); // back at 7:00000000, as before
  bus.write32(CMP_HI(1), 6); // naive: 6:00000000 is behind mtime for one write
  bus.write32(CMP_LO(1), 20);
  assert.equal(model.timerEdges, ["1+", "1-"], "the model sees the glitch the driver avoids");
});

test("setCompare refuses deadlines that are not counter values, and harts that do not exist", () => {
  const { bus, clint } = setup();
  for (const d of [-1, 1.5, NaN, Infinity, 2 ** 53]) assert.throws(() => clint.setCompare(1, d), RangeError, `deadline ${d}`);
  for (const h of [-1, 5, 1.5, NaN]) {
    assert.throws(() => clint.setCompare(h, 0), RangeError, `hart ${h}`);
    assert.throws(() => clint.setSoftwareInterrupt(h, true), RangeError, `hart ${h}`);
  }
  assert.is(bus.log.length, 0);
});

test("setSoftwareInterrupt writes msip at base + 4 * hart", () => {
  const { bus, model, clint } = setup();
  clint.setSoftwareInterrupt(3, true);
  clint.setSoftwareInterrupt(0, true);
  clint.setSoftwareInterrupt(3, false);
  assert.equal(accesses(bus), ["MSIP3=1", "MSIP0=1", "MSIP3=0"]);
  assert.equal([0, 1, 2, 3, 4].map((h) => model.softwarePending(h)), [true, false, false, false, false]);
});

test("a missing or zero base is refused before touching the bus", () => {
  const bus = new MemoryBus();
  const clint = new Clint({ base: 0, hz: FU540_RTC_HZ, harts: 5, bus });
  assert.throws(() => clint.now(), /base/);
  assert.throws(() => clint.setCompare(1, 0), /base/);
  assert.throws(() => clint.clockSource(1), /base/);
  assert.is(bus.log.length, 0);
});

test("clockSource: hz passed through, counter mmio64 at base + 0xbff8, arm() writes the hart's mtimecmp", () => {
  const { bus, model } = setup({ start: 1000 });
  const clint = new Clint({ base: BASE, hz: 10_000_000, harts: 5, bus });
  const src = clint.clockSource(1);
  assert.is(src.hz, 10_000_000);
  assert.equal(src.counter, { kind: "mmio64", address: 0x0200_bff8 });
  assert.is(bus.log.length, 0, "making it touches no register");
  src.arm(5 * TWO_32 + 7);
  assert.equal(accesses(bus), ["CMP1.HI=ffffffff", "CMP1.LO=7", "CMP1.HI=5"]);
  bus.clearLog();
  src.arm(2 ** 53 - 1);
  assert.equal(accesses(bus), ["CMP1.HI=ffffffff", "CMP1.LO=ffffffff", "CMP1.HI=1fffff"]);
  src.arm(1500);
  model.advance(499);
  assert.not.ok(model.timerPending(1));
  model.advance(1);
  assert.ok(model.timerPending(1));
  assert.equal(clint.clockSource(4).counter, src.counter);
});

test("clockSource of a hart that does not exist throws RangeError", () => {
  const { bus, clint } = setup();
  for (const h of [-1, 5, 0.5, NaN]) assert.throws(() => clint.clockSource(h), RangeError, `hart ${h}`);
  assert.is(bus.log.length, 0);
});

test("model: 64-bit compare, writable mtime halves, msip bit 0 only, onTimer edges", () => {
  const events: string[] = [];
  const bus = new MemoryBus();
  const model = new ClintModel(bus, BASE, { harts: 2, onTimer: (h, l) => events.push(`${h}${l ? "+" : "-"}`) });
  assert.is(model.mtimecmp(0), 0xffff_ffff_ffff_ffffn, "not reset: starts at never");
  bus.write32(CMP_LO(0), 0);
  bus.write32(CMP_HI(0), 1);
  bus.write32(MTIME_LO, 0xffff_ffff);
  assert.not.ok(model.timerPending(0), "low 32 bits above the compare's do not count");
  bus.write32(MTIME_HI, 1);
  assert.is(model.mtime, 2 * TWO_32 - 1);
  assert.equal(events, ["0+"]);
  bus.write32(MSIP(1), 0xffff_ffff);
  assert.is(bus.read32(MSIP(1)), 1);
  assert.throws(() => model.timerPending(2), RangeError);
  assert.throws(() => model.advance(-1), RangeError);
  assert.throws(() => model.advance(2 ** 53), RangeError);
});

test.run();
