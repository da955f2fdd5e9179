/**
 * hal.clock for the simulator's guest, after hal/native/clock.c: the board's counter read through
 * the machine's registers, the board's arm(), wall time from the documented 2000-01-01 epoch.
 */
import type { ClockSource, CpuTimerClockSource } from "hal";

/** 2000-01-01T00:00:00Z in ms, the epoch of a board without a real-time clock. */
export const DEFAULT_EPOCH_MS = 946_684_800_000;
const TWO_32 = 2 ** 32;

const isCpuTimer = (s: ClockSource | CpuTimerClockSource): s is CpuTimerClockSource => s.counter.kind === "cpu-timer";

export class SimClock {
  hz = 0;
  private source?: ClockSource | CpuTimerClockSource;
  /** The CPU's own timer (counter kind "cpu-timer"), read from the machine. */
  private cpuTimer = false;
  private low = 0;
  private high = 0;
  private origin = 0;
  private originWallUs = DEFAULT_EPOCH_MS * 1000;

  get attached(): boolean {
    return this.source !== undefined;
  }

  attach(src: ClockSource | CpuTimerClockSource): void {
    if (this.source) throw new TypeError("clock.attach: a clock is already attached");
    if (isCpuTimer(src)) {
      const hz = src.hz ?? (__host.cpuTimerHz() || src.fallbackHz);
      if (!__host.cpuTimerHz()) throw new TypeError("clock.attach: this CPU has no timer of its own (counter kind \"cpu-timer\")");
      if (!(hz !== undefined && hz >= 1000 && hz <= 4e9) || hz !== Math.floor(hz)) throw new RangeError("clock.attach: hz must be an integer from 1 kHz to 4 GHz");
      this.hz = hz;
      this.cpuTimer = true;
      this.source = src;
      this.origin = this.read();
      return;
    }
    if (!("arm" in src)) throw new TypeError("clock.attach: arm must be a function");
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

  /** Arms the board's deadline; the CPU's own timer needs nothing here (machine time jumps to it). */
  arm(deadline: number): void {
    if (this.source && "arm" in this.source) this.source.arm(deadline);
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
    if (this.cpuTimer) return Math.floor(__host.cpuTimerTicks());
    let hi = __host.read32(this.high);
    for (;;) {
      const lo = __host.read32(this.low);
      const hi2 = __host.read32(this.high);
      if (hi2 === hi) return hi * TWO_32 + lo;
      hi = hi2;
    }
  }
}
