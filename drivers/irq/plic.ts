/**
 * RISC-V PLIC (Platform-Level Interrupt Controller), after the FU540-C000 Manual v1p0 chapter 10
 * and the RISC-V PLIC Specification v1.0.0. Sources 1..N (0 is "no interrupt") each have a priority
 * (0 = never interrupts); each context (a hart's privilege mode) has an enable bitmap, a priority
 * threshold and a claim/complete register. On the FU540, context 0 is hart 0's M-mode and
 * context 2h-1 / 2h are hart h's M / S modes (10.1).
 *
 * tsmetal's line numbers are the source ids. The native top half claims lines; the event loop
 * completes each after its handler (hal.d.ts ClaimIrqController).
 */
import type { ClaimIrqController } from "hal";
import { array, defineRegisters, ro, rw, type DeviceOptions } from "../../hal/register.ts";

/** Priorities and pending bits of all sources (memory map, 10.3 Table 48; 10.4, 10.5). */
export const PLIC_REGS = defineRegisters({
  /** Source n's priority is word n (word 0: source 0 does not exist). */
  PRIORITY: array(rw(0x0), 1024),
  /** Source n's pending bit is bit n % 32 of word n / 32. */
  PENDING: array(ro(0x1000), 32),
}, { name: "PLIC" });

/** A context's enable bits (10.6), at 0x2000 + 0x80 * context. */
export const PLIC_ENABLE_REGS = defineRegisters({
  ENABLE: array(rw(0x0), 32),
}, { name: "PLIC enable" });

/** A context's threshold and claim/complete registers (10.7, 10.8), at 0x200000 + 0x1000 * context. */
export const PLIC_CONTEXT_REGS = defineRegisters({
  THRESHOLD: rw(0x0),
  CLAIM: rw(0x4),
}, { name: "PLIC context" });

const ENABLE_OFFSET = 0x2000;
const ENABLE_STRIDE = 0x80;
const CONTEXT_OFFSET = 0x20_0000;
const CONTEXT_STRIDE = 0x1000;

/** The FU540's sources (10.1: 53 global interrupts, ids 1..53). */
export const FU540_PLIC_SOURCES = 53;
/** The FU540's M-mode context of `hart` (10.1). */
export const fu540MachineContext = (hart: number): number => (hart === 0 ? 0 : 2 * hart - 1);

export interface PlicOptions extends DeviceOptions {
  /** The highest source id. */
  readonly sources: number;
  /** The context this CPU takes interrupts in. */
  readonly context: number;
}

export class Plic {
  readonly base: number;
  readonly sources: number;
  readonly context: number;
  /** The global registers, for what this driver does not wrap. */
  readonly registers: ReturnType<typeof PLIC_REGS.at>;
  /** This context's enable bits and its threshold and claim registers. */
  readonly enables: ReturnType<typeof PLIC_ENABLE_REGS.at>;
  readonly contextRegisters: ReturnType<typeof PLIC_CONTEXT_REGS.at>;

  constructor(options: PlicOptions) {
    this.base = options.base;
    this.sources = options.sources;
    this.context = options.context;
    if (!(Number.isInteger(this.sources) && this.sources >= 1 && this.sources <= 1023)) {
      throw new RangeError(`Plic: ${this.sources} sources (1..1023)`);
    }
    if (!(Number.isInteger(this.context) && this.context >= 0 && this.context < 15872)) {
      throw new RangeError(`Plic: context ${this.context} does not exist (0..15871)`);
    }
    this.registers = PLIC_REGS.at(options.base, options.bus);
    this.enables = PLIC_ENABLE_REGS.at(options.base + ENABLE_OFFSET + ENABLE_STRIDE * this.context, options.bus);
    this.contextRegisters = PLIC_CONTEXT_REGS.at(options.base + CONTEXT_OFFSET + CONTEXT_STRIDE * this.context, options.bus);
  }

  /**
   * Disables every source for this context, gives every source priority 1 and the context
   * threshold 0, so an enabled line interrupts. Priorities are global to all contexts: this
   * assumes the firmware owns the machine (no other hart or mode uses the PLIC).
   */
  init(): void {
    this.checkBase();
    for (let w = 0; w <= this.sources >>> 5; w++) this.enables.ENABLE.at(w).write(0);
    for (let s = 1; s <= this.sources; s++) this.registers.PRIORITY.at(s).write(1);
    this.contextRegisters.THRESHOLD.write(0);
  }

  /** Sets `source`'s priority (0 masks it for every context; FU540: 0..7, 10.4). */
  setPriority(source: number, priority: number): void {
    this.checkSource(source);
    this.checkBase();
    this.registers.PRIORITY.at(source).write(priority);
  }

  /** Interrupts at or below `threshold` are masked for this context (10.7). */
  setThreshold(threshold: number): void {
    this.checkBase();
    this.contextRegisters.THRESHOLD.write(threshold);
  }

  enable(source: number): void {
    this.updateEnable(source, true);
  }

  disable(source: number): void {
    this.updateEnable(source, false);
  }

  /** Whether `source` is pending at its gateway (10.5), whoever has it enabled. */
  isPending(source: number): boolean {
    this.checkSource(source);
    this.checkBase();
    return (this.registers.PENDING.at(source >>> 5).read() & (1 << (source & 31))) !== 0;
  }

  /** Claims the highest-priority pending source for this context, 0 if none (10.8). */
  claim(): number {
    this.checkBase();
    return this.contextRegisters.CLAIM.read();
  }

  /** Completes `source`, which lets its gateway forward the next request (10.9). */
  complete(source: number): void {
    this.checkSource(source);
    this.checkBase();
    this.contextRegisters.CLAIM.write(source);
  }

  /** The controller as the native interrupt top half drives it (`irq.attach()` from "hal"). */
  description(): ClaimIrqController {
    this.checkBase();
    const banks = [];
    for (let w = 0; w <= this.sources >>> 5; w++) {
      const first = w << 5;
      const count = Math.min(32, this.sources + 1 - first);
      let mask = count === 32 ? 0xffff_ffff : (1 << count) - 1;
      if (w === 0) mask &= ~1; // source 0 does not exist
      banks.push({ firstLine: first, enable: this.enables.ENABLE.at(w).addr, mask: mask >>> 0 });
    }
    return { kind: "claim", claim: this.contextRegisters.CLAIM.addr, banks };
  }

  private updateEnable(source: number, on: boolean): void {
    this.checkSource(source);
    this.checkBase();
    const reg = this.enables.ENABLE.at(source >>> 5);
    const bit = 1 << (source & 31);
    reg.write((on ? reg.read() | bit : reg.read() & ~bit) >>> 0);
  }

  private checkBase(): void {
    if (!this.base) throw new Error("Plic: invalid base address");
  }

  private checkSource(source: number): void {
    if (!(Number.isInteger(source) && source >= 1 && source <= this.sources)) {
      throw new RangeError(`Plic: source ${source} does not exist (1..${this.sources})`);
    }
  }
}
