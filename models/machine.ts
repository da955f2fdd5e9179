/**
 * A simulated machine (`npm run sim`): the board's peripherals as register-level models on one
 * MemoryBus, and what the simulator needs from them. models/machines.ts builds one per SoC family
 * from the compositions in models/soc/.
 */
import type { MemoryBus } from "./memory-bus.ts";
import type { SimDma } from "./dma.ts";
import type { ConsoleUartModel } from "./uart/console.ts";

export interface SimMachine {
  readonly bus: MemoryBus;
  /** Moves every clock of the machine `us` microseconds on. */
  advance(us: number): void;
  /** Whether the interrupt controller's output to the CPU is asserted. */
  irqAsserted(): boolean;
  /**
   * The console UART, whose output the simulator takes and to whose receiver it offers input, as
   * far as its FIFO has room (a serial line with flow control; models/uart/console.ts).
   */
  readonly console: ConsoleUartModel;
  /**
   * Microseconds until the next thing the machine itself will do that can interrupt the CPU (an
   * enabled timer compare), or undefined if nothing is scheduled: the simulator skips ahead to it
   * when the firmware sleeps with no timer of its own.
   */
  nextEventIn?(): number | undefined;
  /**
   * Set when the machine resets itself (watchdog): the run ends, as QEMU does with -no-reboot.
   * Absent on machines with nothing that resets them.
   */
  readonly resetRequested?: boolean;
  /** The boot command line a loader passes (PVH's cmdline: the virtio-mmio devices), on machines booted with one. */
  readonly commandLine?: string;
  /** DMA memory devices read and write (hal.dma.alloc), on machines with such devices. */
  readonly dma?: SimDma;
  /** The x86 I/O port space (addresses are port numbers), on machines that have one. */
  readonly ports?: MemoryBus;
  /**
   * The CPU's own timer (counter kind "cpu-timer": the TSC, the ARM generic timer), on machines
   * whose clock is one: its frequency and its count now. The loop's deadline needs no interrupt
   * in the simulator: machine time jumps to it.
   */
  readonly cpuTimer?: { readonly hz: number; ticks(): number };
  /**
   * For vectored interrupt controllers (x86 APICs): the vector the CPU takes next, or -1. Taking it
   * is the CPU's interrupt acknowledge.
   */
  takeVector?(): number;
  /** The GPIO pins the outside can drive (npm run sim --pin), on machines with a GPIO model. */
  readonly pins?: SimGpio;
  /** Address ranges the CPU may access (device registers); anything else is a simulated fault. */
  readonly mapped: ReadonlyArray<{ readonly base: number; readonly size: number }>;
}

/** A machine's GPIO pins as the outside world sees them, in the board's own pin numbering. */
export interface SimGpio {
  /** How the board numbers its pins, for messages ("0-53", "32 * (n - 1) + m for GPIOn_IOm"). */
  readonly numbering: string;
  /** Whether the board has pin `pin`. */
  check(pin: number): boolean;
  /** Drives pin `pin` to `level` from outside (an input sees it; edge and level events follow). */
  drive(pin: number, level: boolean): void;
}
