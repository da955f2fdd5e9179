/**
 * A simulated machine (`npm run sim`): the board's peripherals as register-level models on one
 * MemoryBus, and what the simulator needs from them. Boards build theirs in boards/<name>/sim.ts
 * from SoC compositions in models/soc/.
 */
import type { MemoryBus } from "../../hal/memory-bus.ts";

export interface SimMachine {
  readonly bus: MemoryBus;
  /** Moves every clock of the machine `us` microseconds on. */
  advance(us: number): void;
  /** Whether the interrupt controller's output to the CPU is asserted. */
  irqAsserted(): boolean;
  /** Takes the bytes the console UART has sent since the last call. */
  takeConsoleOutput(): number[];
  /** Offers bytes to the console UART's receiver; returns how many it took (its FIFO has room for). */
  receiveConsoleInput(bytes: Uint8Array): number;
  /** Set when the machine resets itself (watchdog): the run ends, as QEMU does with -no-reboot. */
  readonly resetRequested: boolean;
  /** Address ranges the CPU may access (device registers); anything else is a simulated fault. */
  readonly mapped: ReadonlyArray<{ readonly base: number; readonly size: number }>;
}

/** boards/<name>/sim.ts exports this. */
export type SimMachineFactory = () => SimMachine;
