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

/** One restartable timer over a scheduler: start() replaces a pending expiry. */
export class Timer {
  private handle: unknown = undefined;
  private pending = false;

  constructor(
    private readonly timers: TimerScheduler,
    private readonly callback: () => void,
  ) {}

  get running(): boolean {
    return this.pending;
  }

  start(delayMs: number): void {
    this.stop();
    this.pending = true;
    this.handle = this.timers.set(delayMs, () => {
      this.pending = false;
      this.handle = undefined;
      this.callback();
    });
  }

  stop(): void {
    if (!this.pending) return;
    this.timers.clear(this.handle);
    this.pending = false;
    this.handle = undefined;
  }
}
