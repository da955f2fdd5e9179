// QEMU's mcimx6ul-evk has no model of the SNVS, so this driver is tested against the register
// model in models/ only (and is untested on hardware).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { ImxSnvs } from "../../../drivers/rtc/imx-snvs.ts";
import { ImxSnvsModel } from "../../../models/rtc/imx-snvs.ts";

const SNVS = 0x020c_c000;

test("SNVS: the 47-bit counter read consistently across a carry; SRTC_ENV; the secure state", () => {
  const bus = new MemoryBus();
  const model = new ImxSnvsModel(bus, SNVS);
  const snvs = new ImxSnvs({ base: SNVS, bus });
  assert.is(snvs.rtcRunning(), false);
  bus.write32(SNVS + 0x38, 1);
  assert.is(snvs.rtcRunning(), true);
  model.ticks = 2 ** 32 - 1;
  model.advancesLeft = 1;
  assert.is(snvs.rtcTicks(), 2 ** 32);
  model.ticks = 1_700_000_000 * 32768 + 16384;
  assert.is(snvs.rtcMillis(), 1_700_000_000_500);
  assert.is(snvs.securityState(), "non-secure");
  model.ssmState = 0xd;
  assert.is(snvs.securityState(), "trusted");
  model.ssmState = 0x5;
  assert.is(snvs.securityState(), "unknown (5)");
  model.advancesLeft = 100;
  assert.throws(() => snvs.rtcTicks(), /did not read the same twice/);
});

test.run();
