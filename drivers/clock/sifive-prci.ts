/**
 * SiFive FU540 PRCI (Power Reset Clocking Interrupt), after the FU540-C000 Manual v1p0 chapter 7:
 * the rates the clock tree runs at, read back from the PLL configuration, so drivers divide their
 * baud rates from the real peripheral clock (whatever an earlier boot stage set).
 *
 * coreclk is hfclk (CORECLKSEL = 1, the reset state) or the core PLL's output; tlclk, the
 * peripheral bus clock, is coreclk / 2 (7.1).
 */
import { defineRegisters, fieldValue, rw, type DeviceOptions } from "../../hal/register.ts";

/** hfxosccfg (7.2). */
export enum HFXOSCCFG { EN = 1 << 30, RDY = 1 << 31 }
/** A PLL configuration register (7.3, 7.4: corepllcfg0, ddrpllcfg0, gemgxlpllcfg0). */
export enum PLLCFG0 {
  DIVR = 0x3f << 0, DIVF = 0x1ff << 6, DIVQ = 7 << 15, RANGE = 7 << 18, BYPASS = 1 << 24, FSE = 1 << 25, LOCK = 1 << 31,
}
/** coreclksel (7.3): HFCLK selects hfclk rather than the core PLL. */
export enum CORECLKSEL { HFCLK = 1 << 0 }

export const PRCI_REGS = defineRegisters({
  HFXOSCCFG: rw<HFXOSCCFG>(0x00),
  COREPLLCFG0: rw<PLLCFG0>(0x04),
  DDRPLLCFG0: rw<PLLCFG0>(0x0c),
  GEMGXLPLLCFG0: rw<PLLCFG0>(0x1c),
  CORECLKSEL: rw<CORECLKSEL>(0x24),
  DEVICESRESETREG: rw(0x28),
}, { name: "PRCI" });

export type SifivePrciRegisters = ReturnType<typeof PRCI_REGS.at>;

/** The HiFive Unleashed's reference oscillator, hfclk (FU540 Manual 7.1: 33.33 MHz). */
export const FU540_HFCLK_HZ = 33_333_333;

export interface PllSettings {
  readonly divr: number;
  readonly divf: number;
  readonly divq: number;
  readonly bypass: boolean;
}

/** A PLL configuration register's value as settings (PLL_FIELDS). */
export function decodePll(value: number): PllSettings {
  return {
    divr: fieldValue(PLLCFG0.DIVR, value),
    divf: fieldValue(PLLCFG0.DIVF, value),
    divq: fieldValue(PLLCFG0.DIVQ, value),
    bypass: (value & PLLCFG0.BYPASS) !== 0,
  };
}

/** A PLL's output (7.3): ref / (divr + 1) * 2 * (divf + 1) / 2^divq, or ref when bypassed. */
export function pllOutputHz(refHz: number, pll: PllSettings): number {
  if (pll.bypass) return refHz;
  return Math.round(((refHz / (pll.divr + 1)) * 2 * (pll.divf + 1)) / 2 ** pll.divq);
}

export interface SifivePrciOptions extends DeviceOptions {
  /** hfclk, the reference every PLL divides. */
  readonly refHz: number;
}

export class SifivePrci {
  readonly base: number;
  readonly refHz: number;
  private readonly regs: SifivePrciRegisters;

  constructor(options: SifivePrciOptions) {
    this.base = options.base;
    this.refHz = options.refHz;
    this.regs = PRCI_REGS.at(options.base, options.bus);
  }

  get registers(): SifivePrciRegisters {
    if (!this.base) throw new Error("SifivePrci: invalid base address");
    return this.regs;
  }

  /** The core PLL's settings (corepllcfg0, 7.4). */
  corePll(): PllSettings {
    return decodePll(this.registers.COREPLLCFG0.read());
  }

  /** coreclk: hfclk while CORECLKSEL selects it, else the core PLL. Runs at boot (the console's
      baud divisor), so it decodes raw values rather than making field objects. */
  coreHz(): number {
    return this.registers.CORECLKSEL.read() & CORECLKSEL.HFCLK ? this.refHz : pllOutputHz(this.refHz, this.corePll());
  }

  /** tlclk, the peripheral clock the UARTs, SPI and I2C divide (coreclk / 2). */
  tlclkHz(): number {
    return Math.round(this.coreHz() / 2);
  }
}
