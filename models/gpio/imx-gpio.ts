/**
 * Register-level model of one i.MX GPIO block (i.MX6UL RM, chapter "GPIO"): DR 0x00, GDIR 0x04,
 * PSR 0x08 (inputs: the pad; outputs: DR), ICR1 0x0C / ICR2 0x10 (2 bits per pin: 0 low level,
 * 1 high level, 2 rising, 3 falling), IMR 0x14, ISR 0x18 (write 1 to clear; level conditions set
 * it again while they hold), EDGE_SEL 0x1C (both edges). Two interrupt outputs: ISR & IMR for pins
 * 0-15 and for 16-31. Offsets and encodings written out here from the manual.
 */
import type { MemoryBus } from "../memory-bus.ts";

export interface ImxGpioModelOptions {
  /** Called when the interrupt outputs for pins 0-15 and 16-31 may have changed. */
  readonly onIrq?: (low: boolean, high: boolean) => void;
}

const DR = 0x00, GDIR = 0x04, PSR = 0x08, ICR1 = 0x0c, ICR2 = 0x10, IMR = 0x14, ISR = 0x18, EDGE_SEL = 0x1c;

export class ImxGpioModel {
  private dr = 0;
  private gdir = 0;
  private pads = 0;
  private icr1 = 0;
  private icr2 = 0;
  private imr = 0;
  private isr = 0;
  private edgeSel = 0;

  constructor(bus: MemoryBus, base: number, private readonly options: ImxGpioModelOptions = {}) {
    const reg = (off: number, get: () => number, set: (v: number) => void) => {
      bus.onRead(base + off, () => get() >>> 0);
      bus.onWrite(base + off, (v) => { set(v >>> 0); this.notify(); });
    };
    reg(DR, () => this.dr, (v) => { this.dr = v; });
    reg(GDIR, () => this.gdir, (v) => { this.gdir = v; });
    reg(PSR, () => this.psr, () => {});
    reg(ICR1, () => this.icr1, (v) => { this.icr1 = v; this.levels(); });
    reg(ICR2, () => this.icr2, (v) => { this.icr2 = v; this.levels(); });
    reg(IMR, () => this.imr, (v) => { this.imr = v; });
    reg(ISR, () => this.isr, (v) => { this.isr &= ~v; this.levels(); });
    reg(EDGE_SEL, () => this.edgeSel, (v) => { this.edgeSel = v; });
  }

  /** Drives input pad `n` (0-31) to `level`, latching edge events per ICR/EDGE_SEL. */
  drive(n: number, level: 0 | 1): void {
    const bit = 1 << n;
    const old = (this.pads >>> n) & 1;
    this.pads = level ? this.pads | bit : this.pads & ~bit;
    if (old !== level && !(this.gdir & bit)) {
      const mode = this.mode(n);
      if (this.edgeSel & bit || (mode === 2 && level) || (mode === 3 && !level)) this.isr |= bit;
    }
    this.levels();
    this.notify();
  }

  get psr(): number {
    return ((this.pads & ~this.gdir) | (this.dr & this.gdir)) >>> 0;
  }

  /** The interrupt outputs for pins 0-15 and 16-31. */
  get irq(): [boolean, boolean] {
    const p = this.isr & this.imr;
    return [(p & 0xffff) !== 0, (p >>> 16) !== 0];
  }

  private notify(): void {
    if (this.options.onIrq) this.options.onIrq(...this.irq);
  }

  private mode(n: number): number {
    return ((n < 16 ? this.icr1 : this.icr2) >>> (2 * (n & 15))) & 3;
  }

  /** Level-sensitive pins keep their status bit set while the level holds. */
  private levels(): void {
    for (let n = 0; n < 32; n++) {
      const bit = 1 << n;
      if (this.edgeSel & bit || this.gdir & bit) continue;
      const mode = this.mode(n), level = (this.pads >>> n) & 1;
      if ((mode === 0 && !level) || (mode === 1 && level)) this.isr |= bit;
    }
  }
}
