// Register sequence of the system counter (QEMU's mcimx6ul-evk has no model of it).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ArmSystemCounter } from "../../../drivers/timer/arm-system-counter.ts";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { writes } from "../../support/register-writes.ts";

test("system counter: CNTFID0 first, then FCREQ0 and HDBG, then EN (read-modify-write of CNTCR)", () => {
  const bus = new MemoryBus();
  new ArmSystemCounter({ base: 0x021d_c000, bus }).start(8_000_000);
  assert.equal(writes(bus, 0x021d_c000), ["20=7a1200", "0=102", "0=103"]);
  assert.throws(() => new ArmSystemCounter({ base: 0 }).start(1), /base/);
});

test.run();
