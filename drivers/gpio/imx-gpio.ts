/**
 * i.MX GPIO (i.MX6UL Reference Manual IMX6ULRM Rev. 1, chapter "General Purpose Input/Output
 * (GPIO)"): one block per 32 pins. Registers: DR 0x00 (output data), GDIR 0x04 (1 = output), PSR
 * 0x08 (pad status), ICR1 0x0C / ICR2 0x10 (2 bits per pin: 00 low level, 01 high level, 10 rising
 * edge, 11 falling edge), IMR 0x14 (interrupt mask, 1 = enabled), ISR 0x18 (status, write 1 to
 * clear), EDGE_SEL 0x1C (1 = both edges, overriding ICR). Each block has two combined interrupts,
 * for pins 0-15 and 16-31. Pull resistors and the pin's function (ALT5 = GPIO) are IOMUXC pad
 * settings, not here.
 *
 * tsmetal numbers pins GPIOn_IOm as 32 * (n - 1) + m (io/digital.ts: bank n - 1, bit m).
 */
import { defineRegisters, ro, rw, w1c, type RegisterBus } from "../../hal/register.ts";
import type { DigitalPort } from "../interfaces/digital-port.ts";

/** GPIOx_ICR1/ICR2: the interrupt condition of the first pin of the register (ICR0). */
export enum ICR { ICR0 = 3 }
/** ICR values: low level, high level, rising edge, falling edge. */
export enum ICR_ICR0 { LOW_LEVEL = 0, HIGH_LEVEL = 1, RISING_EDGE = 2, FALLING_EDGE = 3 }

export const IMX_GPIO_REGS = defineRegisters({
  DR: rw(0x00),
  GDIR: rw(0x04),
  PSR: ro(0x08),
  /** Two bits per pin, pins 0-15 (ICR), then ICR2 for pins 16-31. */
  ICR1: rw<ICR>(0x0c),
  ICR2: rw<ICR>(0x10),
  IMR: rw(0x14),
  /** Write 1 to clear a pin's event. */
  ISR: w1c(0x18),
  EDGE_SEL: rw(0x1c),
}, { name: "GPIO" });

export type GpioRegisters = ReturnType<typeof IMX_GPIO_REGS.at>;


export interface ImxGpioOptions {
  /** Base addresses of GPIO1, GPIO2, ... */
  readonly bases: readonly number[];
  /** Per block, its interrupt lines for pins 0-15 and 16-31 (GIC IDs). */
  readonly lines: readonly (readonly [number, number])[];
  readonly bus?: RegisterBus;
}

/**
 * Edge events: the two lines of a block share its ISR, so a handler taking one line's events also
 * takes the other half's. Listen on pins of one half per block, or expect an edge on the other
 * half to reach only that half's handler when it runs first.
 */
export class ImxGpio implements DigitalPort {
  private readonly bases: readonly number[];
  private readonly lines: readonly (readonly [number, number])[];
  /** One register block per GPIO block, for what this driver does not wrap. */
  readonly blocks: readonly GpioRegisters[];

  constructor(options: ImxGpioOptions) {
    this.bases = options.bases;
    this.lines = options.lines;
    if (this.bases.length !== this.lines.length) throw new RangeError("ImxGpio: one pair of interrupt lines per block");
    this.blocks = this.bases.map((base) => IMX_GPIO_REGS.at(base, options.bus));
  }

  /** Masks every block's interrupts and clears what is pending. */
  init(): void {
    for (let b = 0; b < this.bases.length; b++) {
      const r = this.block(b);
      r.IMR.write(0);
      r.ISR.write(0xffff_ffff);
    }
  }

  setFunction(pin: number, fn: "input" | "output"): void {
    const r = this.block(pin >>> 5), bit = 1 << (pin & 31);
    if (fn === "output") r.GDIR.set(bit);
    else r.GDIR.clear(bit);
  }

  write(pin: number, value: 0 | 1 | boolean): void {
    const r = this.block(pin >>> 5), bit = 1 << (pin & 31);
    if (value) r.DR.set(bit);
    else r.DR.clear(bit);
  }

  /** An output reads back DR (PSR shows the pad only with the pad's SION set); an input reads PSR. */
  read(pin: number): 0 | 1 {
    const r = this.block(pin >>> 5), n = pin & 31;
    const output = (r.GDIR.read() >>> n) & 1;
    return (((output ? r.DR.read() : r.PSR.read()) >>> n) & 1) as 0 | 1;
  }

  setPull(pin: number, pull: "none" | "down" | "up"): void {
    this.block(pin >>> 5);
    if (pull !== "none") throw new RangeError(`ImxGpio: pin ${pin}: pull resistors are IOMUXC pad settings, not GPIO ones`);
  }

  setEdge(pin: number, edges: { readonly rising?: boolean; readonly falling?: boolean }): void {
    const r = this.block(pin >>> 5), n = pin & 31, bit = 1 << n;
    const both = !!edges.rising && !!edges.falling;
    if (!edges.rising && !edges.falling) {
      r.IMR.clear(bit);
      return;
    }
    const icr = n < 16 ? r.ICR1 : r.ICR2, shift = 2 * (n & 15);
    icr.modify(ICR.ICR0 << shift, (edges.rising ? ICR_ICR0.RISING_EDGE : ICR_ICR0.FALLING_EDGE) << shift);
    if (both) r.EDGE_SEL.set(bit);
    else r.EDGE_SEL.clear(bit);
    r.ISR.write(bit);
    r.IMR.set(bit);
  }

  takeEvents(bank: number): number {
    const r = this.block(bank);
    const events = (r.ISR.read() & r.IMR.read()) >>> 0;
    if (events) r.ISR.write(events);
    return events;
  }

  clearEvents(bank: number, bits: number): void {
    this.block(bank).ISR.write(bits >>> 0);
  }

  interruptLine(pin: number): number {
    this.block(pin >>> 5);
    return this.lines[pin >>> 5][(pin & 31) < 16 ? 0 : 1];
  }

  private block(bank: number): GpioRegisters {
    if (!(Number.isInteger(bank) && bank >= 0 && bank < this.bases.length)) {
      throw new RangeError(`ImxGpio: no pin in bank ${bank} (GPIO1..GPIO${this.bases.length})`);
    }
    return this.blocks[bank];
  }
}
