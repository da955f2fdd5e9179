/**
 * i.MX General Purpose Timer (GPT) (i.MX6UL RM, chapter "General Purpose Timer (GPT)"): a 32-bit
 * up-counter with a 12-bit prescaler, three output compares and two input captures.
 * Registers: CR 0x00 (EN 0, ENMOD 1, CLKSRC 8:6, FRR 9, EN_24M 10, SWR 15), PR 0x04 (PRESCALER
 * 11:0: divide by PRESCALER + 1), SR 0x08 (OF1-OF3 bits 0-2, IF1-IF2 3-4, ROV 5; write 1 to clear),
 * IR 0x0C (the same bits enable interrupts), OCR1-3 0x10-0x18, ICR1-2 0x1C-0x20, CNT 0x24.
 * tsmetal's loop clock is the ARM generic timer (docs/boards/usbarmory-mk2.md says why); the GPT is
 * an application timer: a free-running counter and compare interrupts.
 */
import { defineRegisters, field, register, type RegisterBus } from "../../hal/register.ts";

export const GPT_REGS = defineRegisters({
  CR: register(0x00, { EN: field(0), ENMOD: field(1), CLKSRC: field(6, 3), FRR: field(9), EN_24M: field(10), SWR: field(15) }),
  PR: register(0x04, { PRESCALER: field(0, 12), PRESCALER24M: field(12, 4) }),
  SR: register(0x08, { OF1: field(0), OF2: field(1), OF3: field(2), IF1: field(3), IF2: field(4), ROV: field(5) }),
  IR: register(0x0c, { OF1IE: field(0), OF2IE: field(1), OF3IE: field(2), IF1IE: field(3), IF2IE: field(4), ROVIE: field(5) }),
  OCR1: register(0x10),
  OCR2: register(0x14),
  OCR3: register(0x18),
  ICR1: register(0x1c),
  ICR2: register(0x20),
  CNT: register(0x24),
}, { name: "GPT" });

/** CR.CLKSRC = 1: the peripheral clock (ipg_clk). */
const CLKSRC_IPG = 1;
const CR_SWR = 1 << 15;

export interface ImxGptOptions {
  readonly base: number;
  /** The peripheral clock feeding the counter (ipg_clk). */
  readonly clockHz: number;
  readonly bus?: RegisterBus;
}

export class ImxGpt {
  readonly base: number;
  readonly clockHz: number;
  private readonly bus?: RegisterBus;
  private regs?: ReturnType<typeof GPT_REGS.at>;
  private prescale = 1;

  constructor(options: ImxGptOptions) {
    this.base = options.base;
    this.clockHz = options.clockHz;
    this.bus = options.bus;
  }

  /**
   * Resets the GPT (CR.SWR), then runs it free (FRR) from the peripheral clock divided so that it
   * counts at `hz` (at most the clock; the 12-bit prescaler bounds the lowest rate), with every
   * interrupt off.
   */
  init({ hz = 1_000_000 }: { hz?: number } = {}): void {
    if (!this.base) throw new Error("ImxGpt: invalid base address");
    const prescale = Math.round(this.clockHz / hz);
    if (!(prescale >= 1 && prescale <= 4096)) throw new RangeError(`ImxGpt: ${hz} Hz cannot be divided from ${this.clockHz} Hz`);
    const r = (this.regs = GPT_REGS.at(this.base, this.bus));
    r.CR.write(0);
    r.CR.write(CR_SWR);
    r.CR.waitUntil("SWR", 0, { maxPolls: 10_000 });
    r.IR.write(0);
    r.PR.write(prescale - 1);
    r.SR.write(0x3f);
    r.CR.writeFields({ CLKSRC: CLKSRC_IPG, FRR: 1, ENMOD: 1 });
    r.CR.EN.set(1);
    this.prescale = prescale;
  }

  /** Counter ticks per second. */
  get hz(): number {
    return this.clockHz / this.prescale;
  }

  /** The 32-bit counter. */
  now(): number {
    return this.r().CNT.read();
  }

  /** Interrupts (compare 1, line OF1) when the counter reaches `ticks` from now (below 2^32). */
  setCompare(ticks: number): void {
    if (!(Number.isInteger(ticks) && ticks > 0 && ticks < 2 ** 32)) throw new RangeError(`ImxGpt: ${ticks} ticks is not a 32-bit delay`);
    const r = this.r();
    r.OCR1.write((r.CNT.read() + ticks) >>> 0);
    r.SR.write(1);
    r.IR.write(1);
  }

  /** Clears the compare event; true if there was one. Call from the interrupt handler. */
  acknowledge(): boolean {
    const r = this.r();
    const hit = (r.SR.read() & 1) !== 0;
    r.SR.write(1);
    return hit;
  }

  /** Disables the compare interrupt. */
  cancel(): void {
    this.r().IR.write(0);
  }

  private r() {
    if (!this.regs) throw new Error("ImxGpt: init() first");
    return this.regs;
  }
}
