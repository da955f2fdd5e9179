/**
 * BCM2835 System Timer, after BCM2835 ARM Peripherals (Broadcom, 2012-02-06) chapter 12 (registers
 * at 0x7E003000 on the VideoCore bus, 0x20003000 for the ARM).
 *
 * A free-running 64-bit counter at 1 MHz (CHI:CLO) and four 32-bit compare registers C0..C3. When
 * the low 32 bits of the counter equal Cn, CS.Mn is set and GPU IRQ n is raised until software
 * writes 1 to CS.Mn. Channels 0 and 2 belong to the VideoCore GPU firmware on real hardware, so
 * this driver refuses them; channels 1 and 3 are the ARM's.
 */
import type { ClockSource } from "hal";
import { defineRegisters, array, ro, rw, w1c, type Register, type DeviceOptions } from "../../hal/register.ts";

/** CS, control/status (12.2): Mn is set when channel n matched; write 1 to clear. */
export enum CS { M0 = 1 << 0, M1 = 1 << 1, M2 = 1 << 2, M3 = 1 << 3 }

/** Registers, chapter 12.1. */
export const SYSTIMER_REGS = defineRegisters({
  CS: w1c<CS>(0x00),
  CLO: ro(0x04),
  CHI: ro(0x08),
  /** The compare registers C0..C3. */
  C: array(rw(0x0c), 4),
}, { name: "SYSTIMER" });

export type Bcm2835SysTimerRegisters = ReturnType<typeof SYSTIMER_REGS.at>;

/** The counter's rate (chapter 12: a 1 MHz free-running counter). */
export const SYSTIMER_HZ = 1_000_000;

/** The channels the ARM may use. */
export type SysTimerChannel = 1 | 3;

/** How far ahead a compare may be armed: half the 32-bit comparator's range, so it never fires late. */
const MAX_AHEAD = 0x8000_0000;
const TWO_32 = 0x1_0000_0000;
const TWO_53 = 2 ** 53;

/** `base`: physical base address of the timer (0x20003000 on BCM2835). */
export type Bcm2835SysTimerOptions = DeviceOptions;

export class Bcm2835SysTimer {
  readonly base: number;
  /** The register block, for what this driver does not wrap. */
  readonly registers: Bcm2835SysTimerRegisters;
  // now() runs on every event loop turn, so these stay in properties.
  private readonly cs: Register<CS, "w1c">;
  private readonly clo: Register<never, "ro">;
  private readonly chi: Register<never, "ro">;
  private c1?: Register<never, "rw">;
  private c3?: Register<never, "rw">;

  constructor(options: Bcm2835SysTimerOptions) {
    this.base = options.base;
    const r = (this.registers = SYSTIMER_REGS.at(options.base, options.bus));
    this.cs = r.CS;
    this.clo = r.CLO;
    this.chi = r.CHI;
  }

  /** Clears pending matches on the ARM's channels; the GPU's (0 and 2) are left alone. */
  init(): void {
    if (!this.base) throw new Error("Bcm2835SysTimer: invalid base address");
    this.cs.write(CS.M1 | CS.M3);
  }

  /** The 64-bit counter, in microseconds since the SoC was reset (exact below 2^53). */
  now(): number {
    // CHI, CLO, CHI: if CLO wrapped between the reads, CHI changed and the first CLO is stale.
    const hi = this.chi.read();
    let lo = this.clo.read();
    const hi2 = this.chi.read();
    if (hi2 !== hi) lo = this.clo.read();
    return hi2 * TWO_32 + lo;
  }

  /** Sets Cn: CS.Mn is set when the low 32 bits of the counter next become `value`. */
  setCompare(channel: SysTimerChannel, value: number): void {
    const c = this.compare(channel);
    if (value >>> 0 !== value) throw new RangeError(`Bcm2835SysTimer: compare value ${value} is not a 32-bit unsigned integer`);
    c.write(value);
  }

  /** Clears CS.Mn, which lowers GPU IRQ n. Writes only that bit: CS is write-1-to-clear. */
  ack(channel: SysTimerChannel): void {
    checkChannel(channel);
    this.cs.write(CS.M0 << channel);
  }

  /** Whether CS.Mn is set: the counter has matched Cn since the last ack. */
  matched(channel: SysTimerChannel): boolean {
    checkChannel(channel);
    return (this.cs.read() & (CS.M0 << channel)) !== 0;
  }

  /**
   * Arms `channel` to match at counter value `deadline` (an integer below 2^53). A deadline more
   * than 2^31 ticks (about 36 minutes) away is brought in to now + 2^31, so the match comes early
   * and the caller re-arms; it never comes late. A deadline already passed matches only after the
   * 32-bit wrap: the caller reads the clock again after arming.
   */
  armDeadline(channel: SysTimerChannel, deadline: number): void {
    const c = this.compare(channel);
    if (!(deadline >= 0 && deadline < TWO_53)) throw new RangeError(`Bcm2835SysTimer: deadline ${deadline} is not a counter value`);
    this.cs.write(CS.M0 << channel);
    const latest = this.now() + MAX_AHEAD;
    // ToUint32 is exact modulo 2^32 for integers up to 2^53 (a fraction rounds towards zero).
    c.write((deadline < latest ? deadline : latest) >>> 0);
  }

  /** The event loop's clock on `channel` (hal `clock.attach()`); call init() first. */
  clockSource(channel: SysTimerChannel): ClockSource {
    if (!this.base) throw new Error("Bcm2835SysTimer: invalid base address");
    // The compare register is made now, not by the first arm(), which the loop's idle path runs.
    this.compare(channel);
    return {
      hz: SYSTIMER_HZ,
      counter: { kind: "mmio32x2", low: this.clo.addr, high: this.chi.addr },
      arm: (deadline: number) => this.armDeadline(channel, deadline),
    };
  }

  private compare(channel: SysTimerChannel): Register<never, "rw"> {
    checkChannel(channel);
    return channel === 1 ? (this.c1 ??= this.registers.C.at(1)) : (this.c3 ??= this.registers.C.at(3));
  }
}

function checkChannel(channel: number): void {
  if (channel === 1 || channel === 3) return;
  const why = channel === 0 || channel === 2 ? "is used by the VideoCore GPU firmware" : "does not exist (0..3)";
  throw new RangeError(`Bcm2835SysTimer: channel ${channel} ${why}; use 1 or 3`);
}
