/**
 * i.MX On-Chip OTP Controller (OCOTP_CTRL) (i.MX6UL / i.MX6ULL Reference Manuals IMX6ULRM /
 * IMX6ULLRM Rev. 1, chapter "On-Chip OTP Controller (OCOTP_CTRL)"): the fuses are mirrored after
 * reset into shadow registers, word n at 0x400 + 0x10 * n, which this driver only reads. CTRL 0x00
 * has BUSY (bit 8) and ERROR (bit 9). Fuse map ("Fusemap Descriptions"): CFG0 (word 1) and CFG1
 * (word 2) hold the 64-bit unique ID; MAC0 (word 0x22) the low 32 bits of ENET1's MAC address and
 * MAC1 (word 0x23) its high 16 bits.
 */
import { array, defineRegisters, ro, rw, type DeviceOptions } from "../../hal/register.ts";

/** HW_OCOTP_CTRL. */
export enum CTRL { ADDR = 0xff, BUSY = 1 << 8, ERROR = 1 << 9, RELOAD_SHADOWS = 1 << 10, WR_UNLOCK = 0xffff << 16 }

export const OCOTP_REGS = defineRegisters({
  CTRL: rw<CTRL>(0x00),
  /** The shadow registers of the fuse words, 0x10 apart from 0x400. */
  SHADOW: array(ro(0x400), 128, 0x10),
}, { name: "OCOTP" });

export type ImxOcotpRegisters = ReturnType<typeof OCOTP_REGS.at>;

export const OCOTP_CFG0 = 0x01;
export const OCOTP_CFG1 = 0x02;
export const OCOTP_MAC0 = 0x22;
export const OCOTP_MAC1 = 0x23;
/** Shadow words the controller has (banks 0-15 of 8 words). */

export type ImxOcotpOptions = DeviceOptions;

export class ImxOcotp {
  readonly base: number;
  /** The register block, for what this driver does not wrap. */
  readonly registers: ImxOcotpRegisters;

  constructor(options: ImxOcotpOptions) {
    this.base = options.base;
    this.registers = OCOTP_REGS.at(options.base, options.bus);
  }

  /** Shadow word `index`; throws while the controller reports an error (CTRL.ERROR). */
  read(index: number): number {
    if (!this.base) throw new Error("ImxOcotp: invalid base address");
    const r = this.registers;
    if (!(Number.isInteger(index) && index >= 0 && index < r.SHADOW.length)) throw new RangeError(`ImxOcotp: no fuse word ${index} (0..${r.SHADOW.length - 1})`);
    if (r.CTRL.read() & CTRL.ERROR) throw new Error("ImxOcotp: CTRL.ERROR is set (a failed fuse access)");
    return r.SHADOW.at(index).read();
  }

  /** The SoC's 64-bit unique ID (CFG1:CFG0) as 16 hex digits. */
  uniqueId(): string {
    const hex = (v: number) => v.toString(16).padStart(8, "0");
    return hex(this.read(OCOTP_CFG1)) + hex(this.read(OCOTP_CFG0));
  }

  /** ENET1's MAC address from the fuses, "xx:xx:xx:xx:xx:xx" (all zero when unfused). */
  macAddress(): string {
    const lo = this.read(OCOTP_MAC0), hi = this.read(OCOTP_MAC1);
    const bytes = [(hi >>> 8) & 0xff, hi & 0xff, lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff];
    return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
  }
}
