/**
 * Promises waiting for one outcome (a DHCP lease, a DNS answer): each leaves early, alone, when
 * its own AbortSignal aborts or its own timeout passes, and the rest are settled together.
 */
import { abortReason, type AbortSignalLike } from "./abort.ts";
import { Timer, type TimerScheduler } from "./time.ts";

interface Waiter<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

/** A wait's own limits: an abort signal, and a timeout that rejects with `timeoutError()`. */
export interface WaitLimits {
  readonly signal?: AbortSignalLike;
  readonly timeout?: { readonly timers: TimerScheduler; readonly ms: number; readonly error: () => unknown };
}

export class Waiters<T> {
  private readonly waiting = new Set<Waiter<T>>();

  /** Settled by resolveAll()/rejectAll(), unless the signal aborts or the timeout passes first. */
  wait(limits: WaitLimits = {}): Promise<T> {
    const { signal, timeout } = limits;
    return new Promise<T>((resolve, reject) => {
      const timer = timeout ? new Timer(timeout.timers, () => done(() => reject(timeout.error()))) : null;
      const onAbort = () => done(() => reject(abortReason(signal as AbortSignalLike)));
      const waiter: Waiter<T> = { resolve: (value) => done(() => resolve(value)), reject: (e) => done(() => reject(e)) };
      const done = (then: () => void) => {
        if (!this.waiting.delete(waiter)) return;
        timer?.stop();
        signal?.removeEventListener("abort", onAbort);
        then();
      };
      this.waiting.add(waiter);
      if (timer && timeout) timer.start(timeout.ms);
      signal?.addEventListener("abort", onAbort);
    });
  }

  resolveAll(value: T): void {
    for (const w of [...this.waiting]) w.resolve(value);
  }

  rejectAll(error: unknown): void {
    for (const w of [...this.waiting]) w.reject(error);
  }
}
