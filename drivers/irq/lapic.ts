/**
 * Local APIC (Intel SDM vol. 3, chapter 11 "Advanced Programmable Interrupt Controller"), memory
 * mapped at 0xfee00000 by default (11.4.1). This driver sets the APIC up to accept interrupts and
 * names its EOI register for the native top half; the APIC timer is the loop clock's deadline,
 * programmed by the arch (hal/arch/amd64/cpu-timer.c), not here.
 */
import { defineRegisters, field, register, type RegisterBus } from "../../hal/register.ts";

/** Register offsets, table 11-1. */
export const LAPIC_REGS = defineRegisters({
  ID: register(0x020, { ID: field(24, 8) }),
  VERSION: register(0x030, { VERSION: field(0, 8), MAX_LVT: field(16, 8) }),
  /** Task priority (11.8.3.1): interrupts at or below its class are held back. */
  TPR: register(0x080, { CLASS: field(4, 4) }),
  /** Writing 0 ends the interrupt in service (11.8.5). */
  EOI: register(0x0b0),
  /** Spurious-interrupt vector (11.9): bit 8 software-enables the APIC. */
  SVR: register(0x0f0, { VECTOR: field(0, 8), APIC_ENABLE: field(8) }),
  /** LINT0 (11.5.1): wired to the 8259 PIC's INTR (ExtINT) after reset on the bootstrap CPU. */
  LVT_LINT0: register(0x350, { VECTOR: field(0, 8), DELIVERY: field(8, 3), MASKED: field(16) }),
  LVT_ERROR: register(0x370, { VECTOR: field(0, 8), MASKED: field(16) }),
}, { name: "local APIC" });

export const LAPIC_DEFAULT_BASE = 0xfee0_0000;
/** The spurious vector (low 4 bits set: P6 and Pentium APICs ignore them, 11.9). */
export const LAPIC_SPURIOUS_VECTOR = 0xff;
const SVR_APIC_ENABLE = 1 << 8;
const LVT_MASKED = 1 << 16;

export interface LocalApicOptions {
  readonly base: number;
  readonly bus?: RegisterBus;
}

export class LocalApic {
  readonly base: number;
  private readonly bus?: RegisterBus;
  private regs?: ReturnType<typeof LAPIC_REGS.at>;

  constructor(options: LocalApicOptions) {
    this.base = options.base;
    this.bus = options.bus;
  }

  /**
   * Software-enables the APIC with the spurious vector, accepts every priority (TPR 0) and masks
   * LINT0 and the error interrupt: the 8259 PIC is not used, so its ExtINT must not reach the CPU.
   */
  init(): void {
    const r = this.registers();
    r.LVT_LINT0.write(LVT_MASKED);
    r.LVT_ERROR.write(LVT_MASKED);
    r.TPR.write(0);
    r.SVR.write(SVR_APIC_ENABLE | LAPIC_SPURIOUS_VECTOR);
  }

  /** This CPU's APIC id (the I/O APIC's physical destination). */
  id(): number {
    return this.registers().ID.ID.get();
  }

  /** The EOI register's address, for the native top half (hal.d.ts VectoredIrqController.eoi). */
  eoiAddress(): number {
    this.registers();
    return this.base + 0x0b0;
  }

  eoi(): void {
    this.registers().EOI.write(0);
  }

  private registers(): ReturnType<typeof LAPIC_REGS.at> {
    if (!this.base) throw new Error("LocalApic: invalid base address");
    return (this.regs ??= LAPIC_REGS.at(this.base, this.bus));
  }
}
