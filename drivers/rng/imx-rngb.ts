/**
 * i.MX Random Number Generator version B (RNGB) of the i.MX6ULL / i.MX6ULZ (i.MX6ULL RM, chapter
 * "Random Number Generator (RNGB)"): a true random seed generator feeding a pseudo-random
 * generator, read word by word from an output FIFO (SR.FIFO_LVL words waiting).
 * Registers: VER 0x00, CMD 0x04 (ST self test 0, GS generate seed 1, CI clear interrupt 4, CE clear
 * error 5, SR software reset 6), CR 0x08 (AR auto-reseed 4, MASKDONE 5, MASKERR 6), SR 0x0C
 * (BUSY 1, STDN self test done 4, SDN seed done 5, FIFO_LVL 11:8, ERR 16), ESR 0x10, OUT 0x14.
 * The i.MX6UL has no RNGB (its CAAM has the RNG instead).
 */
import { defineRegisters, field, register, type RegisterBus } from "../../hal/register.ts";

export const RNGB_REGS = defineRegisters({
  VER: register(0x00),
  CMD: register(0x04, { ST: field(0), GS: field(1), CI: field(4), CE: field(5), SR: field(6) }),
  CR: register(0x08, { AR: field(4), MASKDONE: field(5), MASKERR: field(6) }),
  SR: register(0x0c, { BUSY: field(1), STDN: field(4), SDN: field(5), FIFO_LVL: field(8, 4), ERR: field(16) }),
  ESR: register(0x10),
  OUT: register(0x14),
}, { name: "RNGB" });

const CMD_ST = 1 << 0, CMD_GS = 1 << 1, CMD_CI = 1 << 4, CMD_CE = 1 << 5, CMD_SR = 1 << 6;
const CR_AR = 1 << 4, CR_MASKDONE = 1 << 5, CR_MASKERR = 1 << 6;
const SR_ERR = 1 << 16;
/** Self test and seeding take a while; the limit counts polls, not time, and is generous. */
const DEFAULT_MAX_POLLS = 2_000_000;

export interface ImxRngbOptions {
  readonly base: number;
  readonly bus?: RegisterBus;
  readonly maxPolls?: number;
}

export class ImxRngb {
  readonly base: number;
  private readonly bus?: RegisterBus;
  private readonly maxPolls: number;
  private regs?: ReturnType<typeof RNGB_REGS.at>;

  constructor(options: ImxRngbOptions) {
    this.base = options.base;
    this.bus = options.bus;
    this.maxPolls = options.maxPolls ?? DEFAULT_MAX_POLLS;
  }

  /**
   * Software reset, auto-reseed with interrupts masked, self test, then the first seed (the RM's
   * initialisation: "RNGB Operation"); throws if the self test or seeding reports an error.
   */
  init(): void {
    if (!this.base) throw new Error("ImxRngb: invalid base address");
    const r = (this.regs = RNGB_REGS.at(this.base, this.bus));
    r.CMD.write(CMD_SR);
    r.CR.write(CR_AR | CR_MASKDONE | CR_MASKERR);
    r.CMD.write(CMD_ST);
    r.SR.waitUntil("STDN", 1, { maxPolls: this.maxPolls });
    this.checkError("self test");
    r.CMD.write(CMD_GS);
    r.SR.waitUntil("SDN", 1, { maxPolls: this.maxPolls });
    this.checkError("seed generation");
    r.CMD.write(CMD_CI | CMD_CE);
  }

  /** One 32-bit random word, waiting for the FIFO. */
  read32(): number {
    const r = this.checked();
    for (let n = 0; r.SR.FIFO_LVL.get() === 0; n++) {
      if (n >= this.maxPolls) throw new Error("ImxRngb: the output FIFO stayed empty");
    }
    this.checkError("generation");
    return r.OUT.read() >>> 0;
  }

  /** Fills `bytes` with random data (crypto.getRandomValues). */
  fill(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i += 4) {
      let w = this.read32();
      for (let k = 0; k < 4 && i + k < bytes.length; k++, w >>>= 8) bytes[i + k] = w & 0xff;
    }
  }

  private checkError(what: string): void {
    const r = this.checked();
    if (r.SR.read() & SR_ERR) throw new Error(`ImxRngb: ${what} failed (SR.ERR, ESR 0x${r.ESR.read().toString(16)})`);
  }

  private checked() {
    if (!this.regs) throw new Error("ImxRngb: init() first");
    return this.regs;
  }
}
