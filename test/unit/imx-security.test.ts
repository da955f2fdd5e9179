// OCOTP, RNGB and SNVS: QEMU's mcimx6ul-evk has no model of them, so these drivers are tested
// against the register models in models/ only (and are untested on hardware).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../hal/memory-bus.ts";
import { ImxOcotp } from "../../drivers/otp/imx-ocotp.ts";
import { ImxOcotpModel } from "../../models/otp/imx-ocotp.ts";
import { ImxRngb } from "../../drivers/rng/imx-rngb.ts";
import { ImxRngbModel } from "../../models/rng/imx-rngb.ts";
import { ImxSnvs } from "../../drivers/rtc/imx-snvs.ts";
import { ImxCaam } from "../../drivers/crypto/imx-caam.ts";
import { ImxCaamRngModel } from "../../models/rng/imx-caam.ts";
import { ImxSnvsModel } from "../../models/rtc/imx-snvs.ts";

const OCOTP = 0x021b_c000, RNGB = 0x0228_4000, SNVS = 0x020c_c000, CAAM = 0x0214_0000;

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

test("RNGB: reset, auto-reseed, self test, seed, then FIFO words; fill() covers odd lengths", () => {
  const bus = new MemoryBus();
  const model = new ImxRngbModel(bus, RNGB, { numbers: (i) => [0x04030201, 0x08070605, 0x0c0b0a09][i % 3] });
  const rng = new ImxRngb({ base: RNGB, bus });
  assert.throws(() => rng.read32(), /init/);
  rng.init();
  assert.equal([model.resets, model.selfTests, model.seeds], [1, 1, 1]);
  assert.is(bus.read32(RNGB + 0x08) & 0x10, 0x10, "auto-reseed");
  const b = new Uint8Array(7);
  rng.fill(b);
  assert.equal(Array.from(b), [1, 2, 3, 4, 5, 6, 7]);
  assert.is(rng.read32(), 0x0c0b0a09);
});

test("RNGB: a failed self test is an error, and a generator that never seeds times out", () => {
  const bus = new MemoryBus();
  new ImxRngbModel(bus, RNGB, { failSelfTest: true });
  assert.throws(() => new ImxRngb({ base: RNGB, bus }).init(), /self test failed/);
  const dead = new MemoryBus(); // nothing answers: SR reads 0 for ever
  assert.throws(() => new ImxRngb({ base: RNGB, bus: dead, maxPolls: 50 }).init(), /RNGB\.SR\[0x10\]/); // SR.STDN
});

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

test("CAAM TRNG: program mode, defaults, TRNG_ACC, run mode; 16 entropy words per generation, waiting for ENT_VAL", () => {
  const bus = new MemoryBus();
  const model = new ImxCaamRngModel(bus, CAAM, 3, (i) => i + 1);
  const rng = new ImxCaam({ base: CAAM, bus });
  assert.throws(() => rng.read32(), /init/);
  rng.init();
  assert.is(model.defaultsRestored, 1);
  assert.is(bus.read32(CAAM + 0x600) & ((1 << 16) | (1 << 5)), 1 << 5, "run mode with TRNG_ACC");
  const words = Array.from({ length: 20 }, () => rng.read32());
  assert.equal(words, Array.from({ length: 20 }, (_, i) => i + 1));
  assert.is(model.generations, 2);
  assert.is(model.invalidReads, 0, "never read RTENT without ENT_VAL");
  const b = new Uint8Array(5);
  rng.fill(b);
  assert.equal(Array.from(b), [21, 0, 0, 0, 22]);
});

test("CAAM TRNG: no entropy (QEMU's unimplemented CAAM reads 0) is an error after the poll limit", () => {
  const rng = new ImxCaam({ base: CAAM, bus: new MemoryBus(), maxPolls: 100 });
  rng.init();
  assert.throws(() => rng.read32(), /produced no entropy/);
});

test.run();
