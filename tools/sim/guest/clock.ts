/**
 * hal.clock for the simulator's guest, after hal/native/clock.c: the board's counter read through
 * the machine's registers, the board's arm(), wall time from the documented 2000-01-01 epoch.
 */
import type { ClockSource } from "hal";

/** 2000-01-01T00:00:00Z in ms, the epoch of a board without a real-time clock. */
export const DEFAULT_EPOCH_MS = 946_684_800_000;
const TWO_32 = 2 ** 32;

export class SimClock {
  hz = 0;
  private source?: ClockSource;
  private low = 0;
  private high = 0;
  private origin = 0;
  private originWallUs = DEFAULT_EPOCH_MS * 1000;

  get attached(): boolean {
    return this.source !== undefined;
  }

  attach(src: ClockSource): void {
    if (this.source) throw new TypeError("clock.attach: a clock is already attached");
    const hz = Number(src.hz);
    if (!(hz >= 1000 && hz <= 4e9) || hz !== Math.floor(hz)) throw new RangeError("clock.attach: hz must be an integer from 1 kHz to 4 GHz");
    const c = src.counter;
    if (c.kind === "mmio32x2") {
      this.low = c.low;
      this.high = c.high;
    } else if (c.kind === "mmio64") {
      if (c.address % 8) throw new RangeError("clock.attach: counter.address must be a 8-byte aligned address");
      this.low = c.address;
      this.high = c.address + 4;
    } else {
      throw new TypeError('clock.attach: unknown counter kind (expected "mmio32x2" or "mmio64")');
    }
    if (typeof src.arm !== "function") throw new TypeError("clock.attach: arm must be a function");
    this.hz = hz;
    this.source = src;
    this.origin = this.read();
  }

  now(): number {
    return this.source ? this.read() : 0;
  }

  arm(deadline: number): void {
    this.source?.arm(deadline);
  }

  ticksFromMs(ms: number): number {
    return Math.ceil((ms * this.hz) / 1000);
  }

  /** Ticks → microseconds of machine time, rounded up (a deadline is reached, never missed). */
  microsFromTicks(ticks: number): number {
    return Math.ceil((ticks * 1e6) / this.hz);
  }

  elapsedMs(): number {
    return this.source ? ((this.read() - this.origin) * 1000) / this.hz : 0;
  }

  originWallMs(): number {
    return this.originWallUs / 1000;
  }

  wallMs(): number {
    return Math.floor((this.originWallUs + this.elapsedUs()) / 1000);
  }

  setTime(ms: number): void {
    if (!this.source) throw new TypeError("clock.setTime: no clock attached (the board calls hal.clock.attach)");
    ms = Number(ms);
    if (!(ms >= -8.64e15 && ms <= 8.64e15)) throw new RangeError(`clock.setTime: ${ms} is not a valid time value`);
    this.originWallUs = Math.trunc(ms * 1000) - this.elapsedUs();
  }

  private elapsedUs(): number {
    if (!this.source) return 0;
    const t = this.read() - this.origin;
    return Math.floor((t * 1e6) / this.hz);
  }

  private read(): number {
    let hi = __host.read32(this.high);
    for (;;) {
      const lo = __host.read32(this.low);
      const hi2 = __host.read32(this.high);
      if (hi2 === hi) return hi * TWO_32 + lo;
      hi = hi2;
    }
  }
}
