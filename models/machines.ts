/**
 * The simulator's machine for each SoC family (board.json "family"): what `npm run sim` runs a
 * firmware on, and the register space `npm run linux` serves to the Linux boards. Each is loaded
 * on first use, so a run pays only for its own family's models. A family missing here has no
 * simulator machine. `config` is the board's board.json config (the i.MX6UL boards' console UART).
 */
import type { SimMachine } from "./machine.ts";

type BoardConfig = Readonly<Record<string, unknown>>;

const machines: Readonly<Record<string, (config: BoardConfig) => Promise<SimMachine>>> = {
  bcm2835: async () => new (await import("./soc/bcm2835.ts")).Bcm2835Machine(0x2000_0000),
  bcm2836: async () => new (await import("./soc/bcm2836.ts")).Bcm2836Machine(),
  fu540: async () => new (await import("./soc/fu540.ts")).Fu540Machine(),
  pc: async () => new (await import("./soc/pc.ts")).PcMachine(),
  imx6ul: async (config) => new (await import("./soc/imx6ul.ts")).Imx6ulMachine({ consoleUart: Number(config.consoleUart) }),
  linux: async () => new (await import("./soc/linux-virt.ts")).LinuxVirtMachine(),
};

/** A new machine of `family`, or undefined if the simulator has none. */
export function machineFor(family: string, config: BoardConfig = {}): Promise<SimMachine> | undefined {
  return Object.hasOwn(machines, family) ? machines[family](config) : undefined;
}
