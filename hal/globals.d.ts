/** Globals the tsmetal runtime provides on the target (ES2020 library plus these). */
interface TsmetalConsole {
  log(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}
declare var console: TsmetalConsole;

// Timing globals provided by the engine's event loop (engine/src/timers.c, docs/event-loop.md).
/** Runs `handler(...args)` once, at least `timeout` ms from now. Returns the timer's id (> 0). */
declare function setTimeout<A extends unknown[]>(handler: (...args: A) => void, timeout?: number, ...args: A): number;
/** Runs `handler(...args)` every `timeout` ms until cleared. */
declare function setInterval<A extends unknown[]>(handler: (...args: A) => void, timeout?: number, ...args: A): number;
declare function clearTimeout(id?: number): void;
declare function clearInterval(id?: number): void;
/** Queues `callback` as a microtask: after the current job, before any timer or interrupt. */
declare function queueMicrotask(callback: () => void): void;
interface TsmetalPerformance {
  /** Milliseconds since the board's clock was attached (monotonic, sub-millisecond). */
  now(): number;
  /** Date.now() at the moment performance.now() was 0. */
  readonly timeOrigin: number;
}
declare var performance: TsmetalPerformance;

// Web Crypto's random source, where the board has a hardware RNG (docs/hal.md).
interface TsmetalCrypto {
  /** Fills an integer typed array (at most 65,536 bytes) with random values and returns it. */
  getRandomValues<T extends Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array>(array: T): T;
}
declare var crypto: TsmetalCrypto;
