/**
 * The true random number generator (TRNG, "RNG4") of the i.MX CAAM (Cryptographic Acceleration
 * and Assurance Module), read directly from its entropy registers as TamaGo does, without the job
 * ring (i.MX6UL Security Reference Manual, CAAM "RNG TRNG registers"): RTMCTL 0x600 with PRGM
 * (bit 16: program mode), ENT_VAL (bit 10: entropy valid), RST_DEF (bit 6: reset to defaults)
 * and TRNG_ACC (bit 5: software may read the entropy), and RTENT0..RTENT15 at 0x640..0x67C, 512
 * bits of entropy; reading RTENT15 starts the next generation. For the i.MX6UL, which has no RNGB.
 * The CAAM's clock gate (CCM_CCGR0) must be on: the boot image's DCD turns every gate on.
 */
import { defineRegisters, field, register, type RegisterBus } from "../../hal/register.ts";

export const CAAM_TRNG_REGS = defineRegisters({
  RTMCTL: register(0x600, { TRNG_ACC: field(5), RST_DEF: field(6), ENT_VAL: field(10), PRGM: field(16) }),
}, { name: "CAAM TRNG" });

const RTENT0 = 0x640;
const ENTROPY_WORDS = 16;
const RTMCTL_TRNG_ACC = 1 << 5, RTMCTL_RST_DEF = 1 << 6, RTMCTL_PRGM = 1 << 16;
const RTENT = defineRegisters({ WORD: register(0x0) }, { name: "CAAM RTENT" });

export interface ImxCaamRngOptions {
  readonly base: number;
  readonly bus?: RegisterBus;
  /** Polls of RTMCTL.ENT_VAL before giving up (entropy takes milliseconds on hardware). */
  readonly maxPolls?: number;
  /** Milliseconds before giving up, with `now`. */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

export class ImxCaamRng {
  readonly base: number;
  private readonly o: ImxCaamRngOptions;
  private regs?: ReturnType<typeof CAAM_TRNG_REGS.at>;
  private next = 0;

  constructor(options: ImxCaamRngOptions) {
    this.base = options.base;
    this.o = options;
  }

  /** Program mode, defaults, software access to the entropy, then run mode. */
  init(): void {
    if (!this.base) throw new Error("ImxCaamRng: invalid base address");
    const r = (this.regs = CAAM_TRNG_REGS.at(this.base, this.o.bus));
    r.RTMCTL.set(RTMCTL_PRGM);
    r.RTMCTL.set(RTMCTL_RST_DEF);
    r.RTMCTL.set(RTMCTL_TRNG_ACC);
    r.RTMCTL.clear(RTMCTL_PRGM);
    this.next = 0;
  }

  /** The next 32-bit entropy word, waiting for a fresh generation before RTENT0. */
  read32(): number {
    if (!this.regs) throw new Error("ImxCaamRng: init() first");
    if (this.next === 0) {
      try {
        this.regs.RTMCTL.waitUntil("ENT_VAL", 1, { maxPolls: this.o.maxPolls ?? 10_000_000, timeoutMs: this.o.timeoutMs, now: this.o.now });
      } catch (e) {
        throw new Error(`ImxCaamRng: the TRNG produced no entropy (RTMCTL.ENT_VAL stayed 0): ${(e as Error).message}`);
      }
    }
    const w = RTENT.at(this.base + RTENT0 + 4 * this.next, this.o.bus).WORD.read() >>> 0;
    this.next = (this.next + 1) % ENTROPY_WORDS;
    return w;
  }

  fill(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i += 4) {
      let w = this.read32();
      for (let k = 0; k < 4 && i + k < bytes.length; k++, w >>>= 8) bytes[i + k] = w & 0xff;
    }
  }
}
