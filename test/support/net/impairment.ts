/**
 * A lossy, reordering hop in real time: frames given to pass() go on to `deliver`, except that a
 * seeded share is dropped and another is held back until later frames have overtaken it. Every
 * decision comes from the seed and the frame's index alone, so a run's impairment is the same
 * whatever the timing (link.ts is the fake-time counterpart between two fake NICs).
 */
import { seededRandom } from "./fake-time.ts";

export interface ImpairmentOptions {
  /** Probability that a frame is dropped (0..1). */
  readonly loss: number;
  /** Probability that a frame is held back so that later ones overtake it (0..1). */
  readonly reorder: number;
  /** A held frame goes on after 1..this many later frames have passed it. */
  readonly maxOvertakers: number;
  /**
   * ... or after this long, if fewer frames come (the last segment of a window): the hop delays
   * a frame, it does not lose it.
   */
  readonly maxHoldMs: number;
  readonly seed: number;
}

export interface ImpairmentStats {
  frames: number;
  dropped: number;
  /** Frames held back. */
  held: number;
  /** Held frames that later frames really overtook (the rest went on after maxHoldMs). */
  overtaken: number;
}

interface Held {
  readonly frame: Uint8Array;
  /** Frames still to pass it. */
  remaining: number;
  overtaken: boolean;
  readonly timer: NodeJS.Timeout;
}

export class Impairment {
  readonly stats: ImpairmentStats = { frames: 0, dropped: 0, held: 0, overtaken: 0 };
  private readonly random: () => number;
  private held: Held[] = [];
  private closed = false;

  constructor(
    private readonly options: ImpairmentOptions,
    private readonly deliver: (frame: Uint8Array) => void,
  ) {
    const { loss, reorder, maxOvertakers, maxHoldMs } = options;
    if (!(loss >= 0 && loss < 1)) throw new RangeError(`impairment loss must be 0..1 (exclusive), not ${loss}`);
    if (!(reorder >= 0 && reorder < 1)) throw new RangeError(`impairment reorder must be 0..1 (exclusive), not ${reorder}`);
    if (!Number.isInteger(maxOvertakers) || maxOvertakers < 1) throw new RangeError(`impairment maxOvertakers must be a positive integer, not ${maxOvertakers}`);
    if (!(maxHoldMs > 0)) throw new RangeError(`impairment maxHoldMs must be positive, not ${maxHoldMs}`);
    this.random = seededRandom(options.seed);
  }

  /** One frame onto the hop. */
  pass(frame: Uint8Array): void {
    if (this.closed) return;
    this.stats.frames++;
    // Three draws per frame whatever the outcome, so that frame i's fate depends on i alone.
    const lose = this.chance() < this.options.loss;
    const hold = this.chance() < this.options.reorder;
    const overtakers = 1 + (this.random() % this.options.maxOvertakers);
    if (lose) {
      this.stats.dropped++;
      return;
    }
    if (hold) {
      this.stats.held++;
      const h: Held = { frame, remaining: overtakers, overtaken: false, timer: setTimeout(() => this.release(h), this.options.maxHoldMs) };
      this.held.push(h);
      return;
    }
    this.deliver(frame);
    for (const h of [...this.held]) {
      h.overtaken = true;
      if (--h.remaining === 0) this.release(h);
    }
  }

  /** Stops: held frames are dropped and their timers cleared. */
  close(): void {
    this.closed = true;
    for (const h of this.held) clearTimeout(h.timer);
    this.held = [];
  }

  private release(h: Held): void {
    const i = this.held.indexOf(h);
    if (i < 0) return;
    this.held.splice(i, 1);
    clearTimeout(h.timer);
    if (h.overtaken) this.stats.overtaken++;
    this.deliver(h.frame);
  }

  private chance(): number {
    return this.random() / 0x100000000;
  }
}
