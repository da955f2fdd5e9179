/**
 * i.MX Random Number Generator version B (RNGB) of the i.MX6ULL / i.MX6ULZ (i.MX6ULL Reference
 * Manual IMX6ULLRM Rev. 1, chapter "Random Number Generator (RNGB)"): a true random seed generator
 * feeding a pseudo-random generator, read word by word from an output FIFO (SR.FIFO_LVL words
 * waiting). Registers: VER 0x00, CMD 0x04 (ST self test 0, GS generate seed 1, CI clear interrupt
 * 4, CE clear error 5, SR software reset 6), CR 0x08 (AR auto-reseed 4, MASKDONE 5, MASKERR 6), SR
 * 0x0C (BUSY 1, STDN self test done 4, SDN seed done 5, FIFO_LVL 11:8, ERR 16), ESR 0x10, OUT
 * 0x14. The i.MX6UL has no RNGB (its CAAM has the RNG instead).
 */
import { defineRegisters, describeField, ro, rw, type PolledDeviceOptions } from "../../hal/register.ts";
import { pollOptions, pollUntil, type PollOptions } from "../../hal/poll.ts";

/** RNG_CMD, command: self test, generate seed, clear interrupt, clear error, software reset. */
export enum CMD { ST = 1 << 0, GS = 1 << 1, CI = 1 << 4, CE = 1 << 5, SR = 1 << 6 }
/** RNG_CR, control: auto-reseed and the interrupt masks. */
export enum CR { AR = 1 << 4, MASKDONE = 1 << 5, MASKERR = 1 << 6 }
/** RNG_SR, status. */
export enum SR { BUSY = 1 << 1, STDN = 1 << 4, SDN = 1 << 5, FIFO_LVL = 0xf << 8, ERR = 1 << 16 }

export const RNGB_REGS = defineRegisters({
  VER: ro(0x00),
  CMD: rw<CMD>(0x04),
  CR: rw<CR>(0x08),
  SR: ro<SR>(0x0c),
  ESR: ro(0x10),
  OUT: ro(0x14),
}, { name: "RNGB" });

export type ImxRngbRegisters = ReturnType<typeof RNGB_REGS.at>;

export type ImxRngbOptions = PolledDeviceOptions;

export class ImxRngb {
  readonly base: number;
  /** The register block, for what this driver does not wrap. */
  readonly registers: ImxRngbRegisters;
  private readonly wait?: PollOptions;
  private initialized = false;

  constructor(options: ImxRngbOptions) {
    this.base = options.base;
    this.wait = pollOptions(options.maxPolls);
    this.registers = RNGB_REGS.at(options.base, options.bus);
  }

  /**
   * Software reset, auto-reseed with interrupts masked, self test, then the first seed (the RM's
   * initialisation: "RNGB Operation"); throws if the self test or seeding reports an error.
   */
  init(): void {
    if (!this.base) throw new Error("ImxRngb: invalid base address");
    const r = this.registers;
    this.initialized = true;
    r.CMD.write(CMD.SR);
    r.CR.write(CR.AR | CR.MASKDONE | CR.MASKERR);
    r.CMD.write(CMD.ST);
    r.SR.waitUntil(SR.STDN, 1, this.wait);
    this.checkError("self test");
    r.CMD.write(CMD.GS);
    r.SR.waitUntil(SR.SDN, 1, this.wait);
    this.checkError("seed generation");
    r.CMD.write(CMD.CI | CMD.CE);
  }

  /** One 32-bit random word, waiting for the FIFO. */
  read32(): number {
    const r = this.checked();
    if ((r.SR.read() & SR.FIFO_LVL) === 0) {
      const sr = r.SR;
      try {
        pollUntil(() => ((sr.read() & SR.FIFO_LVL) === 0 ? 0 : 1), 1, () => describeField(sr, SR.FIFO_LVL), this.wait);
      } catch (e) {
        throw new Error(`ImxRngb: the output FIFO stayed empty (${(e as Error).message})`);
      }
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
    if (r.SR.read() & SR.ERR) throw new Error(`ImxRngb: ${what} failed (SR.ERR, ESR 0x${r.ESR.read().toString(16)})`);
  }

  private checked(): ImxRngbRegisters {
    if (!this.initialized) throw new Error("ImxRngb: init() first");
    return this.registers;
  }
}
