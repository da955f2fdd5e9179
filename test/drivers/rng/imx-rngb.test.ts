// QEMU's mcimx6ul-evk has no model of the RNGB, so this driver is tested against the register
// model in models/ only (and is untested on hardware).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { ImxRngb } from "../../../drivers/rng/imx-rngb.ts";
import { ImxRngbModel } from "../../../models/rng/imx-rngb.ts";

const RNGB = 0x0228_4000;

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

test.run();
