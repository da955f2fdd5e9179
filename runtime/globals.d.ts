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

// ES2022's Object.hasOwn (engine/patches/0012; the firmware's lib is es2020).
interface ObjectConstructor {
  /** True if `o` has an own property `v` (Object.prototype.hasOwnProperty without the prototype). */
  hasOwn(o: object, v: PropertyKey): boolean;
}

// The web globals, loaded on first use from image units (runtime/web/, docs/hal.md "Globals").
/** WHATWG Encoding: UTF-8 encoding of strings (lone surrogates become U+FFFD). */
interface TextEncoder {
  readonly encoding: "utf-8";
  encode(input?: string): Uint8Array;
  /** Encodes whole characters while they fit; `read` counts UTF-16 code units, `written` bytes. */
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
declare var TextEncoder: { prototype: TextEncoder; new (): TextEncoder };

interface TextDecoderOptions {
  /** Throw a TypeError on invalid UTF-8 instead of producing U+FFFD. */
  fatal?: boolean;
  /** Keep a leading byte order mark instead of dropping it. */
  ignoreBOM?: boolean;
}
interface TextDecodeOptions {
  /** More input follows: keep an incomplete sequence at the end for the next call. */
  stream?: boolean;
}
/** WHATWG Encoding: UTF-8 decoding only (another label is a RangeError). */
interface TextDecoder {
  readonly encoding: "utf-8";
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  decode(input?: ArrayBuffer | ArrayBufferView, options?: TextDecodeOptions): string;
}
declare var TextDecoder: { prototype: TextDecoder; new (label?: string, options?: TextDecoderOptions): TextDecoder };

/** WHATWG URL. A host with non-ASCII characters (IDNA) is refused with a TypeError. */
interface URL {
  href: string;
  readonly origin: string;
  protocol: string;
  username: string;
  password: string;
  host: string;
  hostname: string;
  port: string;
  pathname: string;
  search: string;
  readonly searchParams: URLSearchParams;
  hash: string;
  toString(): string;
  toJSON(): string;
}
declare var URL: {
  prototype: URL;
  new (url: string | URL, base?: string | URL): URL;
  canParse(url: string | URL, base?: string | URL): boolean;
  parse(url: string | URL, base?: string | URL): URL | null;
};

interface URLSearchParams {
  readonly size: number;
  append(name: string, value: string): void;
  delete(name: string, value?: string): void;
  get(name: string): string | null;
  getAll(name: string): string[];
  has(name: string, value?: string): boolean;
  set(name: string, value: string): void;
  sort(): void;
  forEach(callback: (value: string, name: string, parent: URLSearchParams) => void, thisArg?: unknown): void;
  entries(): IterableIterator<[string, string]>;
  keys(): IterableIterator<string>;
  values(): IterableIterator<string>;
  [Symbol.iterator](): IterableIterator<[string, string]>;
  toString(): string;
}
declare var URLSearchParams: {
  prototype: URLSearchParams;
  new (init?: string | URLSearchParams | Iterable<readonly [string, string]> | Record<string, string>): URLSearchParams;
};

/** WHATWG DOM events, without a tree: dispatch reaches the target's own listeners. */
interface EventInit {
  bubbles?: boolean;
  cancelable?: boolean;
  composed?: boolean;
}
interface Event {
  readonly type: string;
  readonly target: EventTarget | null;
  readonly currentTarget: EventTarget | null;
  readonly srcElement: EventTarget | null;
  readonly eventPhase: number;
  readonly bubbles: boolean;
  readonly cancelable: boolean;
  readonly composed: boolean;
  readonly defaultPrevented: boolean;
  readonly isTrusted: boolean;
  cancelBubble: boolean;
  returnValue: boolean;
  composedPath(): EventTarget[];
  preventDefault(): void;
  stopPropagation(): void;
  stopImmediatePropagation(): void;
}
declare var Event: {
  prototype: Event;
  new (type: string, init?: EventInit): Event;
  readonly NONE: 0;
  readonly CAPTURING_PHASE: 1;
  readonly AT_TARGET: 2;
  readonly BUBBLING_PHASE: 3;
};
type EventListenerOrEventListenerObject = ((event: Event) => void) | { handleEvent(event: Event): void };
interface AddEventListenerOptions {
  capture?: boolean;
  once?: boolean;
  passive?: boolean;
  /** Removes the listener when this signal aborts. */
  signal?: AbortSignal;
}
interface EventTarget {
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | { capture?: boolean }): void;
  /** Runs the listeners; false if one called preventDefault() on a cancelable event. */
  dispatchEvent(event: Event): boolean;
}
declare var EventTarget: { prototype: EventTarget; new (): EventTarget };

interface DOMException extends Error {
  readonly name: string;
  readonly message: string;
  readonly code: number;
}
declare var DOMException: { prototype: DOMException; new (message?: string, name?: string): DOMException };

/** WHATWG DOM abort signals. */
interface AbortSignal extends EventTarget {
  readonly aborted: boolean;
  /** Why it aborted (an AbortError or TimeoutError DOMException unless abort() was given one). */
  readonly reason: unknown;
  onabort: ((this: AbortSignal, event: Event) => unknown) | null;
  /** Throws `reason` if aborted. */
  throwIfAborted(): void;
}
declare var AbortSignal: {
  prototype: AbortSignal;
  abort(reason?: unknown): AbortSignal;
  /** Aborts with a TimeoutError after `ms` (a setTimeout, which keeps the event loop alive). */
  timeout(ms: number): AbortSignal;
  any(signals: Iterable<AbortSignal>): AbortSignal;
};
interface AbortController {
  readonly signal: AbortSignal;
  abort(reason?: unknown): void;
}
declare var AbortController: { prototype: AbortController; new (): AbortController };

// The Fetch API over the board's default network (web unit "http", runtime/web/http.ts): the
// classes of stacks/http, as they are (import types keep this file a global script).
/** Fetch Standard Headers (stacks/http/headers.ts). */
type Headers = import("../stacks/http/headers.ts").Headers;
declare var Headers: typeof import("../stacks/http/headers.ts").Headers;
/** Fetch Standard Request (stacks/http/request.ts). */
type Request = import("../stacks/http/request.ts").Request;
declare var Request: typeof import("../stacks/http/request.ts").Request;
/** Fetch Standard Response (stacks/http/response.ts). */
type Response = import("../stacks/http/response.ts").Response;
declare var Response: typeof import("../stacks/http/response.ts").Response;
/** fetch() for http: URLs over the board's default network, configured by DHCP unless the app called network() first (stacks/http/fetch.ts). */
declare var fetch: typeof import("../runtime/web/http.ts").fetch;
