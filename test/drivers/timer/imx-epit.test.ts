// EPIT set-up register sequence (QEMU runs the EPIT too: test/qemu/imx6.test.ts).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ImxEpit } from "../../../drivers/timer/imx-epit.ts";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { selfClearing, writes } from "../../support/register-writes.ts";

test("EPIT: reset, 1 MHz prescale, reload, compare 0, interrupt on, then EN", () => {
  const bus = new MemoryBus();
  selfClearing(bus, 0x020d_0000, 1 << 16);
  const epit = new ImxEpit({ base: 0x020d_0000, clockHz: 66_000_000, bus });
  epit.startPeriodic(10_000);
  assert.equal(writes(bus, 0x020d_0000), ["0=0", "0=10000", "0=102041e", "8=270f", "c=0", "4=1", "0=102041f"]);
  assert.throws(() => epit.startPeriodic(0), RangeError);
});

test.run();
