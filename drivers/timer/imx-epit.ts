/**
 * i.MX Enhanced Periodic Interrupt Timer (EPIT) (i.MX6UL Reference Manual IMX6ULRM Rev. 1, chapter
 * "Enhanced Periodic Interrupt Timer (EPIT)"): a 32-bit down-counter reloaded from LR,
 * interrupting when it equals CMPR. Registers: CR 0x00 (EN 0, ENMOD 1, OCIEN 2, RLD 3, PRESCALAR
 * 15:4 divide by PRESCALAR + 1, SWR 16, IOVW 17, CLKSRC 25:24 with 01 = peripheral clock), SR 0x04
 * (OCIF bit 0, write 1 to clear), LR 0x08, CMPR 0x0C, CNR 0x10.
 */
import { defineRegisters, fieldBits, ro, rw, w1c, type DeviceOptions } from "../../hal/register.ts";

/** EPIT_CR, control. */
export enum CR { EN = 1 << 0, ENMOD = 1 << 1, OCIEN = 1 << 2, RLD = 1 << 3, PRESCALAR = 0xfff << 4, SWR = 1 << 16, IOVW = 1 << 17, CLKSRC = 3 << 24 }
/** CR.CLKSRC: 01 is the peripheral clock (ipg_clk). */
export enum CR_CLKSRC { OFF = 0 << 24, IPG = 1 << 24, IPG_HIGHFREQ = 2 << 24, IPG_32K = 3 << 24 }
/** EPIT_SR, status: OCIF is write-1-to-clear. */
export enum SR { OCIF = 1 << 0 }

export const EPIT_REGS = defineRegisters({
  CR: rw<CR>(0x00),
  SR: w1c<SR>(0x04),
  LR: rw(0x08),
  CMPR: rw(0x0c),
  CNR: ro(0x10),
}, { name: "EPIT" });

export type ImxEpitRegisters = ReturnType<typeof EPIT_REGS.at>;

export interface ImxEpitOptions extends DeviceOptions {
  /** The peripheral clock (ipg_clk). */
  readonly clockHz: number;
}

export class ImxEpit {
  readonly base: number;
  readonly clockHz: number;
  /** The register block, for what this driver does not wrap. */
  readonly registers: ImxEpitRegisters;
  private started = false;

  constructor(options: ImxEpitOptions) {
    this.base = options.base;
    this.clockHz = options.clockHz;
    this.registers = EPIT_REGS.at(options.base, options.bus);
  }

  /**
   * Interrupts every `periodUs` microseconds: the counter counts down from LR at clock /
   * (PRESCALAR + 1) = 1 MHz where the clock allows, reloads (RLD) and sets OCIF at CMPR = 0.
   */
  startPeriodic(periodUs: number): void {
    if (!this.base) throw new Error("ImxEpit: invalid base address");
    const prescale = Math.max(1, Math.min(4096, Math.round(this.clockHz / 1_000_000)));
    const ticks = Math.round((periodUs * this.clockHz) / prescale / 1e6);
    if (!(ticks >= 1 && ticks < 2 ** 32)) throw new RangeError(`ImxEpit: a period of ${periodUs} us is out of range`);
    const r = this.registers;
    r.CR.write(0);
    r.CR.write(CR.SWR);
    r.CR.waitUntil(CR.SWR, 0);
    r.CR.write(CR_CLKSRC.IPG | fieldBits(CR.PRESCALAR, prescale - 1) | CR.RLD | CR.OCIEN | CR.ENMOD | CR.IOVW);
    r.LR.write(ticks - 1);
    r.CMPR.write(0);
    r.SR.write(SR.OCIF);
    r.CR.set(CR.EN);
    this.started = true;
  }

  /** Clears the compare flag; true if it was set. Call from the interrupt handler. */
  acknowledge(): boolean {
    const r = this.checked();
    const hit = (r.SR.read() & SR.OCIF) !== 0;
    r.SR.write(SR.OCIF);
    return hit;
  }

  stop(): void {
    if (this.started) this.registers.CR.write(0);
  }

  private checked(): ImxEpitRegisters {
    if (!this.started) throw new Error("ImxEpit: startPeriodic() first");
    return this.registers;
  }
}
