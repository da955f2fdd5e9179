/**
 * The i.MX CAAM (Cryptographic Acceleration and Assurance Module). Of it, this driver uses the
 * true random number generator (TRNG, "RNG4"), read directly from its entropy registers as TamaGo
 * does, without the job ring (i.MX6UL Security Reference Manual IMX6ULSRM, CAAM "RNG TRNG
 * registers"): RTMCTL 0x600 with PRGM (bit 16: program mode), ENT_VAL (bit 10: entropy valid),
 * RST_DEF (bit 6: reset to defaults) and TRNG_ACC (bit 5: software may read the entropy), and
 * RTENT0..RTENT15 at 0x640..0x67C, 512 bits of entropy; reading RTENT15 starts the next
 * generation. For the i.MX6UL, which has no RNGB. The CAAM's clock gate (CCM_CCGR0) must be on:
 * the boot image's DCD turns every gate on.
 */
import { array, defineRegisters, ro, rw, type RegisterBus } from "../../hal/register.ts";
import type { PollOptions } from "../../hal/poll.ts";

/** RTMCTL, RNG TRNG miscellaneous control. */
export enum RTMCTL { TRNG_ACC = 1 << 5, RST_DEF = 1 << 6, ENT_VAL = 1 << 10, PRGM = 1 << 16 }

export const CAAM_TRNG_REGS = defineRegisters({
  RTMCTL: rw<RTMCTL>(0x600),
  /** RTENT0..RTENT15: 512 bits of entropy; reading RTENT15 starts the next generation. */
  RTENT: array(ro(0x640), 16),
}, { name: "CAAM TRNG" });

/**
 * Entropy takes milliseconds on hardware, more polls than hal/poll.ts's DEFAULT_MAX_POLLS allow
 * on a fast CPU; a board passes `now` and `timeoutMs` for a time limit as well.
 */
const ENTROPY_MAX_POLLS = 10_000_000;

export type ImxCaamRegisters = ReturnType<typeof CAAM_TRNG_REGS.at>;

export interface ImxCaamOptions {
  readonly base: number;
  readonly bus?: RegisterBus;
  /** Polls of RTMCTL.ENT_VAL before giving up (default ENTROPY_MAX_POLLS). */
  readonly maxPolls?: number;
  /** Milliseconds before giving up, with `now`. */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

export class ImxCaam {
  readonly base: number;
  /** The register block, for what this driver does not wrap. */
  readonly registers: ImxCaamRegisters;
  private readonly wait: PollOptions;
  private next = 0;
  private initialized = false;

  constructor(options: ImxCaamOptions) {
    this.base = options.base;
    this.registers = CAAM_TRNG_REGS.at(options.base, options.bus);
    this.wait = { maxPolls: options.maxPolls ?? ENTROPY_MAX_POLLS, timeoutMs: options.timeoutMs, now: options.now };
  }

  /**
   * Program mode, defaults, software access to the entropy, then run mode. Throws at once when
   * RTMCTL does not keep TRNG_ACC (a read/write bit): no TRNG answers there, as under QEMU, whose
   * i.MX6UL machine does not model the CAAM (its registers read 0), and where waiting for
   * ENT_VAL would only end at the time limit.
   */
  init(): void {
    if (!this.base) throw new Error("ImxCaam: invalid base address");
    const r = this.registers;
    r.RTMCTL.set(RTMCTL.PRGM);
    r.RTMCTL.set(RTMCTL.RST_DEF);
    r.RTMCTL.set(RTMCTL.TRNG_ACC);
    if (!(r.RTMCTL.read() & RTMCTL.TRNG_ACC)) {
      throw new Error(`ImxCaam: no TRNG at 0x${this.base.toString(16)} (RTMCTL does not keep TRNG_ACC; QEMU does not model the CAAM)`);
    }
    r.RTMCTL.clear(RTMCTL.PRGM);
    this.next = 0;
    this.initialized = true;
  }

  /** The next 32-bit entropy word, waiting for a fresh generation before RTENT0. */
  read32(): number {
    if (!this.initialized) throw new Error("ImxCaam: init() first");
    const r = this.registers;
    if (this.next === 0) {
      try {
        r.RTMCTL.waitUntil(RTMCTL.ENT_VAL, 1, this.wait);
      } catch (e) {
        throw new Error(`ImxCaam: the TRNG produced no entropy (RTMCTL.ENT_VAL stayed 0): ${(e as Error).message}`);
      }
    }
    const w = r.RTENT.at(this.next).read();
    this.next = (this.next + 1) % r.RTENT.length;
    return w;
  }

  fill(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i += 4) {
      let w = this.read32();
      for (let k = 0; k < 4 && i + k < bytes.length; k++, w >>>= 8) bytes[i + k] = w & 0xff;
    }
  }
}
