/**
 * BCM2835 System Timer, after BCM2835 ARM Peripherals chapter 12 (registers at 0x7E003000 on the
 * VideoCore bus, 0x20003000 for the ARM).
 *
 * A free-running 64-bit counter at 1 MHz (CHI:CLO) and four 32-bit compare registers C0..C3. When
 * the low 32 bits of the counter equal Cn, CS.Mn is set and GPU IRQ n is raised until software
 * writes 1 to CS.Mn. Channels 0 and 2 belong to the VideoCore GPU firmware on real hardware, so
 * this driver refuses them; channels 1 and 3 are the ARM's.
 */
import type { ClockSource } from "hal";
import { defineRegisters, field, register, type RegisterBus } from "../../hal/register.ts";

/** Registers, chapter 12.1. CS bits are write-1-to-clear: never read-modify-write CS. */
export const SYSTIMER_REGS = defineRegisters({
  CS: register(0x00, { M0: field(0), M1: field(1), M2: field(2), M3: field(3) }),
  CLO: register(0x04),
  CHI: register(0x08),
  C0: register(0x0c),
  C1: register(0x10),
  C2: register(0x14),
  C3: register(0x18),
}, { name: "SYSTIMER" });

export type Bcm2835SysTimerRegisters = ReturnType<typeof SYSTIMER_REGS.at>;
type Reg = Bcm2835SysTimerRegisters["CLO"];

/** The counter's rate (chapter 12: a 1 MHz free-running counter). */
export const SYSTIMER_HZ = 1_000_000;

/** The channels the ARM may use. */
export type SysTimerChannel = 1 | 3;

/** How far ahead a compare may be armed: half the 32-bit comparator's range, so it never fires late. */
const MAX_AHEAD = 0x8000_0000;
const TWO_32 = 0x1_0000_0000;
const TWO_53 = 2 ** 53;

export interface Bcm2835SysTimerOptions {
  /** Physical base address of the timer (0x20003000 on BCM2835). */
  readonly base: number;
  /** Defaults to the bus installed by hal/mmio-bus.ts. */
  readonly bus?: RegisterBus;
}

export class Bcm2835SysTimer {
  readonly base: number;
  private readonly bus?: RegisterBus;
  // Set by init(); now() runs on every event loop turn, so these stay in properties.
  private regs!: Bcm2835SysTimerRegisters;
  private cs!: Bcm2835SysTimerRegisters["CS"];
  private clo!: Reg;
  private chi!: Reg;
  private c1?: Reg;
  private c3?: Reg;

  constructor(options: Bcm2835SysTimerOptions) {
    this.base = options.base;
    this.bus = options.bus;
  }

  /** The register block (after init()), for what this driver does not wrap. */
  get registers(): Bcm2835SysTimerRegisters {
    return this.regs;
  }

  /** Clears pending matches on the ARM's channels; the GPU's (0 and 2) are left alone. */
  init(): void {
    if (!this.base) throw new Error("Bcm2835SysTimer: invalid base address");
    const r = (this.regs = SYSTIMER_REGS.at(this.base, this.bus));
    this.clo = r.CLO;
    this.chi = r.CHI;
    (this.cs = r.CS).write((1 << 1) | (1 << 3));
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
    this.cs.write(1 << channel);
  }

  /** Whether CS.Mn is set: the counter has matched Cn since the last ack. */
  matched(channel: SysTimerChannel): boolean {
    checkChannel(channel);
    return ((this.cs.read() >>> channel) & 1) !== 0;
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
    this.cs.write(1 << channel);
    const latest = this.now() + MAX_AHEAD;
    // ToUint32 is exact modulo 2^32 for integers up to 2^53 (a fraction rounds towards zero).
    c.write((deadline < latest ? deadline : latest) >>> 0);
  }

  /** The event loop's clock on `channel` (hal `clock.attach()`); call init() first. */
  clockSource(channel: SysTimerChannel): ClockSource {
    checkChannel(channel);
    if (!this.base) throw new Error("Bcm2835SysTimer: invalid base address");
    return {
      hz: SYSTIMER_HZ,
      counter: { kind: "mmio32x2", low: this.base + 0x04, high: this.base + 0x08 },
      arm: (deadline: number) => this.armDeadline(channel, deadline),
    };
  }

  private compare(channel: SysTimerChannel): Reg {
    checkChannel(channel);
    return channel === 1 ? (this.c1 ??= this.regs.C1) : (this.c3 ??= this.regs.C3);
  }
}

function checkChannel(channel: number): void {
  if (channel === 1 || channel === 3) return;
  const why = channel === 0 || channel === 2 ? "is used by the VideoCore GPU firmware" : "does not exist (0..3)";
  throw new RangeError(`Bcm2835SysTimer: channel ${channel} ${why}; use 1 or 3`);
}
