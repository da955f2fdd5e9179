/**
 * RISC-V PLIC (Platform-Level Interrupt Controller), after the FU540-C000 Manual v1p0 chapter 10
 * and the RISC-V PLIC specification. Sources 1..N (0 is "no interrupt") each have a priority
 * (0 = never interrupts); each context (a hart's privilege mode) has an enable bitmap, a priority
 * threshold and a claim/complete register. On the FU540, context 0 is hart 0's M-mode and
 * context 2h-1 / 2h are hart h's M / S modes (10.1).
 *
 * tsmetal's line numbers are the source ids. The native top half claims lines; the event loop
 * completes each after its handler (hal.d.ts ClaimIrqController).
 */
import type { ClaimIrqController } from "hal";
import { defineRegisters, register, type RegisterBus } from "../../hal/register.ts";

// Memory map, section 10.3 (Table 48).
const PRIORITY_OFFSET = 0x0;
const PENDING_OFFSET = 0x1000;
const ENABLE_OFFSET = 0x2000;
const ENABLE_STRIDE = 0x80;
const CONTEXT_OFFSET = 0x20_0000;
const CONTEXT_STRIDE = 0x1000;

/** A context's threshold and claim/complete registers (10.7, 10.8). */
export const PLIC_CONTEXT_REGS = defineRegisters({
  THRESHOLD: register(0x0),
  CLAIM: register(0x4),
}, { name: "PLIC context" });

/** One word of the priority, pending and enable arrays (10.4-10.6). */
const PLIC_WORD = defineRegisters({ WORD: register(0x0) }, { name: "PLIC" });

/** The FU540's sources (10.1: 53 global interrupts, ids 1..53). */
export const FU540_PLIC_SOURCES = 53;
/** The FU540's M-mode context of `hart` (10.1). */
export const fu540MachineContext = (hart: number): number => (hart === 0 ? 0 : 2 * hart - 1);

export interface PlicOptions {
  readonly base: number;
  /** The highest source id. */
  readonly sources: number;
  /** The context this CPU takes interrupts in. */
  readonly context: number;
  readonly bus?: RegisterBus;
}

export class Plic {
  readonly base: number;
  readonly sources: number;
  readonly context: number;
  private readonly bus?: RegisterBus;

  constructor(options: PlicOptions) {
    this.base = options.base;
    this.sources = options.sources;
    this.context = options.context;
    this.bus = options.bus;
    if (!(Number.isInteger(this.sources) && this.sources >= 1 && this.sources <= 1023)) {
      throw new RangeError(`Plic: ${this.sources} sources (1..1023)`);
    }
  }

  /**
   * Disables every source for this context, gives every source priority 1 and the context
   * threshold 0, so an enabled line interrupts. Priorities are global to all contexts: this
   * assumes the firmware owns the machine (no other hart or mode uses the PLIC).
   */
  init(): void {
    for (let w = 0; w <= this.sources >>> 5; w++) this.word(this.enableAddress(w)).write(0);
    for (let s = 1; s <= this.sources; s++) this.word(this.base + PRIORITY_OFFSET + 4 * s).write(1);
    this.contextRegs().THRESHOLD.write(0);
  }

  /** Sets `source`'s priority (0 masks it for every context; FU540: 0..7, 10.4). */
  setPriority(source: number, priority: number): void {
    this.checkSource(source);
    this.word(this.base + PRIORITY_OFFSET + 4 * source).write(priority);
  }

  /** Interrupts at or below `threshold` are masked for this context (10.7). */
  setThreshold(threshold: number): void {
    this.contextRegs().THRESHOLD.write(threshold);
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
    return ((this.word(this.base + PENDING_OFFSET + 4 * (source >>> 5)).read() >>> (source & 31)) & 1) !== 0;
  }

  /** Claims the highest-priority pending source for this context, 0 if none (10.8). */
  claim(): number {
    return this.contextRegs().CLAIM.read();
  }

  /** Completes `source`, which lets its gateway forward the next request (10.9). */
  complete(source: number): void {
    this.checkSource(source);
    this.contextRegs().CLAIM.write(source);
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
      banks.push({ firstLine: first, enable: this.enableAddress(w), mask: mask >>> 0 });
    }
    return { kind: "claim", claim: this.contextAddress() + 4, banks };
  }

  private updateEnable(source: number, on: boolean): void {
    this.checkSource(source);
    const reg = this.word(this.enableAddress(source >>> 5));
    const bit = 1 << (source & 31);
    reg.write((on ? reg.read() | bit : reg.read() & ~bit) >>> 0);
  }

  private enableAddress(word: number): number {
    return this.base + ENABLE_OFFSET + ENABLE_STRIDE * this.context + 4 * word;
  }

  private contextAddress(): number {
    return this.base + CONTEXT_OFFSET + CONTEXT_STRIDE * this.context;
  }

  private contextRegs() {
    this.checkBase();
    return PLIC_CONTEXT_REGS.at(this.contextAddress(), this.bus);
  }

  private word(addr: number) {
    this.checkBase();
    return PLIC_WORD.at(addr, this.bus).WORD;
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
