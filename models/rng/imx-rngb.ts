/**
 * Register-level model of the i.MX6ULL RNGB (i.MX6ULL RM, chapter "RNGB"): CMD 0x04 (ST 0, GS 1,
 * CI 4, CE 5, SR 6), CR 0x08, SR 0x0C (STDN 4, SDN 5, FIFO_LVL 11:8, ERR 16), ESR 0x10, OUT 0x14.
 * A self test completes `pollsPerStep` reads of SR after it is started, as does seeding; after the
 * seed the FIFO reports 15 words waiting for ever (words from `numbers`). `failSelfTest` makes the self test set
 * SR.ERR. Offsets and bits written out here from the manual.
 */
import type { MemoryBus } from "../memory-bus.ts";

const CMD = 0x04, CR = 0x08, SR = 0x0c, ESR = 0x10, OUT = 0x14;

export interface ImxRngbModelOptions {
  readonly pollsPerStep?: number;
  readonly failSelfTest?: boolean;
  readonly numbers?: (i: number) => number;
}

export class ImxRngbModel {
  resets = 0;
  selfTests = 0;
  seeds = 0;
  private cr = 0;
  private stdn = false;
  private sdn = false;
  private err = false;
  private pending: "test" | "seed" | null = null;
  private countdown = 0;
  private produced = 0;
  private readonly o: Required<ImxRngbModelOptions>;

  constructor(bus: MemoryBus, base: number, options: ImxRngbModelOptions = {}) {
    this.o = { pollsPerStep: 3, failSelfTest: false, numbers: (i) => Math.imul(i + 1, 0x9e37_79b9) >>> 0, ...options };
    bus.onRead(base + CMD, () => 0);
    bus.onWrite(base + CMD, (v) => this.command(v));
    bus.onRead(base + CR, () => this.cr);
    bus.onWrite(base + CR, (v) => { this.cr = v & 0x73; });
    bus.onRead(base + SR, () => this.status());
    bus.onWrite(base + SR, () => {});
    bus.onRead(base + ESR, () => (this.err ? 1 : 0));
    bus.onWrite(base + ESR, () => {});
    bus.onRead(base + OUT, () => (this.sdn ? this.o.numbers(this.produced++) : 0));
    bus.onWrite(base + OUT, () => {});
  }

  private command(v: number): void {
    if (v & (1 << 6)) {
      this.resets++;
      this.cr = 0;
      this.stdn = this.sdn = this.err = false;
      this.pending = null;
    }
    if (v & 1) this.start("test");
    if (v & 2) this.start("seed");
    if (v & (1 << 5)) this.err = false;
  }

  private start(step: "test" | "seed"): void {
    this.pending = step;
    this.countdown = this.o.pollsPerStep;
  }

  private status(): number {
    if (this.pending && --this.countdown <= 0) {
      if (this.pending === "test") {
        this.selfTests++;
        this.stdn = true;
        if (this.o.failSelfTest) this.err = true;
      } else {
        this.seeds++;
        this.sdn = true;
      }
      this.pending = null;
    }
    const level = this.sdn ? 15 : 0; // FIFO_LVL is 4 bits wide
    return ((this.pending ? 2 : 0) | (this.stdn ? 1 << 4 : 0) | (this.sdn ? 1 << 5 : 0) | (level << 8) | (this.err ? 1 << 16 : 0)) >>> 0;
  }
}
