/** Globals the tsmetal runtime provides on the target (ES2020 library plus these). */
interface TsmetalConsole {
  log(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}
/** The console on the board's console UART (runtime/console.ts). */
declare var console: TsmetalConsole;

// Timing globals provided by the engine's event loop (engine/src/timers.c, docs/event-loop.md).
/** Runs `handler(...args)` once, at least `timeout` ms from now. Returns the timer's id (> 0). */
declare function setTimeout<A extends unknown[]>(handler: (...args: A) => void, timeout?: number, ...args: A): number;
/** Runs `handler(...args)` every `timeout` ms until cleared. */
declare function setInterval<A extends unknown[]>(handler: (...args: A) => void, timeout?: number, ...args: A): number;
/** Cancels a timer of setTimeout; an id that is not pending is ignored. */
declare function clearTimeout(id?: number): void;
/** Cancels a timer of setInterval; an id that is not pending is ignored. */
declare function clearInterval(id?: number): void;
/** Queues `callback` as a microtask: after the current job, before any timer or interrupt. */
declare function queueMicrotask(callback: () => void): void;
/** High Resolution Time: the event loop's clock in milliseconds. */
interface TsmetalPerformance {
  /** Milliseconds since the board's clock was attached (monotonic, sub-millisecond). */
  now(): number;
  /** Date.now() at the moment performance.now() was 0. */
  readonly timeOrigin: number;
  /** User Timing § 3.1.1: records a mark at now() (or `options.startTime`, a TypeError if negative); `detail` is structured-cloned. */
  mark(name: string, options?: PerformanceMarkOptions): PerformanceEntry;
  /**
   * User Timing § 3.1.3: records a measure from a mark name or timestamp to another (or now()).
   * An unknown mark name is a SyntaxError DOMException; bad options (endMark with options, neither
   * start nor end, all of start, end and duration, a negative time) are a TypeError.
   */
  measure(name: string, startOrOptions?: string | PerformanceMeasureOptions, endMark?: string): PerformanceEntry;
  /** The kept marks and measures in startTime order (at most 1,000: the oldest recorded are dropped). */
  getEntries(): PerformanceEntry[];
  /** The kept entries named `name` (and of entryType `type` if given), in startTime order. */
  getEntriesByName(name: string, type?: string): PerformanceEntry[];
  /** The kept entries of entryType `type` ("mark" or "measure"), in startTime order. */
  getEntriesByType(type: string): PerformanceEntry[];
  /** Forgets the marks named `name`, or every mark. */
  clearMarks(name?: string): void;
  /** Forgets the measures named `name`, or every measure. */
  clearMeasures(name?: string): void;
}
/** A PerformanceMark or PerformanceMeasure (Performance Timeline § 5, runtime/web/user-timing.ts). */
type PerformanceEntry = import("../runtime/web/user-timing.ts").UserTimingEntry;
/** User Timing's PerformanceMarkOptions: `detail` and `startTime`. */
type PerformanceMarkOptions = import("../runtime/web/user-timing.ts").MarkOptions;
/** User Timing's PerformanceMeasureOptions: `start`, `end`, `duration` and `detail`. */
type PerformanceMeasureOptions = import("../runtime/web/user-timing.ts").MeasureOptions;
/** Milliseconds since the firmware started, from the board's clock. */
declare var performance: TsmetalPerformance;

// Web Crypto's random source, where the board has a hardware RNG (docs/hal.md); subtle,
// randomUUID and seed from the unit "webcrypto", loaded on first use (docs/security.md).
/** Web Crypto: random values from the board's hardware RNG, and SubtleCrypto. */
interface TsmetalCrypto {
  /** Fills an integer typed array (at most 65,536 bytes) with random values and returns it. */
  getRandomValues<T extends Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array>(array: T): T;
  /** W3C Web Cryptography: digest, HMAC, HKDF, AES-GCM, Ed25519, X25519, ECDSA and ECDH on P-256 (runtime/web/crypto/). */
  readonly subtle: SubtleCrypto;
  /** An RFC 9562 version 4 UUID from the CSPRNG. */
  randomUUID(): string;
  /**
   * tsmetal's own: mixes at least 32 bytes of secret entropy into the CSPRNG behind subtle and
   * randomUUID. On a board without a random source (sifive_u) key generation refuses until this
   * is called; elsewhere the bytes are mixed in with the hardware's.
   */
  seed(entropy: ArrayBuffer | ArrayBufferView): void;
}
/** Web Cryptography's SubtleCrypto (runtime/web/crypto/subtle.ts). */
type SubtleCrypto = import("../runtime/web/crypto/subtle.ts").SubtleCrypto;
/** Web Cryptography's CryptoKey (runtime/web/crypto/key.ts). */
type CryptoKey = import("../runtime/web/crypto/key.ts").CryptoKey;
/** Web Crypto: the public and private key generateKey() returns for an asymmetric algorithm. */
type CryptoKeyPair = import("../runtime/web/crypto/algorithm.ts").CryptoKeyPair;
/** Web Crypto: a key as a JSON Web Key (RFC 7517), for importKey and exportKey "jwk". */
type JsonWebKey = import("../runtime/web/crypto/algorithm.ts").JsonWebKey;
/** Web Crypto: what a CryptoKey may be used for ("sign", "verify", "encrypt", ...). */
type KeyUsage = import("../runtime/web/crypto/key.ts").KeyUsage;
/** Bytes as Web APIs take them: an ArrayBuffer or a view of one. */
type BufferSource = ArrayBuffer | ArrayBufferView;
/** Web Crypto (throws naming the board when it has no random source). */
declare var crypto: TsmetalCrypto;

// ES2022's Object.hasOwn (engine/patches/0012; the firmware's lib is es2020).
/** ES2022's Object.hasOwn on the ES2020 library. */
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
/** The TextEncoder constructor (loaded on first use). */
declare var TextEncoder: { prototype: TextEncoder; new (): TextEncoder };

/** Options of new TextDecoder(). */
interface TextDecoderOptions {
  /** Throw a TypeError on invalid UTF-8 instead of producing U+FFFD. */
  fatal?: boolean;
  /** Keep a leading byte order mark instead of dropping it. */
  ignoreBOM?: boolean;
}
/** Options of TextDecoder.decode(). */
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
/** The TextDecoder constructor: UTF-8 only (loaded on first use). */
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
/** The URL constructor (WHATWG URL Standard; loaded on first use). */
declare var URL: {
  prototype: URL;
  new (url: string | URL, base?: string | URL): URL;
  canParse(url: string | URL, base?: string | URL): boolean;
  parse(url: string | URL, base?: string | URL): URL | null;
};

/** WHATWG URL: the query of a URL as name/value pairs. */
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
/** The URLSearchParams constructor (loaded on first use). */
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
/** DOM Standard Event, as AbortSignal dispatches it. */
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
/** The Event constructor (loaded on first use). */
declare var Event: {
  prototype: Event;
  new (type: string, init?: EventInit): Event;
  readonly NONE: 0;
  readonly CAPTURING_PHASE: 1;
  readonly AT_TARGET: 2;
  readonly BUBBLING_PHASE: 3;
};
/** A listener of EventTarget: a function or an object with handleEvent. */
type EventListenerOrEventListenerObject = ((event: Event) => void) | { handleEvent(event: Event): void };
/** Options of EventTarget.addEventListener(). */
interface AddEventListenerOptions {
  capture?: boolean;
  once?: boolean;
  passive?: boolean;
  /** Removes the listener when this signal aborts. */
  signal?: AbortSignal;
}
/** DOM Standard EventTarget: listeners by event type. */
interface EventTarget {
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | { capture?: boolean }): void;
  /** Runs the listeners; false if one called preventDefault() on a cancelable event. */
  dispatchEvent(event: Event): boolean;
}
/** The EventTarget constructor (loaded on first use). */
declare var EventTarget: { prototype: EventTarget; new (): EventTarget };

/** WebIDL DOMException: an Error with a name (AbortError, TimeoutError, ...). */
interface DOMException extends Error {
  readonly name: string;
  readonly message: string;
  readonly code: number;
}
/** The DOMException constructor (loaded on first use). */
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
/** AbortSignal's static methods (abort, timeout, any; loaded on first use). */
declare var AbortSignal: {
  prototype: AbortSignal;
  abort(reason?: unknown): AbortSignal;
  /** Aborts with a TimeoutError after `ms` (a setTimeout, which keeps the event loop alive). */
  timeout(ms: number): AbortSignal;
  any(signals: Iterable<AbortSignal>): AbortSignal;
};
/** DOM Standard AbortController: a signal and the abort() that fires it. */
interface AbortController {
  readonly signal: AbortSignal;
  abort(reason?: unknown): void;
}
/** The AbortController constructor (loaded on first use). */
declare var AbortController: { prototype: AbortController; new (): AbortController };

// The HTML Standard's base64, structured clone and error reporting (web unit "html",
// runtime/web/html.ts). WeakRef and FinalizationRegistry (unit "weakref") have the es2021.weakref
// typings of the firmware's lib (tools/lib/target-lib.ts).
/** Base64 of `data`'s code units, each at most U+00FF (else an InvalidCharacterError DOMException). */
declare function btoa(data: string): string;
/** Forgiving-base64 decode of `data`: one code unit per byte (an InvalidCharacterError DOMException if it is not base64). */
declare function atob(data: string): string;
/** Options of structuredClone(). */
interface StructuredSerializeOptions {
  /** ArrayBuffers to move into the clone: each is detached afterwards. */
  transfer?: unknown[];
}
/** A deep copy by the HTML structured clone algorithm (a DataCloneError DOMException for functions, symbols, WeakMaps, promises). */
declare function structuredClone<T>(value: T, options?: StructuredSerializeOptions): T;
/** Reports `e` as an uncaught error (from a microtask: printed, exit code 1) without throwing here. */
declare function reportError(e: unknown): void;

/**
 * ES2024's ArrayBuffer transfer (engine/patches/0016), without the resizable buffers of the
 * es2024.arraybuffer lib, which the engine lacks.
 */
interface ArrayBuffer {
  /** True once transferred (or otherwise detached): its length is 0 and its views are empty. */
  readonly detached: boolean;
  /** A new buffer of `newByteLength` bytes (this one's length by default) with this one's bytes; this one is detached. */
  transfer(newByteLength?: number): ArrayBuffer;
  /** The same as transfer() (no buffer here is resizable). */
  transferToFixedLength(newByteLength?: number): ArrayBuffer;
}

// The Fetch API over the board's default network (web unit "http", runtime/web/http.ts): the
// classes of stacks/http, as they are (import types keep this file a global script).
/** Fetch Standard Headers (stacks/http/headers.ts). */
type Headers = import("../stacks/http/headers.ts").Headers;
/** The Headers constructor (Fetch Standard; loaded on first use). */
declare var Headers: typeof import("../stacks/http/headers.ts").Headers;
/** Fetch Standard Request (stacks/http/request.ts). */
type Request = import("../stacks/http/request.ts").Request;
/** The Request constructor (Fetch Standard; loaded on first use). */
declare var Request: typeof import("../stacks/http/request.ts").Request;
/** Fetch Standard Response (stacks/http/response.ts). */
type Response = import("../stacks/http/response.ts").Response;
/** The Response constructor (Fetch Standard; loaded on first use). */
declare var Response: typeof import("../stacks/http/response.ts").Response;
/** fetch() for http: URLs over the board's default network, configured by DHCP unless the app called network() first (stacks/http/fetch.ts). */
declare var fetch: typeof import("../runtime/web/http.ts").fetch;
