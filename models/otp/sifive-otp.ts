/**
 * Register-level model of the FU540's OTP controller (an eMemory NeoFuse macro behind plain
 * registers, at 0x10070000), after QEMU's hw/misc/sifive_u_otp.c and the U-Boot/Linux
 * sifive-otp drivers; the FU540 Manual does not document the block. 4096 fuse words; PDOUT gives
 * fuse[PA] only while the macro is enabled (PCE), out of deep standby (PDSTB) and trimmed
 * (PTRIM), and 0xff otherwise, as QEMU returns. The other registers are plain read-write.
 *
 * The power sequence of U-Boot's sifive_otp_read is PDSTB, PTRIM, then PCE up, and PCE, PTRIM,
 * then PDSTB down: PDSTB and PTRIM change only with the macro disabled. The model records a
 * warning when they change with PCE set, as a program that would be wrong on hardware.
 *
 * Offsets and bits are written out here, not imported from the driver.
 */
import type { MemoryBus } from "../memory-bus.ts";

// Register offsets (QEMU sifive_u_otp.h; U-Boot struct sifive_otp_regs).
const PA = 0x00, PCE = 0x0c, PCLK = 0x10, PDOUT = 0x18, PDSTB = 0x1c, PTRIM = 0x34;
const PA_MASK = 0xfff;
const EN = 1 << 0;
export const OTP_FUSE_WORDS = 4096;
/** Where QEMU programs the board serial number (and its complement at the next word). */
export const OTP_SERIAL_WORD = 0xfc;

export interface SifiveOtpModelOptions {
  /** Programmed words by index; all others read 0xffffffff, as QEMU's unprogrammed fuses. */
  readonly fuses?: Readonly<Record<number, number>>;
  /** As QEMU's "serial" property: programs it at 0xfc and its complement at 0xfd. */
  readonly serial?: number;
}

export class SifiveOtpModel {
  readonly fuses = new Uint32Array(OTP_FUSE_WORDS).fill(0xffff_ffff);
  /** Breaches of the power sequence seen. */
  readonly warnings: string[] = [];
  /** PDOUT reads that returned a fuse word, by index, in order. */
  readonly fuseReads: number[] = [];
  private pa = 0;
  private pce = 0;
  private pclk = 0;
  private pdstb = 0;
  private ptrim = 0;

  constructor(bus: MemoryBus, base: number, options: SifiveOtpModelOptions = {}) {
    if (options.serial !== undefined) {
      this.fuses[OTP_SERIAL_WORD] = options.serial;
      this.fuses[OTP_SERIAL_WORD + 1] = ~options.serial;
    }
    for (const [index, value] of Object.entries(options.fuses ?? {})) this.fuses[Number(index)] = value;
    bus.onRead(base + PA, () => this.pa);
    bus.onWrite(base + PA, (v) => { this.pa = v & PA_MASK; });
    bus.onRead(base + PCE, () => this.pce);
    bus.onWrite(base + PCE, (v) => { this.pce = v; });
    bus.onRead(base + PCLK, () => this.pclk);
    bus.onWrite(base + PCLK, (v) => { this.pclk = v; });
    bus.onRead(base + PDSTB, () => this.pdstb);
    bus.onWrite(base + PDSTB, (v) => { this.checkDisabled("PDSTB", this.pdstb, v); this.pdstb = v; });
    bus.onRead(base + PTRIM, () => this.ptrim);
    bus.onWrite(base + PTRIM, (v) => { this.checkDisabled("PTRIM", this.ptrim, v); this.ptrim = v; });
    bus.onRead(base + PDOUT, () => this.pdout());
    bus.onWrite(base + PDOUT, () => {});
    // PAIO, PAS, PDIN, PPROG, PTC, PTM, PTM_REP, PTR and PWE (programming) stay in bus storage.
  }

  /** Whether PCE, PDSTB and PTRIM are all enabled (reads return fuse data). */
  get powered(): boolean {
    return (this.pce & this.pdstb & this.ptrim & EN) !== 0;
  }

  private pdout(): number {
    if (!this.powered) return 0xff;
    this.fuseReads.push(this.pa);
    return this.fuses[this.pa];
  }

  private checkDisabled(name: string, before: number, after: number): void {
    if (((before ^ after) & EN) !== 0 && (this.pce & EN) !== 0) this.warnings.push(`${name} changed while PCE=1`);
  }
}
