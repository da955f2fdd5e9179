/**
 * Register-level model of the SiFive CLINT, after the FU540-C000 Manual v1p0 chapter 9: per hart a
 * software interrupt bit (msip) and a 64-bit compare (mtimecmp), and the shared 64-bit counter
 * mtime. A hart's machine timer interrupt (MTIP) is pending while mtime >= mtimecmp,
 * comparing all 64 bits; writing mtimecmp ahead of mtime clears it.
 *
 * Time: the model has no clock; `advance(ticks)` moves mtime. mtime is kept as a number (exact
 * below 2^53), mtimecmp as two 32-bit halves so that 2^64 - 1 ("never") is representable. The
 * manual does not reset mtimecmp; the model starts it at 2^64 - 1 so nothing fires until armed.
 * Offsets and bits are written out from the manual, not imported from the driver.
 */
import type { MemoryBus } from "../memory-bus.ts";

// Memory map, chapter 9: msip at 4 * hart, mtimecmp at 0x4000 + 8 * hart, mtime.
const MSIP = 0x0000, MTIMECMP = 0x4000, MTIME = 0xbff8;
const TWO_32 = 0x1_0000_0000;

export interface ClintModelOptions {
  /** Harts with registers (default 5: the FU540's E51 and four U54s). */
  readonly harts?: number;
  /** mtime at the start (default 0). */
  readonly start?: number;
  /** Called when a hart's MTIP changes level. */
  readonly onTimer?: (hart: number, level: boolean) => void;
}

export class ClintModel {
  /** MTIP edges seen, "<hart>+" / "<hart>-", in order (for checking write sequences for glitches). */
  readonly timerEdges: string[] = [];
  private time: number;
  private readonly cmpLo: number[];
  private readonly cmpHi: number[];
  private readonly msip: number[];
  private readonly mtip: boolean[];
  private readonly onTimer?: (hart: number, level: boolean) => void;

  constructor(bus: MemoryBus, base: number, options: ClintModelOptions = {}) {
    const harts = options.harts ?? 5;
    this.time = checkTicks(options.start ?? 0);
    this.onTimer = options.onTimer;
    this.cmpLo = new Array<number>(harts).fill(0xffff_ffff);
    this.cmpHi = new Array<number>(harts).fill(0xffff_ffff);
    this.msip = new Array<number>(harts).fill(0);
    this.mtip = new Array<boolean>(harts).fill(false);
    for (let h = 0; h < harts; h++) {
      // Only bit 0 of msip exists (chapter 9, msip); the others are hardwired to zero.
      bus.onRead(base + MSIP + 4 * h, () => this.msip[h]);
      bus.onWrite(base + MSIP + 4 * h, (v) => { this.msip[h] = v & 1; });
      bus.onRead(base + MTIMECMP + 8 * h, () => this.cmpLo[h]);
      bus.onWrite(base + MTIMECMP + 8 * h, (v) => { this.cmpLo[h] = v; this.sync(); });
      bus.onRead(base + MTIMECMP + 8 * h + 4, () => this.cmpHi[h]);
      bus.onWrite(base + MTIMECMP + 8 * h + 4, (v) => { this.cmpHi[h] = v; this.sync(); });
    }
    // mtime is read-write (privileged spec, "Machine Timer Registers"); a half written keeps the other.
    bus.onRead(base + MTIME, () => this.time % TWO_32);
    bus.onRead(base + MTIME + 4, () => Math.floor(this.time / TWO_32));
    bus.onWrite(base + MTIME, (v) => { this.mtime = this.time - (this.time % TWO_32) + v; });
    bus.onWrite(base + MTIME + 4, (v) => { this.mtime = v * TWO_32 + (this.time % TWO_32); });
  }

  get mtime(): number {
    return this.time;
  }

  set mtime(value: number) {
    this.time = checkTicks(value);
    this.sync();
  }

  /** Moves mtime `ticks` forward. */
  advance(ticks: number): void {
    checkTicks(ticks);
    this.mtime = this.time + ticks;
  }

  /** `hart`'s mtimecmp, all 64 bits. */
  mtimecmp(hart: number): bigint {
    this.checkHart(hart);
    return (BigInt(this.cmpHi[hart]) << 32n) | BigInt(this.cmpLo[hart]);
  }

  /** MTIP of `hart`: mtime >= mtimecmp, unsigned 64-bit. */
  timerPending(hart: number): boolean {
    this.checkHart(hart);
    const hi = Math.floor(this.time / TWO_32), lo = this.time % TWO_32;
    return hi > this.cmpHi[hart] || (hi === this.cmpHi[hart] && lo >= this.cmpLo[hart]);
  }

  /** MSIP of `hart` (msip bit 0). */
  softwarePending(hart: number): boolean {
    this.checkHart(hart);
    return this.msip[hart] === 1;
  }

  private sync(): void {
    for (let h = 0; h < this.mtip.length; h++) {
      const level = this.timerPending(h);
      if (level === this.mtip[h]) continue;
      this.mtip[h] = level;
      this.timerEdges.push(`${h}${level ? "+" : "-"}`);
      if (this.onTimer) this.onTimer(h, level);
    }
  }

  private checkHart(hart: number): void {
    if (!(Number.isInteger(hart) && hart >= 0 && hart < this.msip.length)) throw new RangeError(`hart ${hart} is not 0..${this.msip.length - 1}`);
  }
}

function checkTicks(ticks: number): number {
  if (!Number.isSafeInteger(ticks) || ticks < 0) throw new RangeError(`${ticks} is not a tick count (a non-negative integer below 2^53)`);
  return ticks;
}
