/** What the simulator (tools/sim/run.ts) gives the guest runtime: the CPU's view of the machine. */
/** The CPU's register accesses (hal.mmio's) and, on machines with one, the I/O port space (hal.io's;
    the guest runtime asks `hasPorts` first). */
declare const __host: typeof import("hal").mmio & typeof import("hal").io & {
  hasPorts(): boolean;
  /** The CPU's own timer: its frequency (0: the machine has none) and count. */
  cpuTimerHz(): number;
  cpuTimerTicks(): number;
  /** DMA memory (machines with DMA devices): an address for `size` bytes, then the guest buffer behind it. */
  hasDma(): boolean;
  dmaAlloc(size: number, align: number): number;
  dmaAttach(addr: number, buffer: ArrayBuffer): void;
  /** The boot command line the machine's loader would pass ("" for none). */
  commandLine(): string;
  /** The vector the CPU takes next from a vectored controller, or -1. */
  takeVector(): number;
  /** Whether the interrupt controller's output to the CPU is asserted. */
  irqAsserted(): boolean;
  /** Ends the run with `code` (the guest then stops at the next interrupt check). */
  exit(code: number): void;
  /** The per-job execution budget in ms from now on, 0 for none (tools/sim/run.ts). */
  setJobBudget(ms: number): void;
  /** Evaluates image unit `name` once and returns its module namespace. */
  loadUnit(name: string): unknown;
  /** Whether the image has a unit `name`. */
  hasUnit(name: string): boolean;
  memStats(): { used: number; peak: number; limit: number };
  /** A REPL simulation's only (tools/sim/repl-host.ts): runs one input's payload, arms Ctrl-C. */
  replExec?(payload: ArrayBuffer): [string | undefined, unknown?];
  replWatchBreak?(line: number): string | undefined;
};
