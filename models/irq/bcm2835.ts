/**
 * Register-level model of the BCM2835 ARM interrupt controller, after BCM2835 ARM Peripherals
 * section 7.5, with the read semantics of QEMU's hw/intc/bcm2835_ic.c where the manual is silent:
 * pending registers show level AND enable; reading an enable register gives the enable mask and a
 * disable register its complement; enables and disables are write-1, pending is read-only.
 *
 * Lines are numbered as in tsmetal: GPU IRQs 0..63, then the ARM basic IRQs 0..7 as 64..71. The
 * offsets and bits are written out here from the manual rather than imported from the driver, so
 * that a mistake in either makes the driver tests fail.
 */
import type { MemoryBus } from "../memory-bus.ts";

// Register offsets, section 7.5.
const BASIC_PENDING = 0x00, PENDING_1 = 0x04, PENDING_2 = 0x08, FIQ_CONTROL = 0x0c;
const ENABLE_1 = 0x10, ENABLE_2 = 0x14, ENABLE_BASIC = 0x18;
const DISABLE_1 = 0x1c, DISABLE_2 = 0x20, DISABLE_BASIC = 0x24;
/** GPU IRQs copied into basic pending bits 10-20, in bit order (section 7.5, basic pending). */
const BASIC_COPIES = [7, 9, 10, 18, 19, 53, 54, 55, 56, 57, 62];
const FIQ_ENABLE = 1 << 7;

export interface Bcm2835IrqModelOptions {
  /** Called when the IRQ output to the CPU changes level. */
  readonly onIrq?: (level: boolean) => void;
}

export class Bcm2835IrqModel {
  /** Input levels and enables per bank: [GPU 0-31, GPU 32-63, ARM basic 0-7]. */
  private readonly levels = [0, 0, 0];
  private readonly enables = [0, 0, 0];
  private fiqControl = 0;
  private irqOut = false;
  private readonly onIrq?: (level: boolean) => void;

  constructor(bus: MemoryBus, base: number, options: Bcm2835IrqModelOptions = {}) {
    this.onIrq = options.onIrq;
    const r = (off: number, f: () => number) => bus.onRead(base + off, () => f() >>> 0);
    const w = (off: number, f: (v: number) => void) => bus.onWrite(base + off, (v) => { f(v); this.sync(); });
    // Pending registers are read-only: with their reads hooked, a write to storage has no effect.
    r(BASIC_PENDING, () => this.basicPending());
    r(PENDING_1, () => this.pending(0));
    r(PENDING_2, () => this.pending(1));
    r(FIQ_CONTROL, () => this.fiqControl);
    w(FIQ_CONTROL, (v) => { this.fiqControl = v & 0xff; });
    [ENABLE_1, ENABLE_2, ENABLE_BASIC].forEach((off, bank) => {
      r(off, () => this.enables[bank]);
      w(off, (v) => { this.enables[bank] = (this.enables[bank] | v) & bankMask(bank); });
    });
    [DISABLE_1, DISABLE_2, DISABLE_BASIC].forEach((off, bank) => {
      r(off, () => ~this.enables[bank] & bankMask(bank));
      w(off, (v) => { this.enables[bank] &= ~v; });
    });
  }

  /** Drives input `line` (0..71) high or low. */
  setLine(line: number, level: boolean): void {
    const bank = checkLine(line);
    const bit = 1 << (line & 31);
    this.levels[bank] = level ? this.levels[bank] | bit : this.levels[bank] & ~bit;
    this.sync();
  }

  /** The input level of `line`. */
  level(line: number): boolean {
    return ((this.levels[checkLine(line)] >>> (line & 31)) & 1) !== 0;
  }

  /** Whether `line` is enabled. */
  enabled(line: number): boolean {
    return ((this.enables[checkLine(line)] >>> (line & 31)) & 1) !== 0;
  }

  /** The enable masks [bank 1, bank 2, basic], as unsigned 32-bit numbers. */
  get enabledMasks(): number[] {
    return this.enables.map((m) => m >>> 0);
  }

  /** The IRQ output to the CPU: any line both high and enabled. */
  get irq(): boolean {
    return ((this.levels[0] & this.enables[0]) | (this.levels[1] & this.enables[1]) | (this.levels[2] & this.enables[2])) !== 0;
  }

  /** The FIQ output: FIQ control's enable bit and the level of its source line (0..71). */
  get fiq(): boolean {
    if (!(this.fiqControl & FIQ_ENABLE)) return false;
    const source = this.fiqControl & 0x7f;
    return source < 72 && this.level(source);
  }

  private pending(bank: number): number {
    return this.levels[bank] & this.enables[bank];
  }

  private basicPending(): number {
    let v = this.pending(2);
    const p1 = this.pending(0), p2 = this.pending(1);
    if (p1 !== 0) v |= 1 << 8;
    if (p2 !== 0) v |= 1 << 9;
    BASIC_COPIES.forEach((line, i) => {
      if (((line < 32 ? p1 : p2) >>> (line & 31)) & 1) v |= 1 << (10 + i);
    });
    return v;
  }

  private sync(): void {
    const level = this.irq;
    if (level !== this.irqOut) {
      this.irqOut = level;
      if (this.onIrq) this.onIrq(level);
    }
  }
}

function bankMask(bank: number): number {
  return bank === 2 ? 0xff : 0xffff_ffff;
}

function checkLine(line: number): number {
  if (!Number.isInteger(line) || line < 0 || line >= 72) throw new RangeError(`line ${line} is not 0..71`);
  return line >>> 5;
}
