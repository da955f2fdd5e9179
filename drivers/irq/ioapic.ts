/**
 * I/O APIC, after the Intel 82093AA I/O Advanced Programmable Interrupt Controller datasheet
 * (May 1996): two memory-mapped registers, IOREGSEL (index) at 0x00 and IOWIN (data) at 0x10
 * (3.0), reaching the ID (0x00), version (0x01, bits 16-23: the highest redirection entry) and
 * the 64-bit redirection table, entry n at indices 0x10 + 2n (low) and 0x11 + 2n (high) (3.2.4).
 * A redirection entry: vector (0-7), delivery mode (8-10, 000 fixed), destination mode (11, 0
 * physical), polarity (13, 0 high), trigger mode (15, 0 edge), mask (16); destination APIC id in
 * bits 56-63.
 *
 * tsmetal's lines are the I/O APIC's inputs (ISA IRQ n is input n on PCs and on the VMMs here),
 * each routed to vector `firstVector + n` and masked until a handler is installed; the native top
 * half masks a taken line and signals EOI at the local APIC (hal.d.ts VectoredIrqController).
 */
import type { VectoredIrqController } from "hal";
import { defineRegisters, register, type RegisterBus } from "../../hal/register.ts";

export const IOAPIC_REGS = defineRegisters({
  IOREGSEL: register(0x00),
  IOWIN: register(0x10),
}, { name: "I/O APIC" });

export const IOAPIC_VERSION = 0x01;
export const IOAPIC_REDIRECTION = 0x10;
export const IOAPIC_ENTRY_MASKED = 1 << 16;
const ENTRY_LEVEL = 1 << 15;
const ENTRY_ACTIVE_LOW = 1 << 13;

export type IoApicTrigger = "edge" | "level";

export interface IoApicOptions {
  readonly base: number;
  /** The vector of input 0 (32..255; inputs take the vectors after it). */
  readonly firstVector: number;
  readonly bus?: RegisterBus;
}

export class IoApic {
  readonly base: number;
  readonly firstVector: number;
  private readonly bus?: RegisterBus;
  private regs?: ReturnType<typeof IOAPIC_REGS.at>;
  private count = 0;

  constructor(options: IoApicOptions) {
    this.base = options.base;
    this.firstVector = options.firstVector;
    this.bus = options.bus;
    if (!(Number.isInteger(this.firstVector) && this.firstVector >= 32 && this.firstVector <= 255)) {
      throw new RangeError(`IoApic: first vector ${this.firstVector} (32..255)`);
    }
  }

  /** Inputs of this I/O APIC (version register's maximum redirection entry + 1). */
  get inputs(): number {
    return this.count;
  }

  /**
   * Routes every input to its vector at CPU `apicId`, fixed delivery, edge-triggered active-high
   * (the ISA convention), masked. Inputs whose vector would pass 255 stay masked at vector 0.
   */
  init(apicId: number): void {
    this.count = ((this.read(IOAPIC_VERSION) >>> 16) & 0xff) + 1;
    for (let n = 0; n < this.count; n++) {
      const vector = this.firstVector + n;
      this.write(IOAPIC_REDIRECTION + 2 * n, IOAPIC_ENTRY_MASKED | (vector <= 255 ? vector : 0));
      this.write(IOAPIC_REDIRECTION + 2 * n + 1, (apicId & 0xff) << 24);
    }
  }

  /** Sets an input's trigger mode and polarity (it stays masked or unmasked as it was). */
  configure(input: number, trigger: IoApicTrigger, activeLow = false): void {
    this.checkInput(input);
    const index = IOAPIC_REDIRECTION + 2 * input;
    const v = this.read(index) & ~(ENTRY_LEVEL | ENTRY_ACTIVE_LOW);
    this.write(index, (v | (trigger === "level" ? ENTRY_LEVEL : 0) | (activeLow ? ENTRY_ACTIVE_LOW : 0)) >>> 0);
  }

  /** Whether the input is masked (redirection entry bit 16). */
  masked(input: number): boolean {
    this.checkInput(input);
    return (this.read(IOAPIC_REDIRECTION + 2 * input) & IOAPIC_ENTRY_MASKED) !== 0;
  }

  /** The controller as the native interrupt top half drives it, with the local APIC's EOI register. */
  description(eoi: number): VectoredIrqController {
    if (this.count === 0) throw new Error("IoApic: init() first");
    const lines = Math.min(this.count, 256 - this.firstVector, 32);
    return {
      kind: "vectored",
      firstVector: this.firstVector,
      eoi,
      select: this.base + 0x00,
      window: this.base + 0x10,
      firstIndex: IOAPIC_REDIRECTION,
      indexStride: 2,
      maskBit: IOAPIC_ENTRY_MASKED,
      banks: [{ firstLine: 0, mask: lines === 32 ? 0xffff_ffff : (1 << lines) - 1 }],
    };
  }

  read(index: number): number {
    const r = this.registers();
    r.IOREGSEL.write(index);
    return r.IOWIN.read();
  }

  write(index: number, value: number): void {
    const r = this.registers();
    r.IOREGSEL.write(index);
    r.IOWIN.write(value);
  }

  private registers(): ReturnType<typeof IOAPIC_REGS.at> {
    if (!this.base) throw new Error("IoApic: invalid base address");
    return (this.regs ??= IOAPIC_REGS.at(this.base, this.bus));
  }

  private checkInput(input: number): void {
    if (!(Number.isInteger(input) && input >= 0 && input < this.count)) {
      throw new RangeError(`IoApic: input ${input} does not exist (0..${this.count - 1})`);
    }
  }
}
