/**
 * The native module `hal`, implemented in C (hal/native/). This is the whole JS-visible surface of
 * the hardware boundary; everything else is built on it in TypeScript. docs/hal.md describes it.
 */
declare module "hal" {
  /** Memory-mapped register access. Addresses are physical; misaligned addresses throw RangeError. */
  export const mmio: {
    read8(addr: number): number;
    read16(addr: number): number;
    read32(addr: number): number;
    write8(addr: number, value: number): void;
    write16(addr: number, value: number): void;
    write32(addr: number, value: number): void;
  };
  /** Memory barriers (ARM: DMB/DSB/ISB or their ARMv6 CP15 equivalents). */
  export const barrier: {
    dmb(): void;
    dsb(): void;
    isb(): void;
  };
  export const cpu: {
    /** Ends the firmware with `code` (QEMU: the emulator's exit status; hardware: halt). */
    exit(code: number): never;
  };
  export const mem: {
    /** Engine heap: bytes in use now, high-water mark, and the runtime's memory limit. */
    stats(): { used: number; peak: number; limit: number };
  };
  /**
   * Units of the firmware image besides the firmware itself: bundles the build compiled beside it
   * that are read and evaluated on first use (tools/lib/units.ts), so code hello world never
   * needs costs it no boot time and no heap.
   */
  export const image: {
    /** Evaluates the unit once and returns its module namespace; throws if there is none. */
    load(name: string): unknown;
  };
}
