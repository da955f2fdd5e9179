/**
 * Register-level model of the BCM2835 GPIO block, after BCM2835 ARM Peripherals chapter 6.
 *
 * - Function select (GPFSEL0-5) is stored and read back; bits 30-31 are reserved and read 0.
 * - A pin's level: an output drives its output latch (GPSET/GPCLR, write-only, read 0); any other
 *   function reads what the outside drives (`drive`), or, when nothing does, its pull: 1 with a
 *   pull-up, else 0.
 * - Detectors (GPREN/GPFEN and the asynchronous GPAREN/GPAFEN: an edge; GPHEN/GPLEN: a level) set
 *   GPEDS bits as levels change, at once (the synchronous detectors' two-clock sampling is not
 *   modelled). GPEDS is write-1-to-clear; a level detector sets its bit again while the level lasts.
 * - The interrupt output of a bank (gpio_int[0] for pins 0-31, gpio_int[1] for 32-53) is
 *   GPEDSn != 0; `onIrq` hears its changes.
 * - Pulls: a pin takes the GPPUD control value when its GPPUDCLKn bit goes from 0 to 1 (6.1,
 *   the GPPUDCLK sequence); a clock left asserted latches nothing more. Pins start with no pull
 *   (the hardware's reset pulls differ per pin, table 6-31).
 *
 * Offsets are written out from the manual rather than imported from the driver, so that a mistake
 * in either makes the driver tests fail.
 */
import type { MemoryBus } from "../memory-bus.ts";

// Register offsets, section 6.1 table 6-1.
const GPFSEL0 = 0x00, GPSET0 = 0x1c, GPCLR0 = 0x28, GPLEV0 = 0x34, GPEDS0 = 0x40;
const GPREN0 = 0x4c, GPFEN0 = 0x58, GPHEN0 = 0x64, GPLEN0 = 0x70, GPAREN0 = 0x7c, GPAFEN0 = 0x88;
const GPPUD = 0x94, GPPUDCLK0 = 0x98;
const PINS = 54;
/** Pins of each bank's registers: 0-31 and 32-53. */
const BANK_MASKS = [0xffff_ffff, 0x3f_ffff];

export type GpioModelPull = "none" | "down" | "up";
const PULLS: readonly GpioModelPull[] = ["none", "down", "up"];

export interface Bcm2835GpioModelOptions {
  /** Called when a bank's interrupt output (GPEDSn != 0) changes level. */
  readonly onIrq?: (bank: 0 | 1, level: boolean) => void;
}

export class Bcm2835GpioModel {
  private readonly fsel = [0, 0, 0, 0, 0, 0];
  /** Per bank: output latches, external drive (which pins, what level), pull-up and pull-down pins. */
  private readonly latch = [0, 0];
  private readonly driven = [0, 0];
  private readonly driveLevel = [0, 0];
  private readonly pullUp = [0, 0];
  private readonly pullDown = [0, 0];
  /** Per bank: the level of every pin as last computed, for edge detection. */
  private readonly levels = [0, 0];
  private readonly eds = [0, 0];
  private readonly ren = [0, 0];
  private readonly fen = [0, 0];
  private readonly hen = [0, 0];
  private readonly len = [0, 0];
  private readonly aren = [0, 0];
  private readonly afen = [0, 0];
  private readonly pudclk = [0, 0];
  private pud = 0;
  private readonly irqOut = [false, false];
  private readonly onIrq?: (bank: 0 | 1, level: boolean) => void;

  constructor(bus: MemoryBus, base: number, options: Bcm2835GpioModelOptions = {}) {
    this.onIrq = options.onIrq;
    const r = (off: number, f: () => number) => bus.onRead(base + off, () => f() >>> 0);
    const w = (off: number, f: (v: number) => void) => bus.onWrite(base + off, (v) => { f(v); this.update(); });
    for (let i = 0; i < 6; i++) {
      r(GPFSEL0 + 4 * i, () => this.fsel[i]);
      w(GPFSEL0 + 4 * i, (v) => { this.fsel[i] = v & 0x3fff_ffff; });
    }
    const banked = (off: number, regs: number[]) => {
      for (let b = 0; b < 2; b++) {
        r(off + 4 * b, () => regs[b]);
        w(off + 4 * b, (v) => { regs[b] = v & BANK_MASKS[b]; });
      }
    };
    banked(GPREN0, this.ren);
    banked(GPFEN0, this.fen);
    banked(GPHEN0, this.hen);
    banked(GPLEN0, this.len);
    banked(GPAREN0, this.aren);
    banked(GPAFEN0, this.afen);
    for (let b = 0; b < 2; b++) {
      const mask = BANK_MASKS[b];
      r(GPSET0 + 4 * b, () => 0);
      w(GPSET0 + 4 * b, (v) => { this.latch[b] |= v & mask; });
      r(GPCLR0 + 4 * b, () => 0);
      w(GPCLR0 + 4 * b, (v) => { this.latch[b] &= ~v; });
      r(GPLEV0 + 4 * b, () => this.levels[b]);
      w(GPLEV0 + 4 * b, () => {}); // read-only
      r(GPEDS0 + 4 * b, () => this.eds[b]);
      w(GPEDS0 + 4 * b, (v) => { this.eds[b] &= ~v; });
      r(GPPUDCLK0 + 4 * b, () => this.pudclk[b]);
      w(GPPUDCLK0 + 4 * b, (v) => {
        const rising = v & ~this.pudclk[b] & mask;
        this.pudclk[b] = v & mask;
        if (this.pud === 3) return; // reserved (table 6-28): nothing is latched
        this.pullUp[b] = this.pud === 2 ? this.pullUp[b] | rising : this.pullUp[b] & ~rising;
        this.pullDown[b] = this.pud === 1 ? this.pullDown[b] | rising : this.pullDown[b] & ~rising;
      });
    }
    r(GPPUD, () => this.pud);
    w(GPPUD, (v) => { this.pud = v & 3; });
  }

  /** The outside drives `pin` to `level` (seen by every function but output). */
  drive(pin: number, level: boolean): void {
    const b = checkPin(pin);
    const bit = 1 << (pin & 31);
    this.driven[b] |= bit;
    this.driveLevel[b] = level ? this.driveLevel[b] | bit : this.driveLevel[b] & ~bit;
    this.update();
  }

  /** The outside stops driving `pin`: it floats to its pull (0 without one). */
  release(pin: number): void {
    const b = checkPin(pin);
    this.driven[b] &= ~(1 << (pin & 31));
    this.update();
  }

  /** The pin's level: an output's latch, or what drives it from outside, or its pull. */
  level(pin: number): boolean {
    const b = checkPin(pin);
    return ((this.levels[b] >>> (pin & 31)) & 1) !== 0;
  }

  /** The pin's 3-bit function select code (000 input, 001 output, 100 ALT0, ...). */
  functionCode(pin: number): number {
    checkPin(pin);
    const word = (pin / 10) | 0;
    return (this.fsel[word] >>> ((pin - word * 10) * 3)) & 7;
  }

  /** The pull resistor latched into the pin's pad. */
  pull(pin: number): GpioModelPull {
    const b = checkPin(pin);
    const bit = 1 << (pin & 31);
    return PULLS[this.pullUp[b] & bit ? 2 : this.pullDown[b] & bit ? 1 : 0];
  }

  /** GPEDSn as unsigned. */
  events(bank: 0 | 1): number {
    return this.eds[bank] >>> 0;
  }

  /** The bank's interrupt output (gpio_int[bank]). */
  irq(bank: 0 | 1): boolean {
    return this.eds[bank] !== 0;
  }

  /** Recomputes levels, runs the detectors and updates the interrupt outputs. */
  private update(): void {
    for (let b = 0; b < 2; b++) {
      const level = this.computeLevels(b);
      const old = this.levels[b];
      const rising = level & ~old;
      const falling = old & ~level;
      this.levels[b] = level;
      this.eds[b] |= ((rising & (this.ren[b] | this.aren[b])) | (falling & (this.fen[b] | this.afen[b])) |
        (level & this.hen[b]) | (~level & this.len[b])) & BANK_MASKS[b];
      const out = this.eds[b] !== 0;
      if (out !== this.irqOut[b]) {
        this.irqOut[b] = out;
        if (this.onIrq) this.onIrq(b as 0 | 1, out);
      }
    }
  }

  private computeLevels(b: number): number {
    let outputs = 0;
    for (let i = 0; i < 32; i++) {
      const pin = b * 32 + i;
      if (pin >= PINS) break;
      if (this.functionCode(pin) === 1) outputs |= 1 << i;
    }
    const driven = this.driven[b];
    const inputs = (this.driveLevel[b] & driven) | (this.pullUp[b] & ~driven);
    return ((this.latch[b] & outputs) | (inputs & ~outputs)) & BANK_MASKS[b];
  }
}

function checkPin(pin: number): number {
  if (!Number.isInteger(pin) || pin < 0 || pin >= PINS) throw new RangeError(`pin ${pin} is not 0..${PINS - 1}`);
  return pin >>> 5;
}
