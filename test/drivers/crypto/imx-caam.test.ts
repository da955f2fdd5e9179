// The CAAM's TRNG against the register model in models/: QEMU's mcimx6ul-evk leaves the CAAM
// unimplemented (it reads 0).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { ImxCaam } from "../../../drivers/crypto/imx-caam.ts";
import { ImxCaamRngModel } from "../../../models/rng/imx-caam.ts";

const CAAM = 0x0214_0000;

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

test("CAAM TRNG: a CAAM that is not there (QEMU's unimplemented device reads 0) fails in init, at once", () => {
  const bus = new MemoryBus();
  bus.onRead(CAAM + 0x600, () => 0);
  // A poll limit that would take seconds: the refusal must not come from waiting for ENT_VAL.
  const rng = new ImxCaam({ base: CAAM, bus, maxPolls: 10_000_000 });
  assert.throws(() => rng.init(), /ImxCaam: no TRNG at 0x2140000 \(RTMCTL does not keep TRNG_ACC; QEMU does not model the CAAM\)/);
  const reads = bus.log.filter((a) => a.kind === "read").length;
  assert.ok(reads < 10, `${reads} reads: it polled`);
  assert.throws(() => rng.read32(), /init/);
});

test.run();
