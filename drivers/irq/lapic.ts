/**
 * Local APIC (Intel 64 and IA-32 Architectures SDM, order no. 325462, vol. 3, chapter 11 "Advanced
 * Programmable Interrupt Controller"), memory mapped at 0xfee00000 by default (11.4.1). This
 * driver sets the APIC up to accept interrupts and names its EOI register for the native top half;
 * the APIC timer is the loop clock's deadline, programmed by the arch
 * (hal/arch/amd64/cpu-timer.c), not here.
 */
import { defineRegisters, ro, rw, wo, type DeviceOptions } from "../../hal/register.ts";

/** Local APIC ID (11.4.6). */
export enum ID { ID = 0xff << 24 }
/** Local APIC version (11.4.8). */
export enum VERSION { VERSION = 0xff, MAX_LVT = 0xff << 16 }
/** Task priority (11.8.3.1): interrupts at or below its class are held back. */
export enum TPR { SUBCLASS = 0xf, CLASS = 0xf << 4 }
/** Spurious-interrupt vector (11.9): APIC_ENABLE software-enables the APIC. */
export enum SVR { VECTOR = 0xff, APIC_ENABLE = 1 << 8 }
/** A local vector table entry (11.5.1, figure 11-8). */
export enum LVT { VECTOR = 0xff, DELIVERY = 7 << 8, MASKED = 1 << 16 }

/** Register offsets, table 11-1. */
export const LAPIC_REGS = defineRegisters({
  ID: rw<ID>(0x020),
  VERSION: ro<VERSION>(0x030),
  TPR: rw<TPR>(0x080),
  /** Writing 0 ends the interrupt in service (11.8.5). */
  EOI: wo(0x0b0),
  SVR: rw<SVR>(0x0f0),
  /** LINT0 (11.5.1): wired to the 8259 PIC's INTR (ExtINT) after reset on the bootstrap CPU. */
  LVT_LINT0: rw<LVT>(0x350),
  LVT_ERROR: rw<LVT>(0x370),
}, { name: "local APIC" });

export type LocalApicRegisters = ReturnType<typeof LAPIC_REGS.at>;

export const LAPIC_DEFAULT_BASE = 0xfee0_0000;
/** The spurious vector (low 4 bits set: P6 and Pentium APICs ignore them, 11.9). */
export const LAPIC_SPURIOUS_VECTOR = 0xff;

export type LocalApicOptions = DeviceOptions;

export class LocalApic {
  readonly base: number;
  private readonly regs: LocalApicRegisters;

  constructor(options: LocalApicOptions) {
    this.base = options.base;
    this.regs = LAPIC_REGS.at(options.base, options.bus);
  }

  /**
   * Software-enables the APIC with the spurious vector, accepts every priority (TPR 0) and masks
   * LINT0 and the error interrupt: the 8259 PIC is not used, so its ExtINT must not reach the CPU.
   */
  init(): void {
    const r = this.registers();
    r.LVT_LINT0.write(LVT.MASKED);
    r.LVT_ERROR.write(LVT.MASKED);
    r.TPR.write(0);
    r.SVR.write(SVR.APIC_ENABLE | LAPIC_SPURIOUS_VECTOR);
  }

  /** This CPU's APIC id (the I/O APIC's physical destination). */
  id(): number {
    return this.registers().ID.get(ID.ID);
  }

  /** The EOI register's address, for the native top half (hal.d.ts VectoredIrqController.eoi). */
  eoiAddress(): number {
    return this.registers().EOI.addr;
  }

  eoi(): void {
    this.registers().EOI.write(0);
  }

  /** The register block, for what this driver does not wrap. */
  registers(): LocalApicRegisters {
    if (!this.base) throw new Error("LocalApic: invalid base address");
    return this.regs;
  }
}
