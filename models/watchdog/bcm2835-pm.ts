/**
 * Register-level model of the BCM2835 power management watchdog, after Linux
 * drivers/watchdog/bcm2835_wdt.c, QEMU's hw/misc/bcm2835_powermgt.c (reset values, password
 * check) and the elinux.org "BCM2835 registers" PM page; the manual does not document it.
 *
 * RSTC 0x1C, RSTS 0x20, WDOG 0x24. A write whose bits 31:24 are not 0x5A is ignored (and counted
 * in `rejectedWrites`); reads return bits 23:0. WDOG bits 19:0 count down at 65,536 ticks per
 * second; when the count reaches zero with RSTC.WRCFG (bits 5:4) = 2, full reset, the model
 * records a reset (`resets`, `onReset`) and returns RSTC and WDOG to their reset values (0x102
 * and 0). A count reaching zero with another WRCFG does nothing. Unlike QEMU, which resets at once
 * on any RSTC write with bit 5 set, the model resets only when the count runs out.
 *
 * Time: `advance(us)` moves time on by whole microseconds. Offsets and bits are written out here,
 * not imported from the driver.
 */
import type { MemoryBus } from "../memory-bus.ts";

const RSTC = 0x1c, RSTS = 0x20, WDOG = 0x24;
const PASSWORD = 0x5a;
const TICKS_PER_SECOND = 65536;
const RSTC_RESET_VALUE = 0x102, RSTS_RESET_VALUE = 0x1000;

export interface Bcm2835WatchdogModelOptions {
  /** Called when the watchdog resets the SoC. */
  readonly onReset?: () => void;
}

export class Bcm2835WatchdogModel {
  /** Resets the watchdog has caused. */
  resets = 0;
  /** Writes ignored for want of the password. */
  rejectedWrites = 0;
  /** RSTC bits 23:0. */
  rstc = RSTC_RESET_VALUE;
  /** RSTS bits 23:0. */
  rsts = RSTS_RESET_VALUE;
  private count = 0;
  /** Time since the last whole tick, in microseconds * 65536 (below 10^6). */
  private partial = 0;
  private readonly onReset?: () => void;

  constructor(bus: MemoryBus, base: number, options: Bcm2835WatchdogModelOptions = {}) {
    this.onReset = options.onReset;
    const guarded = (off: number, write: (v: number) => void) => bus.onWrite(base + off, (v) => {
      if (v >>> 24 !== PASSWORD) this.rejectedWrites++;
      else write(v & 0x00ff_ffff);
    });
    guarded(RSTC, (v) => { this.rstc = v; });
    guarded(RSTS, (v) => { this.rsts = v; });
    guarded(WDOG, (v) => {
      this.count = v & 0xf_ffff;
      this.partial = 0;
    });
    bus.onRead(base + RSTC, () => this.rstc);
    bus.onRead(base + RSTS, () => this.rsts);
    bus.onRead(base + WDOG, () => this.count);
  }

  /** The count in WDOG: ticks left. */
  get ticks(): number {
    return this.count;
  }

  /** Whether RSTC.WRCFG is full reset: the count running out resets the SoC. */
  get armed(): boolean {
    return ((this.rstc >>> 4) & 3) === 2;
  }

  /** Moves time `us` microseconds on. */
  advance(us: number): void {
    if (!Number.isSafeInteger(us) || us < 0 || !Number.isSafeInteger(us * TICKS_PER_SECOND)) {
      throw new RangeError(`${us} is not a whole number of microseconds`);
    }
    if (this.count === 0) return;
    const scaled = this.partial + us * TICKS_PER_SECOND;
    const elapsed = Math.floor(scaled / 1e6);
    this.partial = scaled - elapsed * 1e6;
    if (elapsed < this.count) {
      this.count -= elapsed;
      return;
    }
    this.count = 0;
    this.partial = 0;
    if (!this.armed) return;
    this.resets++;
    this.rstc = RSTC_RESET_VALUE;
    if (this.onReset) this.onReset();
  }
}
