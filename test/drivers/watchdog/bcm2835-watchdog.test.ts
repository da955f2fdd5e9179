import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import type { RegisterBus } from "../../../hal/register.ts";
import { Bcm2835Watchdog, PM_REGS, RSTC as RSTC_BITS, WDOG as WDOG_BITS, WDOG_MAX_MS, watchdogTicks } from "../../../drivers/watchdog/bcm2835-watchdog.ts";
import { Bcm2835WatchdogModel } from "../../../models/watchdog/bcm2835-pm.ts";

const BASE = 0x2010_0000; // BCM2835: peripheral base + 0x100000
// Offsets and values from Linux bcm2835_wdt.c, written out again so a wrong one in the driver shows.
const RSTC = BASE + 0x1c, RSTS = BASE + 0x20, WDOG = BASE + 0x24;
const PASSWORD = 0x5a00_0000;
const NAMES: Record<number, string> = { [RSTC]: "RSTC", [RSTS]: "RSTS", [WDOG]: "WDOG" };
const accesses = (bus: MemoryBus) => bus.log.map((a) => (a.kind === "read" ? NAMES[a.addr] : `${NAMES[a.addr]}=${a.value.toString(16)}`));
/** Ticks per second: Linux SECS_TO_WDOG_TICKS(x) = x << 16. */
const HZ = 65536;

function setup(wrap?: (bus: MemoryBus) => RegisterBus) {
  const bus = new MemoryBus();
  const resets: number[] = [];
  const model = new Bcm2835WatchdogModel(bus, BASE, { onReset: () => resets.push(model.resets) });
  const wdt = new Bcm2835Watchdog({ base: BASE, bus: wrap ? wrap(bus) : bus });
  return { bus, model, wdt, resets };
}

test("registers: RSTC 0x1C (WRCFG bits 5:4), RSTS 0x20, WDOG 0x24 (time bits 19:0)", () => {
  assert.equal([PM_REGS.RSTC.offset, PM_REGS.RSTS.offset, PM_REGS.WDOG.offset], [0x1c, 0x20, 0x24]);
  assert.is(RSTC_BITS.WRCFG, 0x30);
  assert.is(WDOG_BITS.TIME, 0xf_ffff);
  assert.is(WDOG_BITS.PASSWD >>> 0, 0xff00_0000);
});

test("ms to ticks: rounded up, never shorter than asked, and the fewest ticks that are not", () => {
  for (let ms = 1; ms <= WDOG_MAX_MS; ms++) {
    const t = watchdogTicks(ms);
    // t / 65536 s >= ms / 1000 s, in integers: t * 1000 >= ms * 65536.
    if (!(t * 1000 >= ms * HZ && (t - 1) * 1000 < ms * HZ && t <= 0xf_ffff)) assert.unreachable(`${ms} ms -> ${t} ticks`);
  }
  assert.is(watchdogTicks(1000), 65536);
  assert.is(watchdogTicks(1), 66);
  assert.is(watchdogTicks(0.001), 1);
  assert.is(watchdogTicks(0.5), 33);
  assert.is(watchdogTicks(1000 / 65536), 1);
  assert.is(watchdogTicks(WDOG_MAX_MS), 1_048_511);
  assert.is(WDOG_MAX_MS, 15999, "0xFFFFF ticks are 15,999.98 ms");
  for (const bad of [0, -1, 16000, 15999.5, NaN, Infinity, -Infinity]) assert.throws(() => watchdogTicks(bad), RangeError, `${bad}`);
});

test("start: WDOG = password | ticks, then RSTC with WRCFG = full reset and its other bits kept", () => {
  const { bus, model, wdt } = setup();
  model.rstc = 0x00a5_0112; // other bits set, and WRCFG = 1
  wdt.start(1000);
  assert.equal(accesses(bus), ["WDOG=5a010000", "RSTC", `RSTC=${(PASSWORD | (0xa5_0112 & ~0x30) | 0x20).toString(16)}`]);
  assert.is(model.ticks, 65536);
  assert.ok(model.armed);
  assert.ok(wdt.running);
});

test("start replaces whatever RSTC reads back in bits 31:24 with the password", () => {
  const { bus, wdt } = setup((bus) => Object.assign(Object.create(bus) as MemoryBus, {
    read32: (addr: number) => (addr === RSTC ? 0xff00_0102 : bus.read32(addr)),
  }));
  wdt.start(10);
  assert.is(bus.writes(RSTC)[0].value, 0x5a00_0122);
});

test("start refuses timeouts out of range before writing anything", () => {
  const { bus, wdt } = setup();
  for (const ms of [0, -5, 16_000, 60_000, NaN]) assert.throws(() => wdt.start(ms), RangeError);
  assert.is(bus.log.length, 0);
  assert.not.ok(wdt.running);
});

test("the model resets no earlier than the timeout asked for, and soon after", () => {
  for (const ms of [1, 7, 100, 1000, 2500, WDOG_MAX_MS]) {
    const { model, wdt, resets } = setup();
    wdt.start(ms);
    model.advance(ms * 1000 - 1);
    assert.is(model.resets, 0, `${ms} ms: not 1 us before ${ms} ms`);
    model.advance(17); // one tick is 15.26 us
    assert.is(model.resets, 1, `${ms} ms: within a tick after`);
    assert.equal(resets, [1]);
    assert.is(model.rstc, 0x102, "registers back to their reset values");
    assert.is(model.ticks, 0);
  }
});

test("feed reloads the last timeout with one WDOG write; fed in time it never resets", () => {
  const { bus, model, wdt } = setup();
  wdt.start(1000);
  for (let i = 0; i < 20; i++) {
    model.advance(900_000);
    bus.clearLog();
    wdt.feed();
    assert.equal(accesses(bus), ["WDOG=5a010000"]);
    assert.is(model.ticks, 65536);
  }
  assert.is(model.resets, 0);
  model.advance(1_000_100);
  assert.is(model.resets, 1, "not fed: reset");
});

test("feed while stopped throws and writes nothing", () => {
  const { bus, wdt } = setup();
  assert.throws(() => wdt.feed(), /start/);
  wdt.start(500);
  wdt.stop();
  bus.clearLog();
  assert.throws(() => wdt.feed(), /start/);
  assert.is(bus.log.length, 0);
});

test("stop: RSTC = password | 0x102, one write, no read; no reset afterwards", () => {
  const { bus, model, wdt } = setup();
  wdt.start(100);
  bus.clearLog();
  wdt.stop();
  assert.equal(accesses(bus), ["RSTC=5a000102"]);
  assert.not.ok(model.armed);
  assert.not.ok(wdt.running);
  model.advance(20_000_000);
  assert.is(model.resets, 0);
});

test("reboot: WDOG = password | 10, then RSTC full reset; the model resets ~153 us later", () => {
  const { bus, model, wdt } = setup();
  model.rstc = 0x0000_0112;
  wdt.reboot();
  assert.equal(accesses(bus), ["WDOG=5a00000a", "RSTC", "RSTC=5a000122"]);
  model.advance(152); // 10 ticks are 152.6 us
  assert.is(model.resets, 0);
  model.advance(1);
  assert.is(model.resets, 1);
});

test("every write carries the password; the model saw none without it", () => {
  const { bus, model, wdt } = setup();
  wdt.start(3000);
  wdt.feed();
  void wdt.remainingMs;
  wdt.stop();
  wdt.start(WDOG_MAX_MS);
  wdt.reboot();
  const writes = bus.writes();
  assert.is(writes.length, 8);
  for (const w of writes) assert.is(w.value >>> 24, 0x5a, `${NAMES[w.addr]}=${w.value.toString(16)}`);
  assert.is(model.rejectedWrites, 0);
});

test("remainingMs: WDOG's ticks in whole milliseconds, rounded down", () => {
  const { model, wdt } = setup();
  wdt.start(1000);
  assert.is(wdt.remainingMs, 1000);
  model.advance(250_000);
  assert.is(model.ticks, 65536 - 16384);
  assert.is(wdt.remainingMs, 750);
  model.advance(749_990);
  assert.is(model.ticks, 1);
  assert.is(wdt.remainingMs, 0);
  wdt.start(WDOG_MAX_MS);
  assert.is(wdt.remainingMs, 15999, "1,048,511 ticks: 15,999.01 ms");
  for (const [ticks, ms] of [[33, 0], [65535, 999], [98304, 1500], [0xf_ffff, 15999]]) {
    (wdt.registers as NonNullable<typeof wdt.registers>).WDOG.write(PASSWORD | ticks);
    assert.is(wdt.remainingMs, ms, `${ticks} ticks`);
  }
});

test("model: writes without the password are ignored and counted; reads drop bits 31:24", () => {
  const { bus, model } = setup();
  bus.write32(WDOG, 0x0000_1000);
  bus.write32(RSTC, 0x0000_0020);
  bus.write32(RSTS, 0xa500_0555);
  assert.is(model.rejectedWrites, 3);
  assert.is(model.ticks, 0);
  assert.is(model.rstc, 0x102);
  assert.is(bus.read32(RSTS), 0x1000);
  bus.write32(RSTS, 0x5a00_0555);
  assert.is(bus.read32(RSTS), 0x555);
  bus.write32(WDOG, 0x5aff_ffff);
  assert.is(bus.read32(WDOG), 0xf_ffff, "20 bits of time");
});

test("model: a count running out without full reset configured does nothing", () => {
  const { bus, model } = setup();
  bus.write32(WDOG, PASSWORD | 100);
  bus.write32(RSTC, PASSWORD | 0x10);
  model.advance(10_000);
  assert.is(model.ticks, 0);
  assert.is(model.resets, 0);
  assert.throws(() => model.advance(-1), RangeError);
  assert.throws(() => model.advance(0.5), RangeError);
});

test("refuses a missing base before touching the bus", () => {
  const bus = new MemoryBus();
  const wdt = new Bcm2835Watchdog({ base: 0, bus });
  assert.throws(() => wdt.start(100), /base/);
  assert.throws(() => wdt.stop(), /base/);
  assert.throws(() => wdt.reboot(), /base/);
  assert.is(bus.log.length, 0);
});

test.run();
