/**
 * i.MX General Purpose Timer (GPT) (i.MX6UL Reference Manual IMX6ULRM Rev. 1, chapter "General
 * Purpose Timer (GPT)"): a 32-bit up-counter with a 12-bit prescaler, three output compares and
 * two input captures. Registers: CR 0x00 (EN 0, ENMOD 1, CLKSRC 8:6, FRR 9, EN_24M 10, SWR 15), PR
 * 0x04 (PRESCALER 11:0: divide by PRESCALER + 1), SR 0x08 (OF1-OF3 bits 0-2, IF1-IF2 3-4, ROV 5;
 * write 1 to clear), IR 0x0C (the same bits enable interrupts), OCR1-3 0x10-0x18, ICR1-2
 * 0x1C-0x20, CNT 0x24. tsmetal's loop clock is the ARM generic timer (docs/boards/usbarmory-mk2.md
 * says why); the GPT is an application timer: a free-running counter and compare interrupts.
 */
import { defineRegisters, fieldBits, ro, rw, w1c, type DeviceOptions } from "../../hal/register.ts";

/** GPTx_CR, control. */
export enum CR { EN = 1 << 0, ENMOD = 1 << 1, CLKSRC = 7 << 6, FRR = 1 << 9, EN_24M = 1 << 10, SWR = 1 << 15 }
/** GPTx_PR, prescaler: divide by PRESCALER + 1. */
export enum PR { PRESCALER = 0xfff << 0, PRESCALER24M = 0xf << 12 }
/** GPTx_SR, status (write 1 to clear), and GPTx_IR, the interrupt enables of the same bits. */
export enum SR { OF1 = 1 << 0, OF2 = 1 << 1, OF3 = 1 << 2, IF1 = 1 << 3, IF2 = 1 << 4, ROV = 1 << 5, ALL = 0x3f }

export const GPT_REGS = defineRegisters({
  CR: rw<CR>(0x00),
  PR: rw<PR>(0x04),
  SR: w1c<SR>(0x08),
  IR: rw<SR>(0x0c),
  OCR1: rw(0x10),
  OCR2: rw(0x14),
  OCR3: rw(0x18),
  ICR1: ro(0x1c),
  ICR2: ro(0x20),
  CNT: ro(0x24),
}, { name: "GPT" });

export type ImxGptRegisters = ReturnType<typeof GPT_REGS.at>;

/** CR.CLKSRC: the counter's clock. */
export enum CR_CLKSRC { OFF = 0 << 6, IPG = 1 << 6, IPG_HIGHFREQ = 2 << 6, EXTERNAL = 3 << 6, IPG_32K = 4 << 6, CRYSTAL = 5 << 6 }

export interface ImxGptOptions extends DeviceOptions {
  /** The peripheral clock feeding the counter (ipg_clk). */
  readonly clockHz: number;
}

export class ImxGpt {
  readonly base: number;
  readonly clockHz: number;
  /** The register block, for what this driver does not wrap. */
  readonly registers: ImxGptRegisters;
  private prescale = 1;
  private initialized = false;

  constructor(options: ImxGptOptions) {
    this.base = options.base;
    this.clockHz = options.clockHz;
    this.registers = GPT_REGS.at(options.base, options.bus);
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
    const r = this.registers;
    r.CR.write(0);
    r.CR.write(CR.SWR);
    r.CR.waitUntil(CR.SWR, 0);
    r.IR.write(0);
    r.PR.write(fieldBits(PR.PRESCALER, prescale - 1));
    r.SR.write(SR.ALL);
    r.CR.write(CR_CLKSRC.IPG | CR.FRR | CR.ENMOD);
    r.CR.set(CR.EN);
    this.prescale = prescale;
    this.initialized = true;
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
    r.SR.write(SR.OF1);
    r.IR.write(SR.OF1);
  }

  /** Clears the compare event; true if there was one. Call from the interrupt handler. */
  acknowledge(): boolean {
    const r = this.r();
    const hit = (r.SR.read() & SR.OF1) !== 0;
    r.SR.write(SR.OF1);
    return hit;
  }

  /** Disables the compare interrupt. */
  cancel(): void {
    this.r().IR.write(0);
  }

  private r(): ImxGptRegisters {
    if (!this.initialized) throw new Error("ImxGpt: init() first");
    return this.registers;
  }
}
