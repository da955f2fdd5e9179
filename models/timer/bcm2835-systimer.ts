/**
 * Register-level model of the BCM2835 System Timer, after BCM2835 ARM Peripherals chapter 12:
 * a free-running 64-bit counter (CHI:CLO, read-only) and compare registers C0..C3. The hardware
 * compares the low 32 bits of the counter with each Cn on every tick; on equality it sets CS.Mn,
 * which drives GPU IRQ n until software writes 1 to CS.Mn.
 *
 * Time: the model has no clock of its own; `advance(ticks)` moves the counter, finding in constant
 * time which compares the low 32 bits reach on the way (a compare equal to the counter before the
 * advance matches again only after a full 2^32-tick wrap, as on a tick-by-tick equality compare).
 * Offsets and bits are written out from the manual, not imported from the driver.
 */
import type { MemoryBus } from "../memory-bus.ts";

// Register offsets, chapter 12.1.
const CS = 0x00, CLO = 0x04, CHI = 0x08, C0 = 0x0c;
const TWO_32 = 0x1_0000_0000;

export interface Bcm2835SysTimerModelOptions {
  /** Called when the IRQ of channel n (CS.Mn) changes level: true when it matches, false when cleared. */
  readonly onIrq?: (channel: number, level: boolean) => void;
  /** The counter's value at the start (default 0). */
  readonly start?: number;
}

export class Bcm2835SysTimerModel {
  private count: number;
  private cs = 0;
  private readonly compares = [0, 0, 0, 0];
  private readonly onIrq?: (channel: number, level: boolean) => void;

  constructor(bus: MemoryBus, base: number, options: Bcm2835SysTimerModelOptions = {}) {
    this.count = checkTicks(options.start ?? 0);
    this.onIrq = options.onIrq;
    bus.onRead(base + CS, () => this.cs);
    bus.onWrite(base + CS, (v) => this.clear(v & 0xf));
    // CLO and CHI are read-only: with their reads hooked, a write to storage has no effect.
    bus.onRead(base + CLO, () => this.count % TWO_32);
    bus.onRead(base + CHI, () => (this.count - (this.count % TWO_32)) / TWO_32);
    for (let n = 0; n < 4; n++) {
      bus.onRead(base + C0 + 4 * n, () => this.compares[n]);
      bus.onWrite(base + C0 + 4 * n, (v) => { this.compares[n] = v; });
    }
  }

  /** The counter (CHI:CLO). */
  get counter(): number {
    return this.count;
  }

  /** Sets the counter without matching anything on the way, as if time had jumped. */
  set counter(value: number) {
    this.count = checkTicks(value);
  }

  /** CS: bit n set while channel n's match is pending. */
  get status(): number {
    return this.cs;
  }

  /** Whether channel n's IRQ (CS.Mn) is raised. */
  irq(channel: number): boolean {
    return ((this.cs >>> channel) & 1) !== 0;
  }

  /** Ticks until channel n's compare is next reached (1 to 2^32: an equal compare takes a wrap). */
  ticksUntilMatch(channel: number): number {
    return (this.compares[channel] - (this.count % TWO_32) + TWO_32) % TWO_32 || TWO_32;
  }

  /** Moves the counter `ticks` forward, matching every compare the low 32 bits reach on the way. */
  advance(ticks: number): void {
    checkTicks(ticks);
    if (!Number.isSafeInteger(this.count + ticks)) throw new RangeError(`counter ${this.count} + ${ticks} passes 2^53`);
    const low = this.count % TWO_32;
    // Ticks until each compare is reached: a compare equal to the counter now takes a whole wrap.
    const hits: Array<{ n: number; after: number }> = [];
    for (let n = 0; n < 4; n++) {
      const after = (this.compares[n] - low + TWO_32) % TWO_32 || TWO_32;
      if (after <= ticks) hits.push({ n, after });
    }
    this.count += ticks;
    hits.sort((a, b) => a.after - b.after);
    for (const { n } of hits) {
      if (this.irq(n)) continue;
      this.cs |= 1 << n;
      if (this.onIrq) this.onIrq(n, true);
    }
  }

  private clear(bits: number): void {
    for (let n = 0; n < 4; n++) {
      if (((bits & this.cs) >>> n) & 1) {
        this.cs &= ~(1 << n);
        if (this.onIrq) this.onIrq(n, false);
      }
    }
  }
}

function checkTicks(ticks: number): number {
  if (!Number.isSafeInteger(ticks) || ticks < 0) throw new RangeError(`${ticks} is not a tick count (a non-negative integer)`);
  return ticks;
}
