/** What the simulator (tools/sim/run.ts) gives the guest runtime: the CPU's view of the machine. */
declare const __host: {
  read8(addr: number): number;
  read16(addr: number): number;
  read32(addr: number): number;
  write8(addr: number, value: number): void;
  write16(addr: number, value: number): void;
  write32(addr: number, value: number): void;
  /** The I/O port space (machines with one; the guest runtime asks `hasPorts` first). */
  hasPorts(): boolean;
  in8(port: number): number;
  in16(port: number): number;
  in32(port: number): number;
  out8(port: number, value: number): void;
  out16(port: number, value: number): void;
  out32(port: number, value: number): void;
  /** The CPU's own timer: its frequency (0: the machine has none) and count. */
  cpuTimerHz(): number;
  cpuTimerTicks(): number;
  /** DMA memory (machines with DMA devices): an address for `size` bytes, then the guest buffer behind it. */
  hasDma(): boolean;
  dmaAlloc(size: number, align: number): number;
  dmaAttach(addr: number, buffer: ArrayBuffer): void;
  /** The vector the CPU takes next from a vectored controller, or -1. */
  takeVector(): number;
  /** Whether the interrupt controller's output to the CPU is asserted. */
  irqAsserted(): boolean;
  /** Ends the run with `code` (the guest then stops at the next interrupt check). */
  exit(code: number): void;
  /** Evaluates image unit `name` once and returns its module namespace. */
  loadUnit(name: string): unknown;
  /** Whether the image has a unit `name`. */
  hasUnit(name: string): boolean;
  memStats(): { used: number; peak: number; limit: number };
};
