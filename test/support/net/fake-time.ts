/** Deterministic time for the stack: a clock and a timer queue that tests advance by hand. */
import type { Clock, TimerScheduler } from "../../../stacks/net/time.ts";

interface Pending {
  readonly at: number;
  readonly order: number;
  readonly callback: () => void;
}

export class FakeTime implements Clock, TimerScheduler {
  private t = 0;
  private order = 0;
  private pending = new Set<Pending>();

  now(): number {
    return this.t;
  }

  set(delayMs: number, callback: () => void): unknown {
    const p: Pending = { at: this.t + Math.max(0, delayMs), order: this.order++, callback };
    this.pending.add(p);
    return p;
  }

  clear(handle: unknown): void {
    this.pending.delete(handle as Pending);
  }

  get timerCount(): number {
    return this.pending.size;
  }

  /** The next timer due, if any. */
  private next(): Pending | null {
    let best: Pending | null = null;
    for (const p of this.pending) if (!best || p.at < best.at || (p.at === best.at && p.order < best.order)) best = p;
    return best;
  }

  /** Runs every timer due within `ms`, in order, and moves the clock `ms` on. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const p = this.next();
      if (!p || p.at > end) break;
      this.pending.delete(p);
      this.t = p.at;
      p.callback();
    }
    this.t = end;
  }

  /** Runs timers one at a time until `done()` holds; throws after `limitMs` of simulated time. */
  runUntil(done: () => boolean, limitMs: number): void {
    const end = this.t + limitMs;
    while (!done()) {
      const p = this.next();
      if (!p || p.at > end) throw new Error(`condition not reached within ${limitMs} ms (simulated; ${this.pending.size} timers pending)`);
      this.pending.delete(p);
      this.t = p.at;
      p.callback();
    }
  }
}

/** A seeded PRNG (mulberry32): uint32 values, the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
