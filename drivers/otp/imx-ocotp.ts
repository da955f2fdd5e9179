/**
 * i.MX On-Chip OTP Controller (OCOTP_CTRL) (i.MX6UL / i.MX6ULL RM, chapter "On-Chip OTP Controller
 * (OCOTP_CTRL)"): the fuses are mirrored after reset into shadow registers, word n at 0x400 +
 * 0x10 * n, which this driver only reads. CTRL 0x00 has BUSY (bit 8) and ERROR (bit 9).
 * Fuse map ("Fusemap Descriptions"): CFG0 (word 1) and CFG1 (word 2) hold the 64-bit unique ID;
 * MAC0 (word 0x22) the low 32 bits of ENET1's MAC address and MAC1 (word 0x23) its high 16 bits.
 */
import { defineRegisters, field, register, type RegisterBus } from "../../hal/register.ts";

export const OCOTP_REGS = defineRegisters({
  CTRL: register(0x00, { BUSY: field(8), ERROR: field(9), RELOAD_SHADOWS: field(10) }),
}, { name: "OCOTP" });

const SHADOW = defineRegisters({ WORD: register(0x0) }, { name: "OCOTP shadow" });
const SHADOW_BASE = 0x400;
export const OCOTP_CFG0 = 0x01;
export const OCOTP_CFG1 = 0x02;
export const OCOTP_MAC0 = 0x22;
export const OCOTP_MAC1 = 0x23;
/** Shadow words the controller has (banks 0-15 of 8 words). */
const WORDS = 128;

export interface ImxOcotpOptions {
  readonly base: number;
  readonly bus?: RegisterBus;
}

export class ImxOcotp {
  readonly base: number;
  private readonly bus?: RegisterBus;

  constructor(options: ImxOcotpOptions) {
    this.base = options.base;
    this.bus = options.bus;
  }

  /** Shadow word `index`; throws while the controller reports an error (CTRL.ERROR). */
  read(index: number): number {
    if (!this.base) throw new Error("ImxOcotp: invalid base address");
    if (!(Number.isInteger(index) && index >= 0 && index < WORDS)) throw new RangeError(`ImxOcotp: no fuse word ${index} (0..${WORDS - 1})`);
    if (OCOTP_REGS.at(this.base, this.bus).CTRL.ERROR.get()) throw new Error("ImxOcotp: CTRL.ERROR is set (a failed fuse access)");
    return SHADOW.at(this.base + SHADOW_BASE + 0x10 * index, this.bus).WORD.read();
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
