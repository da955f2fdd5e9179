/**
 * Register-level model of the i.MX watchdog (i.MX6UL RM, chapter "Watchdog Timer (WDOG)"), 16-bit
 * registers: WCR 0x00 (WT 15:8: timeout (WT + 1) * 0.5 s; WDA 5 and SRS 4 active low; WDE 2, once
 * set stays set), WSR 0x02 (0x5555 then 0xAAAA reloads the count), WRSR 0x04 (reset status, POR
 * bit 4 after power-on), WICR 0x06, WMCR 0x08 (PDE bit 0, set at reset: the power-down counter
 * resets the SoC 16 s after power-on unless software clears it; it cannot be set again).
 *
 * A reset (`onReset`) comes from writing WCR with SRS clear (the software reset), from the count
 * running out while WDE is set, or from the power-down counter. `advance(us)` moves time on.
 * Offsets and bits are written out here from the manual, not imported from the driver.
 */
import type { MemoryBus } from "../memory-bus.ts";

const WCR = 0x00, WSR = 0x02, WRSR = 0x04, WICR = 0x06, WMCR = 0x08;
const WDE = 1 << 2, SRS = 1 << 4, WDA = 1 << 5;
const POR = 1 << 4, PDE = 1;
const POWER_DOWN_US = 16e6;

export interface ImxWdogModelOptions {
  readonly onReset?: () => void;
}

export class ImxWdogModel {
  resets = 0;
  private wcr = SRS | WDA | 0x30 << 8;
  private wicr = 0x4;
  private wmcr = PDE;
  private serviceArmed = false;
  /** Microseconds left on the count while WDE is set, and on the power-down counter while PDE is. */
  private leftUs = 0;
  private powerDownUs = POWER_DOWN_US;

  constructor(bus: MemoryBus, base: number, private readonly options: ImxWdogModelOptions = {}) {
    const reg = (off: number, get: () => number, set: (v: number) => void) => {
      bus.onRead(base + off, () => get() & 0xffff);
      bus.onWrite(base + off, (v) => set(v & 0xffff));
    };
    reg(WCR, () => this.wcr, (v) => {
      // WDE is write-once: software cannot clear it.
      const enabling = v & WDE && !(this.wcr & WDE);
      this.wcr = v | (this.wcr & WDE);
      if (enabling) this.reload();
      if (!(v & SRS)) this.reset();
    });
    reg(WSR, () => 0, (v) => {
      if (v === 0x5555) this.serviceArmed = true;
      else if (v === 0xaaaa && this.serviceArmed) {
        this.serviceArmed = false;
        this.reload();
      } else this.serviceArmed = false;
    });
    reg(WRSR, () => POR, () => {});
    reg(WICR, () => this.wicr, (v) => { this.wicr = v; });
    reg(WMCR, () => this.wmcr, (v) => { this.wmcr &= v & PDE; });
  }

  advance(us: number): void {
    if (this.wmcr & PDE && (this.powerDownUs -= us) <= 0) this.reset();
    if (this.wcr & WDE && (this.leftUs -= us) <= 0) this.reset();
  }

  /** Microseconds until this watchdog resets the SoC, or undefined if nothing counts. */
  nextEventIn(): number | undefined {
    const counts = [this.wmcr & PDE ? this.powerDownUs : Infinity, this.wcr & WDE ? this.leftUs : Infinity];
    const next = Math.min(...counts);
    return next === Infinity ? undefined : Math.max(1, Math.ceil(next));
  }

  private reload(): void {
    this.leftUs = (((this.wcr >>> 8) & 0xff) + 1) * 500_000;
  }

  private reset(): void {
    this.resets++;
    this.wcr = SRS | WDA | 0x30 << 8;
    this.wmcr = 0;
    this.options.onReset?.();
  }
}
