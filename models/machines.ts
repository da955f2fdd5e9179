/**
 * The simulator's machine for each SoC family (board.json "family"): what `npm run sim` runs a
 * firmware on, and the register space `npm run linux` serves to the Linux boards. Each is loaded
 * on first use, so a run pays only for its own family's models. A family missing here has no
 * simulator machine (the i.MX6UL boards: run them with npm run qemu).
 */
import type { SimMachine } from "./machine.ts";

const machines: Readonly<Record<string, () => Promise<SimMachine>>> = {
  bcm2835: async () => new (await import("./soc/bcm2835.ts")).Bcm2835Machine(0x2000_0000),
  bcm2836: async () => new (await import("./soc/bcm2836.ts")).Bcm2836Machine(),
  fu540: async () => new (await import("./soc/fu540.ts")).Fu540Machine(),
  pc: async () => new (await import("./soc/pc.ts")).PcMachine(),
  linux: async () => new (await import("./soc/linux-virt.ts")).LinuxVirtMachine(),
};

/** A new machine of `family`, or undefined if the simulator has none. */
export function machineFor(family: string): Promise<SimMachine> | undefined {
  return Object.hasOwn(machines, family) ? machines[family]() : undefined;
}
