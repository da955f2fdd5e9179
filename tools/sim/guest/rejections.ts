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
 * getter until it is handled or fulfilled. Promises that async functions return and those of
 * `new Promise` are made inside the engine: the simulator's rewrite of the bundles hands them to
 * `track` (installAsyncTracking; those of timer and interrupt callbacks are watched by the loop too).
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

/**
 * The helpers the simulator's rewrite of each bundle calls (tools/sim/async-tracking.ts), as
 * non-enumerable globals: the promises async functions return and `new Promise` makes are
 * tracked like those of `then`. Their frames are the guest runtime's, hidden in stack traces.
 */
export function installAsyncTracking(): void {
  const trackResult = (value: unknown): unknown => (value instanceof HostPromise ? track(value) : value);
  /** Each Proxy made here and its function: Function.prototype.toString shows the function's source. */
  const functions = new WeakMap<object, object>();
  const asyncFunction = (fn: unknown, name?: string): unknown => {
    if (typeof fn !== "function") return fn;
    if (name !== undefined) Object.defineProperty(fn, "name", { value: name, configurable: true });
    const proxy = new Proxy(fn, {
      apply: (target: (...args: unknown[]) => unknown, thisArg: unknown, args: unknown[]) => trackResult(Reflect.apply(target, thisArg, args)),
    });
    functions.set(proxy, fn);
    return proxy;
  };
  const toString = Function.prototype.toString;
  Object.defineProperty(Function.prototype, "toString", {
    value: new Proxy(toString, { apply: (target, thisArg: object, args: unknown[]) => Reflect.apply(target, functions.get(thisArg) ?? thisArg, args) }),
    writable: true,
    configurable: true,
  });
  const asyncMethods = (target: unknown, proto: string[], statics: string[], name?: string): unknown => {
    if (typeof target === "function") {
      if (name !== undefined) Object.defineProperty(target, "name", { value: name, configurable: true });
      wrapMethods((target as { prototype: object }).prototype, proto);
      wrapMethods(target, statics);
    } else if (target !== null && typeof target === "object") wrapMethods(target, proto);
    return target;
  };
  function wrapMethods(o: object, names: string[]): void {
    for (const name of names) {
      const d = Object.getOwnPropertyDescriptor(o, name);
      if (d && typeof d.value === "function") Object.defineProperty(o, name, { ...d, value: asyncFunction(d.value) });
    }
  }
  const define = (name: string, value: unknown) => Object.defineProperty(globalThis, name, { value, writable: false, configurable: false, enumerable: false });
  define("__tsmetalAsync", asyncFunction);
  define("__tsmetalAsyncMethods", asyncMethods);
  define("__tsmetalTrack", trackResult);
}

/** Every rejection nobody handled, oldest first, once (the engine reports them all). */
export function takeUnhandled(): unknown[] {
  const reasons: unknown[] = [];
  for (const [p, reason] of unhandled) {
    markHandled(p);
    reasons.push(reason);
  }
  return reasons;
}
