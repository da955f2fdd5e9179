/**
 * Register-level model of the FU540 PRCI, after the FU540-C000 Manual v1p0 chapter 7 with the
 * reset values and write behaviour of QEMU's hw/misc/sifive_u_prci.c: the PLLs come up at
 * divr 1, divf 31, divq 3 with internal feedback (FSE) and locked, coreclk on hfclk
 * (coreclksel = 1); a PLL stays locked and on internal feedback whatever is written, and the
 * oscillator stays ready.
 *
 * `coreclkHz()` and `tlclkHz()` compute the clock tree from the registers by the manual's
 * formula, unrounded, so tests can compare a driver's reading against it. Offsets and bits are
 * written out here, not imported from the driver.
 */
import type { MemoryBus } from "../memory-bus.ts";

// Register offsets, chapter 7 (and QEMU's sifive_u_prci.h for clkmuxstatus).
const HFXOSCCFG = 0x00, COREPLLCFG0 = 0x04, DDRPLLCFG0 = 0x0c, DDRPLLCFG1 = 0x10;
const GEMGXLPLLCFG0 = 0x1c, GEMGXLPLLCFG1 = 0x20, CORECLKSEL = 0x24, DEVICESRESETREG = 0x28, CLKMUXSTATUS = 0x2c;
// hfxosccfg: enable bit 30, ready bit 31 (the manual says 29; the RTL and QEMU have 31).
const HFXOSC_EN = 1 << 30, HFXOSC_RDY = 0x8000_0000;
// PLL configuration registers (chapter 7): divr [5:0], divf [14:6], divq [17:15], range [20:18], bypass 24, fse 25, lock 31.
const PLL_BYPASS = 1 << 24, PLL_FSE = 1 << 25, PLL_LOCK = 0x8000_0000;
const PLL_RESET = (1 << 0) | (31 << 6) | (3 << 15) | PLL_FSE | PLL_LOCK;

export interface SifivePrciModelOptions {
  /** hfclk (default 33,333,333 Hz, the HiFive Unleashed's oscillator). */
  readonly refHz?: number;
}

export class SifivePrciModel {
  readonly refHz: number;
  private readonly regs = new Map<number, number>([
    [HFXOSCCFG, (HFXOSC_RDY | HFXOSC_EN) >>> 0],
    [COREPLLCFG0, PLL_RESET >>> 0],
    [DDRPLLCFG0, PLL_RESET >>> 0],
    [DDRPLLCFG1, 0],
    [GEMGXLPLLCFG0, PLL_RESET >>> 0],
    [GEMGXLPLLCFG1, 0],
    [CORECLKSEL, 1],
    [DEVICESRESETREG, 0],
    [CLKMUXSTATUS, 0],
  ]);

  constructor(bus: MemoryBus, base: number, options: SifivePrciModelOptions = {}) {
    this.refHz = options.refHz ?? 33_333_333;
    for (const off of this.regs.keys()) {
      bus.onRead(base + off, () => this.reg(off));
      bus.onWrite(base + off, (v) => this.regs.set(off, forced(off, v)));
    }
  }

  /** A register's value by offset (e.g. 0x04 for corepllcfg0). */
  reg(offset: number): number {
    const v = this.regs.get(offset);
    if (v === undefined) throw new RangeError(`no PRCI register at 0x${offset.toString(16)}`);
    return v;
  }

  /** coreclk: hfclk while coreclksel bit 0 is set, else the core PLL's output (chapter 7). */
  coreclkHz(): number {
    if (this.reg(CORECLKSEL) & 1) return this.refHz;
    const v = this.reg(COREPLLCFG0);
    if (v & PLL_BYPASS) return this.refHz;
    const divr = v & 0x3f, divf = (v >>> 6) & 0x1ff, divq = (v >>> 15) & 7;
    // Chapter 7 (PLL): f_vco = f_ref * 2 (divf + 1) / (divr + 1); f_out = f_vco / 2^divq.
    return (this.refHz * 2 * (divf + 1)) / (divr + 1) / 2 ** divq;
  }

  /** tlclk, coreclk / 2 (chapter 7). */
  tlclkHz(): number {
    return this.coreclkHz() / 2;
  }
}

/** QEMU: the oscillator stays ready; a PLL stays on internal feedback and locked. */
function forced(off: number, v: number): number {
  if (off === HFXOSCCFG) return (v | HFXOSC_RDY) >>> 0;
  if (off === COREPLLCFG0 || off === DDRPLLCFG0 || off === GEMGXLPLLCFG0) return (v | PLL_FSE | PLL_LOCK) >>> 0;
  return v;
}
