/**
 * AbortController and AbortSignal (WHATWG DOM Standard § 3.1, § 3.2), with Event, EventTarget and
 * DOMException: the image unit "abort". engine/src/web-globals.c defines each global from this
 * module's exports the first time it is looked up.
 *
 * AbortSignal.timeout(ms) runs on setTimeout, which keeps the event loop (and so the firmware)
 * alive until it fires; Node's timer does not (it is unref'd).
 */
import { DOMException } from "./dom-exception.ts";
import { Event, EventTarget, markTrusted, type EventListener } from "./event-target.ts";
import { InternalSlots } from "./internal-slots.ts";

export { DOMException, Event, EventTarget };

interface SignalState {
  aborted: boolean;
  reason: unknown;
  /** Abort algorithms (§ 3.2): AbortSignal.any's dependents, in order. */
  algorithms: (() => void)[];
  onabort: ((this: AbortSignal, event: Event) => unknown) | null;
  handlerListener: EventListener | null;
}

const signalSlots = new InternalSlots<AbortSignal, SignalState>("an AbortSignal");

/** Lets only this module construct an AbortSignal (its constructor is "illegal" to users). */
let constructing = false;
function newSignal(): AbortSignal {
  constructing = true;
  try {
    return new AbortSignal();
  } finally {
    constructing = false;
  }
}

/** § 3.2 "signal abort". */
function signalAbort(signal: AbortSignal, reason: unknown): void {
  const s = signalSlots.get(signal);
  if (s.aborted) return;
  s.aborted = true;
  s.reason = reason === undefined ? new DOMException("This operation was aborted", "AbortError") : reason;
  const algorithms = s.algorithms;
  s.algorithms = [];
  for (const run of algorithms) run();
  const event = new Event("abort");
  markTrusted(event);
  signal.dispatchEvent(event);
}

export class AbortSignal extends EventTarget {
  constructor() {
    if (!constructing) throw new TypeError("Illegal constructor");
    super();
    signalSlots.set(this, { aborted: false, reason: undefined, algorithms: [], onabort: null, handlerListener: null });
  }

  /** A signal aborted already, with `reason` (an AbortError DOMException by default). */
  static abort(reason?: unknown): AbortSignal {
    const signal = newSignal();
    signalAbort(signal, reason);
    return signal;
  }

  /** A signal that aborts with a TimeoutError DOMException after `ms` milliseconds. */
  static timeout(ms: number): AbortSignal {
    const n = Number(ms);
    if (!(n >= 0 && n <= Number.MAX_SAFE_INTEGER)) {
      throw new RangeError(`AbortSignal.timeout: the delay must be a whole number of milliseconds from 0 to ${Number.MAX_SAFE_INTEGER}, not ${String(ms)}`);
    }
    const signal = newSignal();
    setTimeout(() => signalAbort(signal, new DOMException("The operation was aborted due to timeout", "TimeoutError")), Math.trunc(n));
    return signal;
  }

  /** A signal that aborts as soon as one of `signals` does, with its reason. */
  static any(signals: Iterable<AbortSignal>): AbortSignal {
    const list = Array.from(signals, (s) => (signalSlots.get(s), s));
    const result = newSignal();
    const aborted = list.find((s) => s.aborted);
    if (aborted !== undefined) {
      signalAbort(result, aborted.reason);
      return result;
    }
    for (const s of list) signalSlots.get(s).algorithms.push(() => signalAbort(result, signalSlots.get(s).reason));
    return result;
  }

  get aborted(): boolean {
    return signalSlots.get(this).aborted;
  }

  get reason(): unknown {
    return signalSlots.get(this).reason;
  }

  throwIfAborted(): void {
    const s = signalSlots.get(this);
    if (s.aborted) throw s.reason;
  }

  /** An event handler attribute (HTML § 8.1.8.1): listens from the first time one is set. */
  get onabort(): ((this: AbortSignal, event: Event) => unknown) | null {
    return signalSlots.get(this).onabort;
  }

  set onabort(handler: ((this: AbortSignal, event: Event) => unknown) | null) {
    const s = signalSlots.get(this);
    s.onabort = typeof handler === "function" ? handler : null;
    if (s.onabort !== null && s.handlerListener === null) {
      s.handlerListener = (event: Event) => {
        const h = s.onabort;
        if (h !== null) h.call(this, event);
      };
      this.addEventListener("abort", s.handlerListener);
    }
  }

  get [Symbol.toStringTag](): string {
    return "AbortSignal";
  }
}

const controllerSlots = new InternalSlots<AbortController, AbortSignal>("an AbortController");

export class AbortController {
  constructor() {
    controllerSlots.set(this, newSignal());
  }

  get signal(): AbortSignal {
    return controllerSlots.get(this);
  }

  /** Aborts the signal with `reason` (an AbortError DOMException by default); later calls do nothing. */
  abort(reason?: unknown): void {
    signalAbort(this.signal, reason);
  }

  get [Symbol.toStringTag](): string {
    return "AbortController";
  }
}
