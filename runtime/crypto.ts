/**
 * `crypto.getRandomValues()` over a board's random source, after the W3C Web Cryptography API
 * (the Crypto interface, "The getRandomValues method"): the argument must be an integer typed array
 * (Int8, Uint8, Uint8Clamped, Int16, Uint16, Int32, Uint32, BigInt64 or BigUint64), else a
 * "TypeMismatchError"; more than 65,536 bytes is a "QuotaExceededError"; the array's bytes are
 * overwritten in place and the same array is returned. A value that is not an ArrayBufferView
 * at all fails Web IDL's argument conversion first: a TypeError, as in browsers.
 *
 * The board installs it with its hardware RNG (`installCrypto((b) => rng.fill(b))`). This module
 * does not import the native "hal" module, so host tests run it in Node.
 */

/** The arrays getRandomValues() accepts. */
export type IntegerTypedArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array;

/** The most bytes one call may ask for (the specification's quota). */
export const MAX_RANDOM_BYTES = 65536;

/** Fills every byte of `bytes` with random data. */
export type RandomFill = (bytes: Uint8Array) => void;

export type GetRandomValues = <T extends IntegerTypedArray>(array: T) => T;

/**
 * The DOMException the specification throws, without a DOM: an Error whose `name` is the
 * exception name and `code` the legacy code (TypeMismatchError 17, QuotaExceededError 22).
 */
export class DomExceptionLike extends Error {
  readonly code: number;

  constructor(message: string, name: "TypeMismatchError" | "QuotaExceededError") {
    super(message);
    this.name = name;
    this.code = name === "TypeMismatchError" ? 17 : 22;
  }
}

/**
 * Getters of %TypedArray%.prototype, which read a typed array's internal slots (an own property
 * of the array cannot fake them, so the checks below hold for what is actually filled):
 * [Symbol.toStringTag] gives the array type's name for a typed array and undefined for anything
 * else, DataView included. Looked up on first use.
 */
interface Slots {
  readonly name: (this: unknown) => string | undefined;
  readonly buffer: (this: IntegerTypedArray) => ArrayBufferLike;
  readonly byteOffset: (this: IntegerTypedArray) => number;
  readonly byteLength: (this: IntegerTypedArray) => number;
}
let slots: Slots | undefined;

function typedArraySlots(): Slots {
  const proto: object = Object.getPrototypeOf(Int8Array.prototype);
  const getter = (key: PropertyKey) => Object.getOwnPropertyDescriptor(proto, key)!.get!;
  return { name: getter(Symbol.toStringTag), buffer: getter("buffer"), byteOffset: getter("byteOffset"), byteLength: getter("byteLength") };
}

/** getRandomValues() drawing from `fill`. */
export function getRandomValuesWith(fill: RandomFill): GetRandomValues {
  return <T extends IntegerTypedArray>(array: T): T => {
    const ta = (slots ??= typedArraySlots());
    const name = ta.name.call(array);
    switch (name) {
      case "Int8Array": case "Uint8Array": case "Uint8ClampedArray": case "Int16Array": case "Uint16Array":
      case "Int32Array": case "Uint32Array": case "BigInt64Array": case "BigUint64Array":
        break;
      default:
        if (name === undefined && !ArrayBuffer.isView(array)) {
          throw new TypeError("crypto.getRandomValues: the argument is not an ArrayBufferView");
        }
        throw new DomExceptionLike(`crypto.getRandomValues: ${name ?? "DataView"} is not an integer-type TypedArray`, "TypeMismatchError");
    }
    const n = ta.byteLength.call(array);
    if (n > MAX_RANDOM_BYTES) {
      throw new DomExceptionLike(`crypto.getRandomValues: ${n} bytes asked for; at most ${MAX_RANDOM_BYTES} per call`, "QuotaExceededError");
    }
    if (n !== 0) fill(new Uint8Array(ta.buffer.call(array), ta.byteOffset.call(array), n));
    return array;
  };
}

/**
 * Makes `crypto.getRandomValues` draw from `fill`, on the global crypto object as it is (the
 * engine's placeholder until now): what else it holds stays, crypto.subtle, randomUUID and seed
 * included, which a firmware that uses them defines at its start (runtime/web/crypto/prelude.ts),
 * before its board installs this; and a reference to crypto taken early sees the new source.
 */
export function installCrypto(fill: RandomFill): void {
  Object.defineProperty((globalThis as unknown as { crypto: object }).crypto, "getRandomValues", {
    value: getRandomValuesWith(fill),
    writable: true,
    configurable: true,
    enumerable: true,
  });
}
