/** Helpers for driver tests that assert on the register writes a driver makes to a MemoryBus. */
import type { MemoryBus } from "../../models/memory-bus.ts";

/** A control register whose software-reset bit clears itself, as the hardware's does. */
export function selfClearing(bus: MemoryBus, addr: number, bit: number): void {
  let v = 0;
  bus.onWrite(addr, (value) => { v = value & ~bit; });
  bus.onRead(addr, () => v);
}

/** The logged writes as "offset=value" in hex, offsets relative to `base`. */
export const writes = (bus: MemoryBus, base: number): string[] =>
  bus.writes().map((a) => `${(a.addr - base).toString(16)}=${(a.value >>> 0).toString(16)}`);
