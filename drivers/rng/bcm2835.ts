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
import { defineRegisters, describeField, fieldValue, ro, rw, type Register, type PolledDeviceOptions } from "../../hal/register.ts";
import { PollTimeoutError, pollOptions, pollUntil, type PollOptions } from "../../hal/poll.ts";

/** RNG_CTRL (Linux RNG_CTRL): RBGEN enables the generator. */
export enum CTRL { RBGEN = 1 << 0 }
/** RNG_STATUS (Linux RNG_STATUS): the warm-up count, and the words ready in DATA. */
export enum STATUS { WARMUP = 0xf_ffff, AVAILABLE = 0xff << 24 }

export const RNG_REGS = defineRegisters({
  CTRL: rw<CTRL>(0x00),
  STATUS: rw<STATUS>(0x04),
  DATA: ro(0x08),
}, { name: "RNG" });

export type Bcm2835RngRegisters = ReturnType<typeof RNG_REGS.at>;

/** The warm-up count Linux writes (RNG_WARMUP_COUNT): the first 0x40000 numbers are discarded. */
export const RNG_WARMUP_COUNT = 0x40000;

/**
 * `base`: physical address of the RNG: peripheral base + 0x104000. `maxPolls`: the STATUS reads to
 * wait for a word before giving up.
 */
export type Bcm2835RngOptions = PolledDeviceOptions;

export class Bcm2835Rng {
  readonly base: number;
  /** The register block, for what this driver does not wrap. */
  readonly registers: Bcm2835RngRegisters;
  private readonly wait?: PollOptions;
  private readonly status: Register<STATUS, "rw">;
  private readonly data: Register<never, "ro">;
  private initialized = false;
  /** Words STATUS last reported that have not been read yet: they stay in the FIFO until read. */
  private ready = 0;

  constructor(options: Bcm2835RngOptions) {
    this.base = options.base;
    this.wait = pollOptions(options.maxPolls);
    const r = (this.registers = RNG_REGS.at(options.base, options.bus));
    this.status = r.STATUS;
    this.data = r.DATA;
  }

  /** Sets the warm-up count, then enables the generator (Linux bcm2835_rng_init). */
  init(): void {
    if (!this.base) throw new Error("Bcm2835Rng: invalid base address");
    this.ready = 0;
    this.initialized = true;
    // Whole-register writes: the other STATUS bits are read-only and CTRL has nothing else to keep.
    this.status.write(RNG_WARMUP_COUNT);
    this.registers.CTRL.write(CTRL.RBGEN);
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
    if (!this.initialized) throw new Error("Bcm2835Rng: init() before reading");
    let ready = 0;
    try {
      pollUntil(() => ((ready = fieldValue(STATUS.AVAILABLE, status.read())) === 0 ? 0 : 1), 1, () => describeField(status, STATUS.AVAILABLE), this.wait);
    } catch (e) {
      if (!(e instanceof PollTimeoutError)) throw e;
      throw new Error(`Bcm2835Rng: no random words after ${e.polls} reads of ${status.name} (0x${status.addr.toString(16)}); is the generator enabled?`);
    }
    this.ready = ready;
  }
}
