/**
 * SiFive OTP (one-time programmable fuses) controller of the FU540, at 0x10070000: 4096 32-bit
 * fuse words behind a parallel interface (address PA, chip enable PCE, clock PCLK, data strobe
 * PDSTB, trim PTRIM, data out PDOUT). The register layout and read sequence are those of the
 * Linux/U-Boot sifive-otp drivers and QEMU's sifive_u_otp model (the FU540 Manual does not
 * document the block).
 *
 * The board serial number is written as a pair (serial, ~serial); a board that had its serial
 * reprogrammed holds later pairs at lower addresses, so the pairs are scanned from word 0xfe down
 * and the first valid pair wins (U-Boot's board/sifive/unleashed).
 */
import { defineRegisters, ro, rw, type DeviceOptions } from "../../hal/register.ts";

/** PA, the fuse word address. */
export enum PA { ADDR = 0xfff }
/** The one-bit controls PCE, PCLK, PDSTB and PTRIM. */
export enum EN { EN = 1 << 0 }

export const OTP_REGS = defineRegisters({
  PA: rw<PA>(0x00),
  PAIO: rw(0x04),
  PAS: rw(0x08),
  PCE: rw<EN>(0x0c),
  PCLK: rw<EN>(0x10),
  PDIN: rw(0x14),
  PDOUT: ro(0x18),
  PDSTB: rw<EN>(0x1c),
  PPROG: rw(0x20),
  PTC: rw(0x24),
  PTM: rw(0x28),
  PTM_REP: rw(0x2c),
  PTR: rw(0x30),
  PTRIM: rw<EN>(0x34),
  PWE: rw(0x38),
}, { name: "OTP" });

export type SifiveOtpRegisters = ReturnType<typeof OTP_REGS.at>;

export const OTP_WORDS = 4096;
/** Where the serial-number pairs end (U-Boot: the first pair checked is words 0xfe, 0xff). */
const SERIAL_TOP = 0xfe;

export type SifiveOtpOptions = DeviceOptions;

export class SifiveOtp {
  readonly base: number;
  /** The register block, for what this driver does not wrap. */
  readonly registers: SifiveOtpRegisters;

  constructor(options: SifiveOtpOptions) {
    this.base = options.base;
    this.registers = OTP_REGS.at(options.base, options.bus);
  }

  /** Reads `count` fuse words from word `index` on (power up, strobe each word, power down). */
  read(index: number, count = 1): number[] {
    if (!this.base) throw new Error("SifiveOtp: invalid base address");
    if (!(Number.isInteger(index) && Number.isInteger(count) && index >= 0 && count >= 0 && index + count <= OTP_WORDS)) {
      throw new RangeError(`SifiveOtp: words ${index}..${index + count - 1} are outside 0..${OTP_WORDS - 1}`);
    }
    const r = this.registers;
    // U-Boot's order: out of deep standby and trimmed before the macro is enabled; reversed below.
    r.PDSTB.write(EN.EN);
    r.PTRIM.write(EN.EN);
    r.PCE.write(EN.EN);
    const out: number[] = [];
    for (let i = index; i < index + count; i++) {
      r.PA.write(i);
      r.PCLK.write(EN.EN);
      r.PCLK.write(0);
      out.push(r.PDOUT.read() >>> 0);
    }
    r.PCE.write(0);
    r.PTRIM.write(0);
    r.PDSTB.write(0);
    return out;
  }

  /** The board serial number, or undefined if no valid (serial, ~serial) pair is programmed. */
  serialNumber(): number | undefined {
    for (let i = SERIAL_TOP; i >= 0; i -= 2) {
      const [serial, check] = this.read(i, 2);
      if ((serial ^ check) >>> 0 === 0xffff_ffff && serial !== 0xffff_ffff) return serial;
    }
    return undefined;
  }
}
