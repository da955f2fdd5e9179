/**
 * The simulator's machine for each SoC family (board.json "family"): what `npm run sim` runs a
 * firmware on, and the register space `npm run linux` serves to the Linux boards. Each is loaded
 * on first use, so a run pays only for its own family's models. A family missing here has no
 * simulator machine. `config` is the board's board.json config (the i.MX6UL boards' console UART).
 */
import type { SimMachine } from "./machine.ts";

type BoardConfig = Readonly<Record<string, unknown>>;

/** What a run puts into the machine. */
export interface MachineOptions {
  /** A disk image's bytes for the machine's card slot (npm run sim --disk), kept: writes land in it. */
  readonly disk?: Uint8Array;
}

const machines: Readonly<Record<string, (config: BoardConfig, o: MachineOptions) => Promise<SimMachine>>> = {
  bcm2835: async (_c, o) => new (await import("./soc/bcm2835.ts")).Bcm2835Machine(0x2000_0000, undefined, undefined, o.disk),
  bcm2836: async (_c, o) => new (await import("./soc/bcm2836.ts")).Bcm2836Machine(o.disk),
  fu540: async () => new (await import("./soc/fu540.ts")).Fu540Machine(),
  pc: async (config, o) => new (await import("./soc/pc.ts")).PcMachine({ disk: o.disk, virtioMmioBase: config.virtioMmioBase === undefined ? undefined : Number(config.virtioMmioBase) }),
  imx6ul: async (config, o) => new (await import("./soc/imx6ul.ts")).Imx6ulMachine({ consoleUart: Number(config.consoleUart), disk: o.disk }),
  linux: async () => new (await import("./soc/linux-virt.ts")).LinuxVirtMachine(),
};

/** Families whose machine has a card slot model (MachineOptions.disk). */
export const SIM_DISK_FAMILIES: readonly string[] = ["bcm2835", "bcm2836", "imx6ul", "pc"];

/** A new machine of `family`, or undefined if the simulator has none. */
export function machineFor(family: string, config: BoardConfig = {}, options: MachineOptions = {}): Promise<SimMachine> | undefined {
  return Object.hasOwn(machines, family) ? machines[family](config, options) : undefined;
}
