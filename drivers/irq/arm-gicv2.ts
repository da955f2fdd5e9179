/**
 * ARM Generic Interrupt Controller, architecture version 2 (ARM IHI 0048B, "GIC architecture
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
import { defineRegisters, register, type RegisterBus } from "../../hal/register.ts";

// Distributor register offsets (4.3, Table 4-1).
const GICD_ISENABLER = 0x100;
const GICD_ICENABLER = 0x180;
const GICD_ICPENDR = 0x280;
const GICD_IPRIORITYR = 0x400;
const GICD_ITARGETSR = 0x800;

export const GICD_REGS = defineRegisters({
  CTLR: register(0x000),
  TYPER: register(0x004),
}, { name: "GICD" });

// CPU interface (4.4, Table 4-2); GICC_DIR is in the interface's second 4 KiB page.
export const GICC_REGS = defineRegisters({
  CTLR: register(0x000),
  PMR: register(0x004),
  BPR: register(0x008),
  IAR: register(0x00c),
  EOIR: register(0x010),
  DIR: register(0x1000),
}, { name: "GICC" });

/** GICC_CTLR, Secure copy (4.4.1): EnableGrp0 and EOImodeS. */
const GICC_CTLR_ENABLE_GRP0 = 1 << 0;
const GICC_CTLR_EOIMODE_S = 1 << 9;
/** GICD_CTLR, Secure copy (4.3.1): EnableGrp0. */
const GICD_CTLR_ENABLE_GRP0 = 1 << 0;
/** The lowest priority mask: every priority above it (numerically below) is signalled. */
const PMR_ALL = 0xff;
/** The priority given to every line: all equal, served in ID order (3.3). */
const DEFAULT_PRIORITY = 0xa0;
export const GIC_SPURIOUS = 1023;
const FIRST_SPI = 32;

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
  private readonly bus?: RegisterBus;

  constructor(options: GicV2Options) {
    this.distributor = options.distributor;
    this.cpuInterface = options.cpuInterface;
    this.lines = options.lines;
    this.bus = options.bus;
    if (!(Number.isInteger(this.lines) && this.lines > FIRST_SPI && this.lines % 32 === 0 && this.lines <= 1020 + 4)) {
      throw new RangeError(`GicV2: ${this.lines} interrupt IDs (a multiple of 32 above 32)`);
    }
  }

  /**
   * Disables and clears every PPI and SPI, gives them one priority and routes SPIs to CPU 0
   * (read-only on a uniprocessor GIC, 4.3.12), then enables Group 0 in the distributor and the
   * CPU interface with EOImode set and the priority mask open.
   */
  init(): void {
    const d = GICD_REGS.at(this.checkedBase(this.distributor), this.bus);
    const c = GICC_REGS.at(this.checkedBase(this.cpuInterface), this.bus);
    d.CTLR.write(0);
    const word = this.word.bind(this);
    for (let w = 0; w < this.lines / 32; w++) {
      // SGIs (ID 0-15) are always enabled: their ICENABLER bits are read-only (4.3.6).
      word(this.distributor + GICD_ICENABLER + 4 * w, w === 0 ? 0xffff_0000 : 0xffff_ffff);
      word(this.distributor + GICD_ICPENDR + 4 * w, w === 0 ? 0xffff_0000 : 0xffff_ffff);
    }
    const prio = DEFAULT_PRIORITY * 0x0101_0101;
    for (let id = 0; id < this.lines; id += 4) word(this.distributor + GICD_IPRIORITYR + id, prio >>> 0);
    for (let id = FIRST_SPI; id < this.lines; id += 4) word(this.distributor + GICD_ITARGETSR + id, 0x0101_0101);
    c.PMR.write(PMR_ALL);
    c.BPR.write(0);
    c.CTLR.write(GICC_CTLR_ENABLE_GRP0 | GICC_CTLR_EOIMODE_S);
    d.CTLR.write(GICD_CTLR_ENABLE_GRP0);
  }

  enable(id: number): void {
    this.checkLine(id);
    this.word(this.distributor + GICD_ISENABLER + 4 * (id >>> 5), 1 << (id & 31));
  }

  disable(id: number): void {
    this.checkLine(id);
    this.word(this.distributor + GICD_ICENABLER + 4 * (id >>> 5), 1 << (id & 31));
  }

  /** The controller as the native interrupt top half drives it (`irq.attach()` from "hal"). */
  description(): ClaimIrqController {
    const d = this.checkedBase(this.distributor), c = this.checkedBase(this.cpuInterface);
    const banks = [];
    for (let w = 0; w < this.lines / 32; w++) {
      banks.push({
        firstLine: 32 * w,
        enable: d + GICD_ISENABLER + 4 * w,
        disable: d + GICD_ICENABLER + 4 * w,
        // SGIs are not lines: software raises them, and they cannot be disabled.
        mask: w === 0 ? 0xffff_0000 : 0xffff_ffff,
      });
    }
    return {
      kind: "claim",
      claim: c + GICC_REGS.IAR.offset,
      priorityDrop: c + GICC_REGS.EOIR.offset,
      complete: c + GICC_REGS.DIR.offset,
      none: GIC_SPURIOUS,
      idMask: 0x3ff,
      banks,
    };
  }

  private word(addr: number, value: number): void {
    GIC_WORD.at(addr, this.bus).WORD.write(value >>> 0);
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

const GIC_WORD = defineRegisters({ WORD: register(0x0) }, { name: "GIC" });
