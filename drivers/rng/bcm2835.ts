/**
 * BCM2835 hardware random number generator, at peripheral base + 0x104000 (0x20104000 on
 * BCM2835, 0x3F104000 on BCM2836).
 *
 * BCM2835 ARM Peripherals does not document it; this follows Linux
 * drivers/char/hw_random/bcm2835-rng.c (and QEMU's hw/misc/bcm2835_rng.c): CTRL bit 0 (RBGEN)
 * enables the generator; STATUS bits 19:0 take a warm-up count, the numbers the generator
 * discards after it is enabled, and bits 31:24 read as the number of 32-bit words ready in DATA.
 * Linux writes the warm-up count 0x40000 before enabling, and reads as many words as STATUS
 * reports without polling again in between; so does this driver.
 */
import { DEFAULT_MAX_POLLS, defineRegisters, field, register, type RegisterBus } from "../../hal/register.ts";

export const RNG_REGS = defineRegisters({
  CTRL: register(0x00, { RBGEN: field(0) }),
  STATUS: register(0x04, { WARMUP: field(0, 20), AVAILABLE: field(24, 8) }),
  DATA: register(0x08),
}, { name: "RNG" });

export type Bcm2835RngRegisters = ReturnType<typeof RNG_REGS.at>;

/** The warm-up count Linux writes (RNG_WARMUP_COUNT): the first 0x40000 numbers are discarded. */
export const RNG_WARMUP_COUNT = 0x40000;
const CTRL_RBGEN = 1;

export interface Bcm2835RngOptions {
  /** Physical address of the RNG: peripheral base + 0x104000. */
  readonly base: number;
  /** Defaults to the bus installed by hal/mmio-bus.ts. */
  readonly bus?: RegisterBus;
  /** STATUS reads to wait for a word before giving up (default DEFAULT_MAX_POLLS). */
  readonly maxPolls?: number;
}

export class Bcm2835Rng {
  readonly base: number;
  private readonly bus?: RegisterBus;
  private readonly maxPolls: number;
  // Set by init().
  private regs?: Bcm2835RngRegisters;
  private status!: Bcm2835RngRegisters["STATUS"];
  private data!: Bcm2835RngRegisters["DATA"];
  /** Words STATUS last reported that have not been read yet: they stay in the FIFO until read. */
  private ready = 0;

  constructor(options: Bcm2835RngOptions) {
    this.base = options.base;
    this.bus = options.bus;
    const maxPolls = options.maxPolls ?? DEFAULT_MAX_POLLS;
    if (!Number.isSafeInteger(maxPolls) || maxPolls < 1) throw new RangeError(`Bcm2835Rng: maxPolls ${maxPolls} is not a positive integer`);
    this.maxPolls = maxPolls;
  }

  /** The register block (after init()), for what this driver does not wrap. */
  get registers(): Bcm2835RngRegisters | undefined {
    return this.regs;
  }

  /** Sets the warm-up count, then enables the generator (Linux bcm2835_rng_init). */
  init(): void {
    if (!this.base) throw new Error("Bcm2835Rng: invalid base address");
    const r = (this.regs = RNG_REGS.at(this.base, this.bus));
    this.status = r.STATUS;
    this.data = r.DATA;
    this.ready = 0;
    // Whole-register writes: the other STATUS bits are read-only and CTRL has nothing else to keep.
    this.status.write(RNG_WARMUP_COUNT);
    r.CTRL.write(CTRL_RBGEN);
  }

  /** The next 32-bit random word (unsigned); waits, up to maxPolls reads of STATUS, for one. */
  read32(): number {
    if (this.ready === 0) this.waitForWords();
    this.ready--;
    return this.data.read();
  }

  /** Fills `bytes` with random bytes, four per word, low byte first; a partial last word is cut. */
  fill(bytes: Uint8Array): void {
    const n = bytes.length;
    const whole = n & ~3;
    let i = 0;
    while (i < whole) {
      const w = this.read32();
      // A Uint8Array store keeps the low 8 bits: no masking needed.
      bytes[i] = w;
      bytes[i + 1] = w >>> 8;
      bytes[i + 2] = w >>> 16;
      bytes[i + 3] = w >>> 24;
      i += 4;
    }
    if (i < n) {
      let w = this.read32();
      for (; i < n; i++, w >>>= 8) bytes[i] = w;
    }
  }

  private waitForWords(): void {
    const status = this.status;
    if (status === undefined) throw new Error("Bcm2835Rng: init() before reading");
    for (let polls = 1; ; polls++) {
      const words = status.read() >>> 24;
      if (words !== 0) {
        this.ready = words;
        return;
      }
      if (polls >= this.maxPolls) {
        throw new Error(`Bcm2835Rng: no random words after ${polls} reads of RNG.STATUS (0x${(this.base + 4).toString(16)}); is the generator enabled?`);
      }
    }
  }
}
