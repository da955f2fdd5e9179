/**
 * ARM Generic Interrupt Controller, architecture version 2 (ARM IHI 0048B.b, "GIC architecture
 * specification v2"): the distributor (GICD, 4.3) and this CPU's interface (GICC, 4.4), as in
 * the Cortex-A7 MPCore (the GIC-400 of the i.MX6UL). Interrupt IDs 0-15 are SGIs, 16-31 this
 * CPU's PPIs, 32 and up SPIs; 1023 is "spurious" (no interrupt).
 *
 * tsmetal's line numbers are interrupt IDs. The native top half claims them (GICC_IAR), drops
 * the running priority at once (GICC_EOIR) and deactivates each after its handler (GICC_DIR),
 * which GICC_CTLR.EOImode splits off the EOIR write (4.4.1, 3.2.1): so a line stays active (and
 * cannot interrupt again) until its JS handler has run, while others can still be signalled.
 * Firmware runs in the Secure state with every interrupt in Group 0 (the reset value of
 * GICD_IGROUPR), signalled as IRQ (GICC_CTLR.FIQEn clear).
 */
import type { ClaimIrqController } from "hal";
import { array, defineRegisters, ro, rw, w1c, w1s, wo, type RegisterBus } from "../../hal/register.ts";

/** GICD_CTLR, Secure copy (4.3.1). */
export enum GICD_CTLR { ENABLE_GRP0 = 1 << 0, ENABLE_GRP1 = 1 << 1 }
/** GICC_CTLR, Secure copy (4.4.1): EnableGrp0, EnableGrp1, FIQEn, EOImodeS. */
export enum GICC_CTLR { ENABLE_GRP0 = 1 << 0, ENABLE_GRP1 = 1 << 1, FIQ_EN = 1 << 3, EOIMODE_S = 1 << 9 }
/** GICC_IAR (4.4.4): the interrupt ID and, for an SGI, the requesting CPU. */
export enum GICC_IAR { INTERRUPT_ID = 0x3ff, CPUID = 7 << 10 }

/** Distributor registers (4.3, Table 4-1); one bit, or one byte, per interrupt ID in the arrays. */
export const GICD_REGS = defineRegisters({
  CTLR: rw<GICD_CTLR>(0x000),
  TYPER: ro(0x004),
  ISENABLER: array(w1s(0x100), 32),
  ICENABLER: array(w1c(0x180), 32),
  ISPENDR: array(w1s(0x200), 32),
  ICPENDR: array(w1c(0x280), 32),
  /** Four 8-bit priorities per word. */
  IPRIORITYR: array(rw(0x400), 256),
  /** Four 8-bit CPU target sets per word. */
  ITARGETSR: array(rw(0x800), 256),
}, { name: "GICD" });

/** CPU interface (4.4, Table 4-2); GICC_DIR is in the interface's second 4 KiB page. */
export const GICC_REGS = defineRegisters({
  CTLR: rw<GICC_CTLR>(0x000),
  PMR: rw(0x004),
  BPR: rw(0x008),
  IAR: ro<GICC_IAR>(0x00c),
  EOIR: wo<GICC_IAR>(0x010),
  DIR: wo<GICC_IAR>(0x1000),
}, { name: "GICC" });

export type GicDistributorRegisters = ReturnType<typeof GICD_REGS.at>;
export type GicCpuInterfaceRegisters = ReturnType<typeof GICC_REGS.at>;

/** The lowest priority mask: every priority above it (numerically below) is signalled. */
const PMR_ALL = 0xff;
/** The priority given to every line: all equal, served in ID order (3.3). */
const DEFAULT_PRIORITY = 0xa0;
export const GIC_SPURIOUS = 1023;
const FIRST_SPI = 32;
/** The enable and pending bits of IDs 16-31 in the first word; SGIs (0-15) are not lines. */
const NOT_SGI = 0xffff_0000;

export interface GicV2Options {
  readonly distributor: number;
  readonly cpuInterface: number;
  /** Interrupt IDs implemented (32 + the SoC's SPIs; GICD_TYPER.ITLinesNumber allows up to 1020). */
  readonly lines: number;
  readonly bus?: RegisterBus;
}

export class GicV2 {
  readonly distributor: number;
  readonly cpuInterface: number;
  readonly lines: number;
  /** The distributor's registers, for what this driver does not wrap. */
  readonly gicd: GicDistributorRegisters;
  /** The CPU interface's registers. */
  readonly gicc: GicCpuInterfaceRegisters;

  constructor(options: GicV2Options) {
    this.distributor = options.distributor;
    this.cpuInterface = options.cpuInterface;
    this.lines = options.lines;
    if (!(Number.isInteger(this.lines) && this.lines > FIRST_SPI && this.lines % 32 === 0 && this.lines <= 1020 + 4)) {
      throw new RangeError(`GicV2: ${this.lines} interrupt IDs (a multiple of 32 above 32)`);
    }
    this.gicd = GICD_REGS.at(options.distributor, options.bus);
    this.gicc = GICC_REGS.at(options.cpuInterface, options.bus);
  }

  /**
   * Disables and clears every PPI and SPI, gives them one priority and routes SPIs to CPU 0
   * (read-only on a uniprocessor GIC, 4.3.12), then enables Group 0 in the distributor and the
   * CPU interface with EOImode set and the priority mask open.
   */
  init(): void {
    this.checkedBase(this.distributor);
    this.checkedBase(this.cpuInterface);
    const d = this.gicd, c = this.gicc;
    d.CTLR.write(0);
    for (let w = 0; w < this.lines / 32; w++) {
      // SGIs (ID 0-15) are always enabled: their ICENABLER bits are read-only (4.3.6).
      d.ICENABLER.at(w).write(w === 0 ? NOT_SGI : 0xffff_ffff);
      d.ICPENDR.at(w).write(w === 0 ? NOT_SGI : 0xffff_ffff);
    }
    const prio = DEFAULT_PRIORITY * 0x0101_0101;
    for (let id = 0; id < this.lines; id += 4) d.IPRIORITYR.at(id >>> 2).write(prio);
    for (let id = FIRST_SPI; id < this.lines; id += 4) d.ITARGETSR.at(id >>> 2).write(0x0101_0101); // CPU 0
    c.PMR.write(PMR_ALL);
    c.BPR.write(0);
    c.CTLR.write(GICC_CTLR.ENABLE_GRP0 | GICC_CTLR.EOIMODE_S);
    d.CTLR.write(GICD_CTLR.ENABLE_GRP0);
  }

  /** Write-1-to-set (4.3.5): only this line's bit, so the others are untouched. */
  enable(id: number): void {
    this.checkLine(id);
    this.gicd.ISENABLER.at(id >>> 5).write(1 << (id & 31));
  }

  /** Write-1-to-clear (4.3.6): only this line's bit. */
  disable(id: number): void {
    this.checkLine(id);
    this.gicd.ICENABLER.at(id >>> 5).write(1 << (id & 31));
  }

  /** The controller as the native interrupt top half drives it (`irq.attach()` from "hal"). */
  description(): ClaimIrqController {
    this.checkedBase(this.distributor);
    this.checkedBase(this.cpuInterface);
    const d = this.gicd, c = this.gicc;
    const banks = [];
    for (let w = 0; w < this.lines / 32; w++) {
      banks.push({
        firstLine: 32 * w,
        enable: d.ISENABLER.at(w).addr,
        disable: d.ICENABLER.at(w).addr,
        // SGIs are not lines: software raises them, and they cannot be disabled.
        mask: w === 0 ? NOT_SGI : 0xffff_ffff,
      });
    }
    return {
      kind: "claim",
      claim: c.IAR.addr,
      priorityDrop: c.EOIR.addr,
      complete: c.DIR.addr,
      none: GIC_SPURIOUS,
      idMask: GICC_IAR.INTERRUPT_ID,
      banks,
    };
  }

  private checkedBase(base: number): number {
    if (!base) throw new Error("GicV2: invalid base address");
    return base;
  }

  private checkLine(id: number): void {
    if (!(Number.isInteger(id) && id >= 16 && id < this.lines)) {
      throw new RangeError(`GicV2: interrupt ${id} is not a PPI or SPI (16..${this.lines - 1})`);
    }
  }
}
