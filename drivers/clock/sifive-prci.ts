/**
 * SiFive FU540 PRCI (Power Reset Clocking Interrupt), after the FU540-C000 Manual v1p0 chapter 7:
 * the rates the clock tree runs at, read back from the PLL configuration, so drivers divide their
 * baud rates from the real peripheral clock (whatever an earlier boot stage set).
 *
 * coreclk is hfclk (CORECLKSEL = 1, the reset state) or the core PLL's output; tlclk, the
 * peripheral bus clock, is coreclk / 2 (7.1).
 */
import { defineRegisters, field, register, type RegisterBus } from "../../hal/register.ts";

/** A PLL configuration register (7.3, 7.4: corepllcfg0, ddrpllcfg0, gemgxlpllcfg0). */
const PLL_FIELDS = {
  DIVR: field(0, 6),
  DIVF: field(6, 9),
  DIVQ: field(15, 3),
  RANGE: field(18, 3),
  BYPASS: field(24),
  FSE: field(25),
  LOCK: field(31),
} as const;

export const PRCI_REGS = defineRegisters({
  HFXOSCCFG: register(0x00, { EN: field(30), RDY: field(31) }),
  COREPLLCFG0: register(0x04, PLL_FIELDS),
  DDRPLLCFG0: register(0x0c, PLL_FIELDS),
  GEMGXLPLLCFG0: register(0x1c, PLL_FIELDS),
  CORECLKSEL: register(0x24, { HFCLK: field(0) }),
  DEVICESRESETREG: register(0x28),
}, { name: "PRCI" });

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
  return { divr: value & 0x3f, divf: (value >>> 6) & 0x1ff, divq: (value >>> 15) & 7, bypass: ((value >>> 24) & 1) === 1 };
}

/** A PLL's output (7.3): ref / (divr + 1) * 2 * (divf + 1) / 2^divq, or ref when bypassed. */
export function pllOutputHz(refHz: number, pll: PllSettings): number {
  if (pll.bypass) return refHz;
  return Math.round(((refHz / (pll.divr + 1)) * 2 * (pll.divf + 1)) / 2 ** pll.divq);
}

export interface SifivePrciOptions {
  readonly base: number;
  /** hfclk, the reference every PLL divides. */
  readonly refHz: number;
  readonly bus?: RegisterBus;
}

export class SifivePrci {
  readonly base: number;
  readonly refHz: number;
  private readonly bus?: RegisterBus;
  private regs?: ReturnType<typeof PRCI_REGS.at>;

  constructor(options: SifivePrciOptions) {
    this.base = options.base;
    this.refHz = options.refHz;
    this.bus = options.bus;
  }

  get registers(): ReturnType<typeof PRCI_REGS.at> {
    if (!this.base) throw new Error("SifivePrci: invalid base address");
    return (this.regs ??= PRCI_REGS.at(this.base, this.bus));
  }

  /** The core PLL's settings (corepllcfg0, 7.4). */
  corePll(): PllSettings {
    return decodePll(this.registers.COREPLLCFG0.read());
  }

  /** coreclk: hfclk while CORECLKSEL selects it, else the core PLL. Runs at boot (the console's
      baud divisor), so it decodes raw values rather than making field objects. */
  coreHz(): number {
    return this.registers.CORECLKSEL.read() & 1 ? this.refHz : pllOutputHz(this.refHz, this.corePll());
  }

  /** tlclk, the peripheral clock the UARTs, SPI and I2C divide (coreclk / 2). */
  tlclkHz(): number {
    return Math.round(this.coreHz() / 2);
  }
}
