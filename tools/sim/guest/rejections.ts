/**
 * Unhandled rejections of the promises that `then`, `catch`, `finally` and `Promise.reject` make,
 * for the simulator. The engine learns of them from QuickJS's host rejection tracker
 * (engine/src/rejections.c, docs/event-loop.md); quickjs-emscripten has no such hook, so the
 * guest tracks these promises itself: `Promise.reject(e).catch((e) => { throw e; })` with nothing
 * handling the result must end the firmware with exit code 1 here as on the targets.
 *
 * A tracked promise counts as handled once `then` is called on it (`catch`, `finally`,
 * `Promise.resolve`/`all`, returning it from a callback all go through `then`) or once its
 * `constructor` is read: `await p` does not call `then` but PromiseResolve reads
 * `p.constructor` (ECMA-262 §27.2.4.7.1), so each tracked promise has an own `constructor`
 * getter until it is handled or fulfilled. Promises that async functions return are made inside
 * the engine and stay untracked (those of timer and interrupt callbacks are watched by the loop).
 */
const HostPromise = Promise;
const hostThen = HostPromise.prototype.then;
const hostReject = HostPromise.reject;

/** Tracked and not handled yet. */
const watched = new WeakSet<object>();
/** Rejected and not handled yet, oldest first (a Map keeps insertion order). */
const unhandled = new Map<object, unknown>();

function markHandled(p: unknown): void {
  if (p === null || typeof p !== "object" || !watched.delete(p)) return;
  unhandled.delete(p);
  Reflect.deleteProperty(p, "constructor");
}

function track<T>(p: Promise<T>): Promise<T> {
  hostThen.call(
    p,
    () => markHandled(p),
    (reason: unknown) => {
      if (watched.has(p)) unhandled.set(p, reason);
    },
  );
  watched.add(p);
  // An own accessor, non-enumerable, only while the promise may still become an unhandled
  // rejection: Promise.prototype.constructor stays the data property that inspect reads.
  Object.defineProperty(p, "constructor", {
    get(): unknown {
      markHandled(p);
      return HostPromise;
    },
    set(value: unknown) {
      markHandled(p);
      (p as { constructor: unknown }).constructor = value;
    },
    configurable: true,
  });
  return p;
}

export function installRejectionTracking(): void {
  const methods = {
    then(this: Promise<unknown>, onFulfilled?: unknown, onRejected?: unknown): Promise<unknown> {
      markHandled(this);
      return track(hostThen.call(this, onFulfilled as undefined, onRejected as undefined));
    },
    reject(this: unknown, reason?: unknown): Promise<never> {
      const p = Reflect.apply(hostReject, this, [reason]) as Promise<never>;
      return this === HostPromise ? track(p) : p;
    },
  };
  Object.defineProperty(HostPromise.prototype, "then", { value: methods.then, writable: true, configurable: true });
  Object.defineProperty(HostPromise, "reject", { value: methods.reject, writable: true, configurable: true });
}

/** The oldest rejection nobody handled, once. */
export function takeUnhandled(): { reason: unknown } | undefined {
  for (const [p, reason] of unhandled) {
    markHandled(p);
    return { reason };
  }
  return undefined;
}
