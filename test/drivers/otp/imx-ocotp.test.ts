// QEMU's mcimx6ul-evk has no model of the OCOTP, so this driver is tested against the register
// model in models/ only (and is untested on hardware).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { ImxOcotp } from "../../../drivers/otp/imx-ocotp.ts";
import { ImxOcotpModel } from "../../../models/otp/imx-ocotp.ts";

const OCOTP = 0x021b_c000;

test("OCOTP: unique ID from CFG1:CFG0 (0x420, 0x410), MAC from MAC1/MAC0 (0x630, 0x620)", () => {
  const bus = new MemoryBus();
  const model = new ImxOcotpModel(bus, OCOTP);
  model.fuse(1, 0x89ab_cdef);
  model.fuse(2, 0x0123_4567);
  model.fuse(0x22, 0x3344_5566);
  model.fuse(0x23, 0x0000_1122);
  const otp = new ImxOcotp({ base: OCOTP, bus });
  assert.is(otp.uniqueId(), "0123456789abcdef");
  assert.is(otp.macAddress(), "11:22:33:44:55:66");
  assert.equal(bus.log.filter((a) => a.addr !== OCOTP).map((a) => a.addr - OCOTP).slice(0, 2), [0x420, 0x410]);
  assert.throws(() => otp.read(128), RangeError);
  model.error = true;
  assert.throws(() => otp.uniqueId(), /ERROR/);
  assert.throws(() => new ImxOcotp({ base: 0, bus }).read(1), /base/);
});

test.run();
