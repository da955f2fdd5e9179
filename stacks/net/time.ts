/**
 * Time as the stack sees it, injected so that tests drive it deterministically and the firmware
 * passes its own (`Date.now` and `setTimeout`/`clearTimeout`).
 */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
}

export interface TimerScheduler {
  /** Calls `callback` once after `delayMs` milliseconds; returns a handle for clear(). */
  set(delayMs: number, callback: () => void): unknown;
  clear(handle: unknown): void;
}

/**
 * One restartable timer over a scheduler: start() replaces a pending expiry.
 *
 * With a clock, start() that moves a pending expiry later arms nothing: the scheduled timer
 * fires at the earlier time and is armed again for what is left. A retransmission timer is
 * restarted by nearly every ACK (RFC 6298 5.3), and a clear and a set each time cost more than
 * the occasional second arming. The callback still runs at the last expiry asked for.
 */
export class Timer {
  private handle: unknown = undefined;
  private pending = false;
  /** With a clock: when the callback is due, and when the scheduled timer fires (due >= fires). */
  private due = 0;
  private fires = 0;

  constructor(
    private readonly timers: TimerScheduler,
    private readonly callback: () => void,
    private readonly clock?: Clock,
  ) {}

  get running(): boolean {
    return this.pending;
  }

  start(delayMs: number): void {
    const clock = this.clock;
    if (clock !== undefined) {
      const due = clock.now() + delayMs;
      if (this.pending && due >= this.fires) {
        this.due = due;
        return;
      }
      this.stop();
      this.due = this.fires = due;
    } else this.stop();
    this.pending = true;
    this.arm(delayMs);
  }

  stop(): void {
    if (!this.pending) return;
    this.timers.clear(this.handle);
    this.pending = false;
    this.handle = undefined;
  }

  private arm(delayMs: number): void {
    this.handle = this.timers.set(delayMs, () => {
      this.handle = undefined;
      const clock = this.clock;
      if (clock !== undefined && this.due > this.fires) {
        const left = this.due - clock.now();
        if (left > 0) {
          this.fires = this.due;
          this.arm(left);
          return;
        }
      }
      this.pending = false;
      this.callback();
    });
  }
}
