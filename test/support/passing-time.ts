/**
 * Buses on which time passes, for driver tests: a model moves on (the line sends a character, a
 * counter ticks) when the driver reads one of its registers, as hardware does between two reads.
 */
import type { MemoryBus } from "../../models/memory-bus.ts";
import type { RegisterBus } from "../../hal/register.ts";

/**
 * `bus`, running `event` at every 32-bit read of one of `addresses`: "before" the read (the value
 * read already sees it: a character has left) or "after" it (the next read sees it: a counter has
 * moved on between two reads).
 */
export function onEachRead(bus: MemoryBus, addresses: readonly number[], when: "before" | "after", event: () => void): RegisterBus {
  return Object.assign(Object.create(bus) as MemoryBus, {
    read32: (addr: number) => {
      const hit = addresses.includes(addr);
      if (hit && when === "before") event();
      const v = bus.read32(addr);
      if (hit && when === "after") event();
      return v;
    },
  });
}
