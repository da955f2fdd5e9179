// Register sequences of the timer-side drivers: the system counter (no QEMU model), the WDOG's
// timeout encoding, and GPT/EPIT set-up (QEMU runs those; test/qemu/imx6.test.ts).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../hal/memory-bus.ts";
import { ArmSystemCounter } from "../../drivers/timer/arm-system-counter.ts";
import { ImxWdog } from "../../drivers/watchdog/imx-wdog.ts";
import { ImxGpt } from "../../drivers/timer/imx-gpt.ts";
import { ImxEpit } from "../../drivers/timer/imx-epit.ts";

/** A control register whose software-reset bit clears itself, as the hardware's does. */
function selfClearing(bus: MemoryBus, addr: number, bit: number): void {
  let v = 0;
  bus.onWrite(addr, (value) => { v = value & ~bit; });
  bus.onRead(addr, () => v);
}

const writes = (bus: MemoryBus, base: number) => bus.writes().map((a) => `${(a.addr - base).toString(16)}=${(a.value >>> 0).toString(16)}`);

test("system counter: CNTFID0 first, then FCREQ0 and HDBG, then EN (read-modify-write of CNTCR)", () => {
  const bus = new MemoryBus();
  new ArmSystemCounter({ base: 0x021d_c000, bus }).start(8_000_000);
  assert.equal(writes(bus, 0x021d_c000), ["20=7a1200", "0=102", "0=103"]);
  assert.throws(() => new ArmSystemCounter({ base: 0 }).start(1), /base/);
});

test("WDOG: WT in 0.5 s steps rounded up, WDA and SRS kept high, WDE, then the service sequence; 16-bit accesses", () => {
  const bus = new MemoryBus();
  const wd = new ImxWdog({ base: 0x020b_c000, bus });
  wd.start(1200);
  assert.equal(writes(bus, 0x020b_c000), ["0=234", "2=5555", "2=aaaa"]);
  assert.ok(bus.log.every((a) => a.width === 16));
  bus.clearLog();
  wd.reboot();
  assert.equal(writes(bus, 0x020b_c000), ["0=4", "0=4"], "SRS and WDA low: software reset");
  bus.clearLog();
  wd.disablePowerDownCounter();
  assert.equal(writes(bus, 0x020b_c000), ["8=0"]);
  for (const ms of [0, -1, 128_001, NaN]) assert.throws(() => wd.start(ms), RangeError);
  assert.throws(() => wd.stop(), /cannot be stopped/);
});

test("GPT: reset, prescaler for 1 MHz from 66 MHz, free-running from ipg; compare 1 relative to CNT", () => {
  const bus = new MemoryBus();
  selfClearing(bus, 0x0209_8000, 1 << 15);
  bus.write32(0x0209_8024, 0xffff_fff0); // CNT near the wrap
  bus.clearLog();
  const gpt = new ImxGpt({ base: 0x0209_8000, clockHz: 66_000_000, bus });
  gpt.init({ hz: 1_000_000 });
  assert.is(gpt.hz, 1_000_000);
  assert.equal(writes(bus, 0x0209_8000).slice(0, 6), ["0=0", "0=8000", "c=0", "4=41", "8=3f", "0=242"]);
  bus.clearLog();
  gpt.setCompare(0x20);
  assert.equal(writes(bus, 0x0209_8000), ["10=10", "8=1", "c=1"], "OCR1 wraps modulo 2^32");
  assert.throws(() => gpt.setCompare(0), RangeError);
  assert.throws(() => new ImxGpt({ base: 0x0209_8000, clockHz: 66_000_000, bus }).init({ hz: 1 }), RangeError);
});

test("EPIT: reset, 1 MHz prescale, reload, compare 0, interrupt on, then EN", () => {
  const bus = new MemoryBus();
  selfClearing(bus, 0x020d_0000, 1 << 16);
  const epit = new ImxEpit({ base: 0x020d_0000, clockHz: 66_000_000, bus });
  epit.startPeriodic(10_000);
  assert.equal(writes(bus, 0x020d_0000), ["0=0", "0=10000", "0=102041e", "8=270f", "c=0", "4=1", "0=102041f"]);
  assert.throws(() => epit.startPeriodic(0), RangeError);
});

test.run();
