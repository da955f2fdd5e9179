/**
 * Register-level model of the BCM2835 hardware RNG, after Linux
 * drivers/char/hw_random/bcm2835-rng.c and QEMU's hw/misc/bcm2835_rng.c (the manual does not
 * document it): CTRL 0x00 bit 0 enables the generator; STATUS 0x04 bits 19:0 hold the warm-up
 * count as written, bits 31:24 read as the words ready in DATA; DATA 0x08 pops one word.
 *
 * Time: the model has no clock; `advance(n)` lets the enabled generator make `n` numbers. The first
 * `warm-up count` numbers after enabling are discarded (what the count is for); later ones fill a
 * FIFO of `depth` words (4 by default; the real depth is not documented) and overflow is lost.
 * `numbersPerStatusRead` makes time pass on every read of STATUS instead, for polling drivers.
 * Reading DATA with nothing ready returns 0 and is counted in `underflows` (QEMU instead always
 * reports one word ready). Offsets and bits are written out here, not imported from the driver.
 */
import type { MemoryBus } from "../memory-bus.ts";

const CTRL = 0x00, STATUS = 0x04, DATA = 0x08;
const WARMUP_MASK = 0xf_ffff;

export interface Bcm2835RngModelOptions {
  /** The i-th number the generator makes, counting discarded ones from 0 (default: a fixed hash of i). */
  readonly source?: (index: number) => number;
  /** FIFO depth in words (default 4). */
  readonly depth?: number;
  /** Numbers the enabled generator makes at each read of STATUS (default 0). */
  readonly numbersPerStatusRead?: number;
}

export class Bcm2835RngModel {
  /** Reads of DATA with no word ready. */
  underflows = 0;
  /** Numbers made and thrown away during warm-up. */
  discarded = 0;
  /** Numbers made in all (the next number's index). */
  made = 0;
  /** The warm-up count STATUS held when CTRL.RBGEN was last set (undefined: never enabled). */
  warmupAtEnable?: number;
  numbersPerStatusRead: number;
  private ctrl = 0;
  private warmup = 0;
  private warmupLeft = 0;
  private readonly fifo: number[] = [];
  private readonly depth: number;
  private readonly source: (index: number) => number;

  constructor(bus: MemoryBus, base: number, options: Bcm2835RngModelOptions = {}) {
    this.source = options.source ?? hash;
    this.depth = options.depth ?? 4;
    this.numbersPerStatusRead = options.numbersPerStatusRead ?? 0;
    bus.onRead(base + CTRL, () => this.ctrl);
    bus.onWrite(base + CTRL, (v) => {
      if ((v & 1) !== 0 && (this.ctrl & 1) === 0) {
        this.warmupAtEnable = this.warmup;
        this.warmupLeft = this.warmup;
      }
      this.ctrl = v;
    });
    bus.onRead(base + STATUS, () => {
      if (this.numbersPerStatusRead > 0) this.advance(this.numbersPerStatusRead);
      return ((this.fifo.length << 24) | this.warmup) >>> 0;
    });
    // Bits 31:20 are not writable (QEMU keeps them).
    bus.onWrite(base + STATUS, (v) => { this.warmup = v & WARMUP_MASK; });
    bus.onRead(base + DATA, () => {
      const w = this.fifo.shift();
      if (w === undefined) {
        this.underflows++;
        return 0;
      }
      return w;
    });
    bus.onWrite(base + DATA, () => {});
  }

  get enabled(): boolean {
    return (this.ctrl & 1) !== 0;
  }

  /** Words ready in DATA. */
  get ready(): number {
    return this.fifo.length;
  }

  /** The enabled generator makes `numbers` numbers: warm-up ones are discarded, the rest queued. */
  advance(numbers: number): void {
    if (!Number.isSafeInteger(numbers) || numbers < 0) throw new RangeError(`${numbers} is not a count`);
    if (!this.enabled) return;
    const skip = Math.min(numbers, this.warmupLeft);
    this.warmupLeft -= skip;
    this.discarded += skip;
    this.made += skip;
    let i = skip;
    for (; i < numbers && this.fifo.length < this.depth; i++) this.fifo.push(this.source(this.made++) >>> 0);
    this.made += numbers - i; // made while the FIFO was full: lost
  }
}

/** A fixed, well-mixed 32-bit function of i (the "lowbias32" integer hash). */
function hash(i: number): number {
  let x = (i + 1) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}
