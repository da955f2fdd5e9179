// The register bus the driver tests run on: hooks, the access log, widths and alignment.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../models/memory-bus.ts";

test("MemoryBus: hooks replace storage, log records what the CPU saw, misaligned access throws", () => {
  const bus = new MemoryBus();
  const written: number[] = [];
  bus.onRead(0x100, () => 0x1234_5678);
  bus.onWrite(0x100, (v) => written.push(v));
  bus.write8(0x100, 0x1ab);
  assert.is(bus.read8(0x100), 0x78);
  assert.is(bus.read32(0x100), 0x1234_5678);
  assert.equal(written, [0xab]);
  assert.is(bus.peek(0x100), 0);
  assert.equal(bus.log[1], { kind: "read", addr: 0x100, width: 8, value: 0x78 });
  bus.write32(0x200, 0xaabb_ccdd);
  assert.is(bus.read16(0x202), 0xaabb);
  assert.is(bus.read8(0x201), 0xcc);
  assert.throws(() => bus.read32(0x202), RangeError);
  assert.throws(() => bus.write16(0x201, 0), RangeError);
});

test.run();
