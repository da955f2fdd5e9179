/**
 * BCM2835 power management (PM) watchdog, at peripheral base + 0x100000 (0x20100000 on BCM2835,
 * 0x3F100000 on BCM2836).
 *
 * BCM2835 ARM Peripherals does not document the PM block; this follows Linux
 * drivers/watchdog/bcm2835_wdt.c (and QEMU's hw/misc/bcm2835_powermgt.c, the elinux.org
 * "BCM2835 registers" PM page): RSTC 0x1C, RSTS 0x20, WDOG 0x24. A write is ignored unless bits
 * 31:24 hold the password 0x5A. WDOG bits 19:0 are the time left, counting down at 65,536 ticks
 * per second (Linux: SECS_TO_WDOG_TICKS(x) = x << 16; a tick is ~15.3 us); when it runs out with
 * RSTC.WRCFG (bits 5:4) = full reset, the SoC resets. RSTC = 0x102 (Linux PM_RSTC_RESET) stops
 * the reset being armed.
 *
 * Under QEMU (6.0 and later) any RSTC write with bit 5 set resets the machine at once: the timer
 * is not modelled there, so start() and reboot() both reset it immediately.
 */
import { defineRegisters, field, register, type RegisterBus } from "../../hal/register.ts";

export const PM_REGS = defineRegisters({
  RSTC: register(0x1c, { WRCFG: field(4, 2), PASSWD: field(24, 8) }),
  RSTS: register(0x20, { PASSWD: field(24, 8) }),
  WDOG: register(0x24, { TIME: field(0, 20), PASSWD: field(24, 8) }),
}, { name: "PM" });

export type Bcm2835WatchdogRegisters = ReturnType<typeof PM_REGS.at>;

/** Bits 31:24 of every write (Linux PM_PASSWORD). */
export const PM_PASSWORD = 0x5a00_0000;
/** WDOG.TIME's largest value (Linux PM_WDOG_TIME_SET). */
export const WDOG_MAX_TICKS = 0xf_ffff;
/** The watchdog counts 65,536 ticks per second (Linux SECS_TO_WDOG_TICKS). */
export const WDOG_TICKS_PER_SECOND = 65536;
/** The longest timeout start() takes: WDOG_MAX_TICKS ticks, 15,999.98 ms, rounded down. */
export const WDOG_MAX_MS = 15999;
const RSTC_WRCFG_MASK = 0x30;
const RSTC_WRCFG_FULL_RESET = 0x20;
/** Linux PM_RSTC_RESET: what bcm2835_wdt_stop writes. */
const RSTC_RESET = 0x102;
/** Linux __bcm2835_restart: "use a timeout of 10 ticks (~150us)". */
const REBOOT_TICKS = 10;

export interface Bcm2835WatchdogOptions {
  /** Physical address of the PM block: peripheral base + 0x100000. */
  readonly base: number;
  /** Defaults to the bus installed by hal/mmio-bus.ts. */
  readonly bus?: RegisterBus;
}

/**
 * Ticks for a timeout of `ms` milliseconds, rounded up so the watchdog never fires early.
 * RangeError unless 0 < ms <= WDOG_MAX_MS (fractions allowed).
 */
export function watchdogTicks(ms: number): number {
  if (!(ms > 0 && ms <= WDOG_MAX_MS)) throw new RangeError(`Bcm2835Watchdog: timeout ${ms} ms is not in (0, ${WDOG_MAX_MS}] ms`);
  // ceil(ms * 65.536) without Math. ms * 65536 is exact (a power of two); for a whole ms the
  // quotient is exact when it is an integer and at least 1/1000 away from one otherwise.
  const t = (ms * WDOG_TICKS_PER_SECOND) / 1000;
  const whole = t >>> 0;
  return whole < t ? whole + 1 : whole;
}

export class Bcm2835Watchdog {
  readonly base: number;
  private readonly bus?: RegisterBus;
  private regs?: Bcm2835WatchdogRegisters;
  /** The running timeout's WDOG value (password included); 0 while stopped. */
  private reload = 0;

  constructor(options: Bcm2835WatchdogOptions) {
    this.base = options.base;
    this.bus = options.bus;
  }

  /** The register block (after the first call), for what this driver does not wrap. */
  get registers(): Bcm2835WatchdogRegisters | undefined {
    return this.regs;
  }

  /** Whether start() armed the watchdog and stop() has not disarmed it since. */
  get running(): boolean {
    return this.reload !== 0;
  }

  /**
   * Arms the watchdog: the SoC resets unless feed() comes within `ms` milliseconds (at most
   * WDOG_MAX_MS; rounded up to whole ticks). Linux bcm2835_wdt_start.
   */
  start(ms: number): void {
    const ticks = watchdogTicks(ms);
    const r = this.registers_();
    this.reload = (PM_PASSWORD | ticks) >>> 0;
    r.WDOG.write(this.reload);
    this.setFullReset(r);
  }

  /** Reloads the timeout start() set. One register write. */
  feed(): void {
    if (this.reload === 0) throw new Error("Bcm2835Watchdog: feed() while stopped; start() it first");
    (this.regs as Bcm2835WatchdogRegisters).WDOG.write(this.reload);
  }

  /** Disarms the watchdog (Linux bcm2835_wdt_stop: RSTC = password | 0x102). */
  stop(): void {
    this.registers_().RSTC.write((PM_PASSWORD | RSTC_RESET) >>> 0);
    this.reload = 0;
  }

  /**
   * Resets the SoC about 150 us from now: a 10-tick timeout with full reset (Linux
   * __bcm2835_restart). It returns; code after it runs until the reset, so follow it with a wait.
   */
  reboot(): void {
    const r = this.registers_();
    r.WDOG.write((PM_PASSWORD | REBOOT_TICKS) >>> 0);
    this.setFullReset(r);
  }

  /** Time left before the reset, in whole milliseconds (rounded down), from WDOG. */
  get remainingMs(): number {
    const ticks = this.registers_().WDOG.read() & WDOG_MAX_TICKS;
    // ticks * 1000 < 2^30: the shift is an exact floor division by 65536.
    return (ticks * 1000) >>> 16;
  }

  /** RSTC.WRCFG = full reset, keeping RSTC's other bits (Linux: cur & PM_RSTC_WRCFG_CLR). */
  private setFullReset(r: Bcm2835WatchdogRegisters): void {
    const cur = r.RSTC.read();
    // Bits 31:24 read back as anything but the password: replace them rather than OR into them.
    r.RSTC.write((PM_PASSWORD | (cur & 0x00ff_ffff & ~RSTC_WRCFG_MASK) | RSTC_WRCFG_FULL_RESET) >>> 0);
  }

  private registers_(): Bcm2835WatchdogRegisters {
    if (this.regs !== undefined) return this.regs;
    if (!this.base) throw new Error("Bcm2835Watchdog: invalid base address");
    return (this.regs = PM_REGS.at(this.base, this.bus));
  }
}
