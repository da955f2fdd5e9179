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
import { defineRegisters, field, register, type RegisterBus } from "../../hal/register.ts";

export const OTP_REGS = defineRegisters({
  PA: register(0x00, { ADDR: field(0, 12) }),
  PAIO: register(0x04),
  PAS: register(0x08),
  PCE: register(0x0c, { EN: field(0) }),
  PCLK: register(0x10, { EN: field(0) }),
  PDIN: register(0x14),
  PDOUT: register(0x18),
  PDSTB: register(0x1c, { EN: field(0) }),
  PPROG: register(0x20),
  PTC: register(0x24),
  PTM: register(0x28),
  PTM_REP: register(0x2c),
  PTR: register(0x30),
  PTRIM: register(0x34, { EN: field(0) }),
  PWE: register(0x38),
}, { name: "OTP" });

export const OTP_WORDS = 4096;
/** Where the serial-number pairs end (U-Boot: the first pair checked is words 0xfe, 0xff). */
const SERIAL_TOP = 0xfe;

export interface SifiveOtpOptions {
  readonly base: number;
  readonly bus?: RegisterBus;
}

export class SifiveOtp {
  readonly base: number;
  private readonly bus?: RegisterBus;

  constructor(options: SifiveOtpOptions) {
    this.base = options.base;
    this.bus = options.bus;
  }

  /** Reads `count` fuse words from word `index` on (power up, strobe each word, power down). */
  read(index: number, count = 1): number[] {
    if (!this.base) throw new Error("SifiveOtp: invalid base address");
    if (!(Number.isInteger(index) && Number.isInteger(count) && index >= 0 && count >= 0 && index + count <= OTP_WORDS)) {
      throw new RangeError(`SifiveOtp: words ${index}..${index + count - 1} are outside 0..${OTP_WORDS - 1}`);
    }
    const r = OTP_REGS.at(this.base, this.bus);
    // U-Boot's order: out of deep standby and trimmed before the macro is enabled; reversed below.
    r.PDSTB.write(1);
    r.PTRIM.write(1);
    r.PCE.write(1);
    const out: number[] = [];
    for (let i = index; i < index + count; i++) {
      r.PA.write(i);
      r.PCLK.write(1);
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
