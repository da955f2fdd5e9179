/**
 * i.MX Enhanced Periodic Interrupt Timer (EPIT) (i.MX6UL RM, chapter "Enhanced Periodic Interrupt
 * Timer (EPIT)"): a 32-bit down-counter reloaded from LR, interrupting when it equals CMPR.
 * Registers: CR 0x00 (EN 0, ENMOD 1, OCIEN 2, RLD 3, PRESCALAR 15:4 divide by PRESCALAR + 1,
 * SWR 16, IOVW 17, CLKSRC 25:24 with 01 = peripheral clock), SR 0x04 (OCIF bit 0, write 1 to clear),
 * LR 0x08, CMPR 0x0C, CNR 0x10.
 */
import { defineRegisters, field, register, type RegisterBus } from "../../hal/register.ts";

export const EPIT_REGS = defineRegisters({
  CR: register(0x00, { EN: field(0), ENMOD: field(1), OCIEN: field(2), RLD: field(3), PRESCALAR: field(4, 12), SWR: field(16), IOVW: field(17), CLKSRC: field(24, 2) }),
  SR: register(0x04, { OCIF: field(0) }),
  LR: register(0x08),
  CMPR: register(0x0c),
  CNR: register(0x10),
}, { name: "EPIT" });

const CR_SWR = 1 << 16;
const CLKSRC_IPG = 1;

export interface ImxEpitOptions {
  readonly base: number;
  /** The peripheral clock (ipg_clk). */
  readonly clockHz: number;
  readonly bus?: RegisterBus;
}

export class ImxEpit {
  readonly base: number;
  readonly clockHz: number;
  private readonly bus?: RegisterBus;
  private regs?: ReturnType<typeof EPIT_REGS.at>;

  constructor(options: ImxEpitOptions) {
    this.base = options.base;
    this.clockHz = options.clockHz;
    this.bus = options.bus;
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
    const r = (this.regs = EPIT_REGS.at(this.base, this.bus));
    r.CR.write(0);
    r.CR.write(CR_SWR);
    r.CR.waitUntil("SWR", 0, { maxPolls: 10_000 });
    r.CR.writeFields({ CLKSRC: CLKSRC_IPG, PRESCALAR: prescale - 1, RLD: 1, OCIEN: 1, ENMOD: 1, IOVW: 1 });
    r.LR.write(ticks - 1);
    r.CMPR.write(0);
    r.SR.write(1);
    r.CR.EN.set(1);
  }

  /** Clears the compare flag; true if it was set. Call from the interrupt handler. */
  acknowledge(): boolean {
    const r = this.checked();
    const hit = (r.SR.read() & 1) !== 0;
    r.SR.write(1);
    return hit;
  }

  stop(): void {
    if (this.regs) this.regs.CR.write(0);
  }

  private checked() {
    if (!this.regs) throw new Error("ImxEpit: startPeriodic() first");
    return this.regs;
  }
}
