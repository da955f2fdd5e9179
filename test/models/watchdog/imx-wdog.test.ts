import { suite } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { ImxWdogModel } from "../../../models/watchdog/imx-wdog.ts";
import { ImxWdog } from "../../../drivers/watchdog/imx-wdog.ts";

// The i.MX WDOG model (the simulator's i.MX6UL machine) under the firmware's own driver.
const test = suite("i.MX WDOG model");
const BASE = 0x020b_c000;

function setup() {
  const bus = new MemoryBus({ logLimit: 0 });
  let resets = 0;
  const model = new ImxWdogModel(bus, BASE, { onReset: () => resets++ });
  const wdog = new ImxWdog({ base: BASE, bus });
  return { model, wdog, resets: () => resets };
}

test("the power-down counter resets the SoC 16 s after power-on unless cleared", () => {
  const a = setup();
  assert.is(a.model.nextEventIn(), 16_000_000);
  a.model.advance(16_000_000);
  assert.is(a.resets(), 1);
  const b = setup();
  b.wdog.disablePowerDownCounter();
  assert.is(b.model.nextEventIn(), undefined);
  b.model.advance(60_000_000);
  assert.is(b.resets(), 0);
});

test("a started watchdog resets at its timeout unless fed; it cannot be stopped", () => {
  const { model, wdog, resets } = setup();
  wdog.disablePowerDownCounter();
  wdog.start(1000);
  model.advance(900_000);
  wdog.feed();
  model.advance(900_000);
  assert.is(resets(), 0);
  assert.is(model.nextEventIn(), 100_000);
  assert.throws(() => wdog.stop(), /cannot be stopped/);
  model.advance(100_000);
  assert.is(resets(), 1);
});

test("reboot() asserts the software reset at once", () => {
  const { wdog, resets } = setup();
  wdog.reboot();
  assert.is(resets() >= 1, true);
  assert.is(wdog.resetReason(), "power-on");
});

test.run();
