// The WDOG's timeout encoding and service, reboot and power-down sequences.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ImxWdog } from "../../../drivers/watchdog/imx-wdog.ts";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { writes } from "../../support/register-writes.ts";

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

test.run();
