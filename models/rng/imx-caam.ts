/**
 * Register-level model of the CAAM TRNG's software access (i.MX6UL Security RM, CAAM RNG TRNG
 * registers): RTMCTL 0x600 (TRNG_ACC 5, RST_DEF 6 self-clearing, ENT_VAL 10 read-only, PRGM 16),
 * RTENT0..15 0x640..0x67C. In run mode with TRNG_ACC set, entropy becomes valid `pollsToEntropy`
 * reads of RTMCTL after a generation starts; reading RTENT15 starts the next one. RTENT reads
 * without valid entropy return 0 and are counted in `invalidReads`.
 */
import type { MemoryBus } from "../memory-bus.ts";

const RTMCTL = 0x600, RTENT0 = 0x640;
const TRNG_ACC = 1 << 5, RST_DEF = 1 << 6, ENT_VAL = 1 << 10, PRGM = 1 << 16;

export class ImxCaamRngModel {
  invalidReads = 0;
  generations = 0;
  defaultsRestored = 0;
  private ctl = PRGM;
  private valid = false;
  private countdown: number;
  private words: number[] = [];

  constructor(bus: MemoryBus, base: number, private readonly pollsToEntropy = 2, private readonly numbers = (i: number) => Math.imul(i + 7, 0x85eb_ca6b) >>> 0) {
    this.countdown = pollsToEntropy;
    bus.onRead(base + RTMCTL, () => {
      this.tick();
      return (this.ctl | (this.valid ? ENT_VAL : 0)) >>> 0;
    });
    bus.onWrite(base + RTMCTL, (v) => {
      if (v & RST_DEF) this.defaultsRestored++;
      this.ctl = v & (TRNG_ACC | PRGM); // RST_DEF clears itself
    });
    for (let n = 0; n < 16; n++) {
      bus.onRead(base + RTENT0 + 4 * n, () => {
        if (!this.valid) {
          this.invalidReads++;
          return 0;
        }
        const w = this.words[n];
        if (n === 15) this.restart();
        return w;
      });
      bus.onWrite(base + RTENT0 + 4 * n, () => {});
    }
  }

  private running(): boolean {
    return !(this.ctl & PRGM) && (this.ctl & TRNG_ACC) !== 0;
  }

  private tick(): void {
    if (this.valid || !this.running()) return;
    if (--this.countdown <= 0) {
      this.words = Array.from({ length: 16 }, (_, i) => this.numbers(16 * this.generations + i));
      this.generations++;
      this.valid = true;
    }
  }

  private restart(): void {
    this.valid = false;
    this.countdown = this.pollsToEntropy;
  }
}
