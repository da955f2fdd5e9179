/**
 * I/O APIC, after the Intel 82093AA I/O Advanced Programmable Interrupt Controller datasheet
 * (order no. 290566-001, May 1996): two memory-mapped registers, IOREGSEL (index) at 0x00 and
 * IOWIN (data) at 0x10 (3.0), reaching the ID (0x00), version (0x01, bits 16-23: the highest
 * redirection entry) and the 64-bit redirection table, entry n at indices 0x10 + 2n (low) and 0x11
 * + 2n (high) (3.2.4). A redirection entry: vector (0-7), delivery mode (8-10, 000 fixed),
 * destination mode (11, 0 physical), polarity (13, 0 high), trigger mode (15, 0 edge), mask (16);
 * destination APIC id in bits 56-63.
 *
 * tsmetal's lines are the I/O APIC's inputs (ISA IRQ n is input n on PCs and on the VMMs here),
 * each routed to vector `firstVector + n` and masked until a handler is installed; the native top
 * half masks a taken line and signals EOI at the local APIC (hal.d.ts VectoredIrqController).
 */
import type { VectoredIrqController } from "hal";
import { defineRegisters, fieldBits, fieldValue, rw, type DeviceOptions } from "../../hal/register.ts";

export const IOAPIC_REGS = defineRegisters({
  IOREGSEL: rw(0x00),
  IOWIN: rw(0x10),
}, { name: "I/O APIC" });

export type IoApicRegisters = ReturnType<typeof IOAPIC_REGS.at>;

/** The registers behind IOREGSEL/IOWIN, by index (3.2). */
export enum IOAPIC_INDEX { ID = 0x00, VERSION = 0x01, REDIRECTION = 0x10 }
/** IOAPICVER (3.2.2). */
export enum IOAPICVER { VERSION = 0xff, MAX_REDIRECTION = 0xff << 16 }
/** IOREDTBL low word (3.2.4). */
export enum IOREDTBL {
  VECTOR = 0xff, DELIVERY_MODE = 7 << 8, DEST_MODE = 1 << 11, DELIVERY_STATUS = 1 << 12,
  ACTIVE_LOW = 1 << 13, REMOTE_IRR = 1 << 14, LEVEL = 1 << 15, MASKED = 1 << 16,
}
/** IOREDTBL high word (3.2.4): the destination APIC id. */
export enum IOREDTBL_HI { DESTINATION = 0xff << 24 }

export type IoApicTrigger = "edge" | "level";

export interface IoApicOptions extends DeviceOptions {
  /** The vector of input 0 (32..255; inputs take the vectors after it). */
  readonly firstVector: number;
}

export class IoApic {
  readonly base: number;
  readonly firstVector: number;
  private readonly regs: IoApicRegisters;
  private count = 0;

  constructor(options: IoApicOptions) {
    this.base = options.base;
    this.firstVector = options.firstVector;
    this.regs = IOAPIC_REGS.at(options.base, options.bus);
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
    this.count = fieldValue(IOAPICVER.MAX_REDIRECTION, this.read(IOAPIC_INDEX.VERSION)) + 1;
    for (let n = 0; n < this.count; n++) {
      const vector = this.firstVector + n;
      this.write(IOAPIC_INDEX.REDIRECTION + 2 * n, IOREDTBL.MASKED | (vector <= 255 ? vector : 0));
      this.write(IOAPIC_INDEX.REDIRECTION + 2 * n + 1, fieldBits(IOREDTBL_HI.DESTINATION, apicId & 0xff));
    }
  }

  /** Sets an input's trigger mode and polarity (it stays masked or unmasked as it was). */
  configure(input: number, trigger: IoApicTrigger, activeLow = false): void {
    this.checkInput(input);
    const index = IOAPIC_INDEX.REDIRECTION + 2 * input;
    const v = this.read(index) & ~(IOREDTBL.LEVEL | IOREDTBL.ACTIVE_LOW);
    this.write(index, (v | (trigger === "level" ? IOREDTBL.LEVEL : 0) | (activeLow ? IOREDTBL.ACTIVE_LOW : 0)) >>> 0);
  }

  /** Whether the input is masked (redirection entry bit 16). */
  masked(input: number): boolean {
    this.checkInput(input);
    return (this.read(IOAPIC_INDEX.REDIRECTION + 2 * input) & IOREDTBL.MASKED) !== 0;
  }

  /** The controller as the native interrupt top half drives it, with the local APIC's EOI register. */
  description(eoi: number): VectoredIrqController {
    if (this.count === 0) throw new Error("IoApic: init() first");
    const lines = Math.min(this.count, 256 - this.firstVector, 32);
    return {
      kind: "vectored",
      firstVector: this.firstVector,
      eoi,
      select: this.regs.IOREGSEL.addr,
      window: this.regs.IOWIN.addr,
      firstIndex: IOAPIC_INDEX.REDIRECTION,
      indexStride: 2,
      maskBit: IOREDTBL.MASKED,
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

  /** The register block, for what this driver does not wrap. */
  registers(): IoApicRegisters {
    if (!this.base) throw new Error("IoApic: invalid base address");
    return this.regs;
  }

  private checkInput(input: number): void {
    if (!(Number.isInteger(input) && input >= 0 && input < this.count)) {
      throw new RangeError(`IoApic: input ${input} does not exist (0..${this.count - 1})`);
    }
  }
}
