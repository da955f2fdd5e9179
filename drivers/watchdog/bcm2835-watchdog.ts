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
import { defineRegisters, rw, type DeviceOptions } from "../../hal/register.ts";

/** PM_RSTC: WRCFG selects what the watchdog does when it runs out (Linux PM_RSTC_WRCFG_*). */
export enum RSTC { WRCFG = 3 << 4, PASSWD = 0xff << 24 }
/** RSTC.WRCFG values (Linux PM_RSTC_WRCFG_CLR, _SET, _FULL_RESET). */
export enum RSTC_WRCFG { CLEAR = 0 << 4, SET = 1 << 4, FULL_RESET = 2 << 4 }
/** PM_RSTS. */
export enum RSTS { PASSWD = 0xff << 24 }
/** PM_WDOG: TIME is the time left in ticks (Linux PM_WDOG_TIME_SET is TIME's mask). */
export enum WDOG { TIME = 0xf_ffff, PASSWD = 0xff << 24 }
/** The PASSWD field's one value: bits 31:24 of every write (Linux PM_PASSWORD). */
export enum PASSWD { PASSWORD = 0x5a << 24 }

export const PM_REGS = defineRegisters({
  RSTC: rw<RSTC>(0x1c),
  RSTS: rw<RSTS>(0x20),
  WDOG: rw<WDOG>(0x24),
}, { name: "PM" });

export type Bcm2835WatchdogRegisters = ReturnType<typeof PM_REGS.at>;

/** Bits 31:24 of every write (Linux PM_PASSWORD), unsigned. */
export const PM_PASSWORD = PASSWD.PASSWORD >>> 0;
/** WDOG.TIME's largest value (Linux PM_WDOG_TIME_SET). */
export const WDOG_MAX_TICKS = WDOG.TIME;
/** The watchdog counts 65,536 ticks per second (Linux SECS_TO_WDOG_TICKS). */
export const WDOG_TICKS_PER_SECOND = 65536;
/** The longest timeout start() takes: WDOG_MAX_TICKS ticks, 15,999.98 ms, rounded down. */
export const WDOG_MAX_MS = 15999;
/** Linux PM_RSTC_RESET: what bcm2835_wdt_stop writes (bits Linux does not name). */
const RSTC_RESET = 0x102;
/** Linux __bcm2835_restart: "use a timeout of 10 ticks (~150us)". */
const REBOOT_TICKS = 10;

/** `base`: physical address of the PM block: peripheral base + 0x100000. */
export type Bcm2835WatchdogOptions = DeviceOptions;

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
  private readonly regs: Bcm2835WatchdogRegisters;
  /** The running timeout's WDOG value (password included); 0 while stopped. */
  private reload = 0;

  constructor(options: Bcm2835WatchdogOptions) {
    this.base = options.base;
    this.regs = PM_REGS.at(options.base, options.bus);
  }

  /** The register block, for what this driver does not wrap. */
  get registers(): Bcm2835WatchdogRegisters {
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
    const r = this.checked();
    this.reload = (PASSWD.PASSWORD | ticks) >>> 0;
    r.WDOG.write(this.reload);
    this.setFullReset(r);
  }

  /** Reloads the timeout start() set. One register write. */
  feed(): void {
    if (this.reload === 0) throw new Error("Bcm2835Watchdog: feed() while stopped; start() it first");
    this.regs.WDOG.write(this.reload);
  }

  /** Disarms the watchdog (Linux bcm2835_wdt_stop: RSTC = password | 0x102). */
  stop(): void {
    this.checked().RSTC.write(PASSWD.PASSWORD | RSTC_RESET);
    this.reload = 0;
  }

  /**
   * Resets the SoC about 150 us from now: a 10-tick timeout with full reset (Linux
   * __bcm2835_restart). It returns; code after it runs until the reset, so follow it with a wait.
   */
  reboot(): void {
    const r = this.checked();
    r.WDOG.write(PASSWD.PASSWORD | REBOOT_TICKS);
    this.setFullReset(r);
  }

  /** Time left before the reset, in whole milliseconds (rounded down), from WDOG. */
  get remainingMs(): number {
    const ticks = this.checked().WDOG.get(WDOG.TIME);
    // ticks * 1000 < 2^30: the shift is an exact floor division by 65536.
    return (ticks * 1000) >>> 16;
  }

  /** RSTC.WRCFG = full reset, keeping RSTC's other bits (Linux: cur & PM_RSTC_WRCFG_CLR). */
  private setFullReset(r: Bcm2835WatchdogRegisters): void {
    const cur = r.RSTC.read();
    // Bits 31:24 read back as anything but the password: replace them rather than OR into them.
    r.RSTC.write(PASSWD.PASSWORD | (cur & ~RSTC.PASSWD & ~RSTC.WRCFG) | RSTC_WRCFG.FULL_RESET);
  }

  private checked(): Bcm2835WatchdogRegisters {
    if (!this.base) throw new Error("Bcm2835Watchdog: invalid base address");
    return this.regs;
  }
}
