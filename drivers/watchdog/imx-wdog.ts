/**
 * i.MX Watchdog Timer (WDOG) (i.MX6UL RM, chapter "Watchdog Timer (WDOG)"); 16-bit registers:
 * WCR 0x00 (WT 15:8 timeout in 0.5 s steps minus one, WDA 5 and SRS 4 active low: software
 * WDOG_B / software reset, WDT 3, WDE 2 enable, write-once), WSR 0x02 (service: 0x5555 then
 * 0xAAAA reloads the counter), WRSR 0x04 (reset reason), WICR 0x06, WMCR 0x08 (PDE: the
 * power-down counter, which resets the SoC 16 s after reset unless cleared).
 * Once enabled the watchdog cannot be stopped (WDE is write-once until the next reset).
 */
import { defineRegisters, field, register, type RegisterBus } from "../../hal/register.ts";
import type { Watchdog } from "../../hal/board-services.ts";

export const WDOG_REGS = defineRegisters({
  WCR: register(0x00, { WDZST: field(0), WDBG: field(1), WDE: field(2), WDT: field(3), SRS: field(4), WDA: field(5), WT: field(8, 8) }, { width: 16 }),
  WSR: register(0x02, {}, { width: 16 }),
  WRSR: register(0x04, { SFTW: field(0), TOUT: field(1), POR: field(4) }, { width: 16 }),
  WICR: register(0x06, {}, { width: 16 }),
  WMCR: register(0x08, { PDE: field(0) }, { width: 16 }),
}, { name: "WDOG" });

const WCR_WDE = 1 << 2, WCR_SRS = 1 << 4, WCR_WDA = 1 << 5;
const SERVICE_1 = 0x5555, SERVICE_2 = 0xaaaa;
/** WT is 8 bits of 0.5 s: 0.5 s to 128 s. */
export const WDOG_MAX_MS = 128_000;

export interface ImxWdogOptions {
  readonly base: number;
  readonly bus?: RegisterBus;
}

export class ImxWdog implements Watchdog {
  readonly base: number;
  private readonly bus?: RegisterBus;
  private regs?: ReturnType<typeof WDOG_REGS.at>;

  constructor(options: ImxWdogOptions) {
    this.base = options.base;
    this.bus = options.bus;
  }

  /** Clears WMCR.PDE, which would otherwise reset the SoC 16 s after power-on (RM: "Power-down counter"). */
  disablePowerDownCounter(): void {
    this.r().WMCR.write(0);
  }

  /** Enables the watchdog with a timeout of `ms`, rounded up to 0.5 s steps (0.5 s to 128 s). */
  start(ms: number): void {
    if (!(ms > 0 && ms <= WDOG_MAX_MS)) throw new RangeError(`ImxWdog: timeout ${ms} ms is not in (0, ${WDOG_MAX_MS}] ms`);
    const wt = Math.ceil(ms / 500) - 1;
    this.r().WCR.write((wt << 8) | WCR_WDA | WCR_SRS | WCR_WDE);
    this.feed();
  }

  feed(): void {
    const r = this.r();
    r.WSR.write(SERVICE_1);
    r.WSR.write(SERVICE_2);
  }

  stop(): void {
    throw new Error("ImxWdog: the i.MX watchdog cannot be stopped once started (WCR.WDE is write-once until reset)");
  }

  /** Asserts the software reset (WCR.SRS) and WDOG_B (WCR.WDA), written twice as Linux's imx2_wdt does. */
  reboot(): void {
    const r = this.r();
    r.WCR.write(WCR_WDE);
    r.WCR.write(WCR_WDE);
  }

  /** Why the last reset happened (WRSR): "software", "timeout" or "power-on". */
  resetReason(): "software" | "timeout" | "power-on" | "unknown" {
    const v = this.r().WRSR.read();
    return v & 1 ? "software" : v & 2 ? "timeout" : v & 0x10 ? "power-on" : "unknown";
  }

  private r() {
    if (!this.base) throw new Error("ImxWdog: invalid base address");
    return (this.regs ??= WDOG_REGS.at(this.base, this.bus));
  }
}
