/**
 * i.MX Watchdog Timer (WDOG) (i.MX6UL Reference Manual IMX6ULRM Rev. 1, chapter "Watchdog Timer
 * (WDOG)"); 16-bit registers: WCR 0x00 (WT 15:8 timeout in 0.5 s steps minus one, WDA 5 and SRS 4
 * active low: software WDOG_B / software reset, WDT 3, WDE 2 enable, write-once), WSR 0x02
 * (service: 0x5555 then 0xAAAA reloads the counter), WRSR 0x04 (reset reason), WICR 0x06, WMCR
 * 0x08 (PDE: the power-down counter, which resets the SoC 16 s after reset unless cleared). Once
 * enabled the watchdog cannot be stopped (WDE is write-once until the next reset).
 */
import { defineRegisters, fieldBits, ro, rw, type DeviceOptions } from "../../hal/register.ts";
import type { Watchdog } from "../interfaces/watchdog.ts";

/** WDOGx_WCR, control. SRS and WDA are active low: 0 asserts the software reset and WDOG_B. */
export enum WCR { WDZST = 1 << 0, WDBG = 1 << 1, WDE = 1 << 2, WDT = 1 << 3, SRS = 1 << 4, WDA = 1 << 5, WT = 0xff << 8 }
/** WDOGx_WSR, service: the two values written in turn reload the counter. */
export enum WSR_SERVICE { FIRST = 0x5555, SECOND = 0xaaaa }
/** WDOGx_WRSR, reset status. */
export enum WRSR { SFTW = 1 << 0, TOUT = 1 << 1, POR = 1 << 4 }
/** WDOGx_WMCR, miscellaneous control: PDE enables the power-down counter. */
export enum WMCR { PDE = 1 << 0 }

export const WDOG_REGS = defineRegisters({
  WCR: rw<WCR>(0x00, 16),
  WSR: rw(0x02, 16),
  WRSR: ro<WRSR>(0x04, 16),
  WICR: rw(0x06, 16),
  WMCR: rw<WMCR>(0x08, 16),
}, { name: "WDOG" });

export type ImxWdogRegisters = ReturnType<typeof WDOG_REGS.at>;

/** WT is 8 bits of 0.5 s: 0.5 s to 128 s. */
export const WDOG_MAX_MS = 128_000;

export type ImxWdogOptions = DeviceOptions;

export class ImxWdog implements Watchdog {
  readonly base: number;
  private readonly regs: ImxWdogRegisters;

  constructor(options: ImxWdogOptions) {
    this.base = options.base;
    this.regs = WDOG_REGS.at(options.base, options.bus);
  }

  /** Clears WMCR.PDE, which would otherwise reset the SoC 16 s after power-on (RM: "Power-down counter"). */
  disablePowerDownCounter(): void {
    this.r().WMCR.write(0);
  }

  /** Enables the watchdog with a timeout of `ms`, rounded up to 0.5 s steps (0.5 s to 128 s). */
  start(ms: number): void {
    if (!(ms > 0 && ms <= WDOG_MAX_MS)) throw new RangeError(`ImxWdog: timeout ${ms} ms is not in (0, ${WDOG_MAX_MS}] ms`);
    const wt = Math.ceil(ms / 500) - 1;
    this.r().WCR.write(fieldBits(WCR.WT, wt) | WCR.WDA | WCR.SRS | WCR.WDE);
    this.feed();
  }

  feed(): void {
    const r = this.r();
    r.WSR.write(WSR_SERVICE.FIRST);
    r.WSR.write(WSR_SERVICE.SECOND);
  }

  stop(): void {
    throw new Error("ImxWdog: the i.MX watchdog cannot be stopped once started (WCR.WDE is write-once until reset)");
  }

  /** Asserts the software reset (WCR.SRS) and WDOG_B (WCR.WDA), written twice as Linux's imx2_wdt does. */
  reboot(): void {
    const r = this.r();
    r.WCR.write(WCR.WDE);
    r.WCR.write(WCR.WDE);
  }

  /** Why the last reset happened (WRSR): "software", "timeout" or "power-on". */
  resetReason(): "software" | "timeout" | "power-on" | "unknown" {
    const v = this.r().WRSR.read();
    return v & WRSR.SFTW ? "software" : v & WRSR.TOUT ? "timeout" : v & WRSR.POR ? "power-on" : "unknown";
  }

  private r(): ImxWdogRegisters {
    if (!this.base) throw new Error("ImxWdog: invalid base address");
    return this.regs;
  }
}
