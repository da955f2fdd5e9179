/**
 * Two fake NICs joined by a cable that loses, delays and reorders frames, deterministically from
 * a seed, in the fake time both stacks share.
 */
import { FakeNic } from "./fake-nic.ts";
import { seededRandom, type FakeTime } from "./fake-time.ts";

export interface LinkOptions {
  /** Probability that a frame is lost (0..1). */
  readonly loss: number;
  /** Probability that a frame is held back, so that later ones overtake it. */
  readonly reorder: number;
  /** Probability that a frame arrives twice. */
  readonly duplicate: number;
  /** One-way delay in ms. */
  readonly delayMs: number;
  readonly seed: number;
}

export class LossyLink {
  readonly stats = { frames: 0, lost: 0, reordered: 0, duplicated: 0 };
  private isCut = false;

  /** From now on nothing arrives, frames already on the way included: a host powered off or a peer gone. */
  cut(): void {
    this.isCut = true;
  }

  constructor(time: FakeTime, a: FakeNic, b: FakeNic, o: LinkOptions) {
    const rnd = seededRandom(o.seed);
    const chance = () => rnd() / 0x100000000;
    const wire = (from: FakeNic, to: FakeNic) => {
      const arrive = (frame: Uint8Array) => {
        if (!this.isCut) to.deliver(frame);
      };
      from.onSend = (frame) => {
        from.sent.length = 0;
        this.stats.frames++;
        if (chance() < o.loss) {
          this.stats.lost++;
          return;
        }
        let delay = o.delayMs;
        if (chance() < o.reorder) {
          this.stats.reordered++;
          delay += 1 + (rnd() % (4 * o.delayMs));
        }
        time.set(delay, () => arrive(frame));
        if (chance() < o.duplicate) {
          this.stats.duplicated++;
          time.set(delay + 1, () => arrive(frame));
        }
      };
    };
    wire(a, b);
    wire(b, a);
  }
}
